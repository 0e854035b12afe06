import { createTicketRepository, type Pool, ticketEventBuilders, type TicketRow, withTransaction } from '@earshot/store'
import type { Principal } from '../auth/principal.js'
import { applyTicketAction, type TicketAction } from '../domain/ticket-actions.js'
import { conflict, notFound } from '../errors.js'
import type { AuditRepository } from './audit.js'

const tickets = createTicketRepository()

/**
 * Runs a moderator action in one transaction: lock the ticket row, apply the action, write the
 * ticket, append its tickets.v1 events to the outbox with the next sequences (the router's relay
 * publishes them), cancel schedules it ends, and write the audit row.
 */
export function createTicketWriter (pool: Pool, audit: AuditRepository) {
  return {
    async act (tenantId: string, ticketId: string, action: TicketAction, principal: Principal, now: Date): Promise<{ ticket: TicketRow, sequences: number[] }> {
      try {
        return await withTransaction(pool, async (tx) => {
          const current = await tickets.getTicket(tx, tenantId, ticketId, { lock: true })
          if (current === undefined) throw notFound(`ticket ${ticketId} not found`)
          const result = applyTicketAction(current, action, principal.label, now)
          if (!result.ok) throw conflict(result.conflict)
          const { ticket, events, cancelKinds, schedules, audit: details } = result.outcome
          await tickets.updateTicket(tx, ticket)
          if (cancelKinds.length > 0) await tickets.cancelSchedulesOfKind(tx, tenantId, ticketId, cancelKinds)
          if (schedules.length > 0) await tickets.schedule(tx, schedules.map((item) => ({ tenantId, ticketId, ...item })))
          const first = ticket.lastSequence + 1
          if (events.length > 0) {
            const mentionIds = await tickets.mentionIds(tx, tenantId, ticketId)
            await tickets.appendEvents(tx, ticket, ticketEventBuilders(ticket, events, mentionIds, now))
          }
          await audit.append(tenantId, {
            ticketId, actorKind: principal.kind, actorId: principal.label, action: `ticket.${action.action}`, details, at: now,
          }, tx)
          return { ticket, sequences: events.map((_, i) => first + i) }
        })
      } catch (err) {
        // Reopening while the conversation already has another open ticket (tickets_open_conversation).
        if (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505') {
          throw conflict(`cannot ${action.action} ticket ${ticketId}: its conversation already has an open ticket`)
        }
        throw err
      }
    },
  }
}

export type TicketWriter = ReturnType<typeof createTicketWriter>
