import type { ClassifiedMention } from '@earshot/contracts'
import { createTicketRepository, type Pool, type TicketRow, withTransaction } from '@earshot/store'
import { evaluate } from '@earshot/triage'
import { conversationState, ticketChange } from './domain/ticket-change.js'
import type { PolicyBook } from './policy-book.js'
import { ticketEventBuilders } from './ticket-events.js'

export interface TicketWriterOptions {
  pool: Pool
  policies: PolicyBook
  now?: () => Date
  /** A conversation whose ticket closed less than this long ago reopens it instead of opening a new one. */
  reopenWindowMs?: number
}

export interface WriteResult {
  stored: number
  duplicates: number
  events: number
  ticketsOpened: number
}

/**
 * Turns a batch of classified mentions into tickets in ONE transaction: mentions inserted
 * idempotently (a redelivered one is a no-op), each new mention triaged against its tenant's
 * policy and applied to its conversation's ticket (opened, joined or reopened, row-locked),
 * schedules written, and tickets.v1 events appended to the outbox with contiguous sequences.
 * The caller commits the Kafka offset only after this resolves.
 */
export function createTicketWriter (options: TicketWriterOptions) {
  const repo = createTicketRepository()
  const now = options.now ?? (() => new Date())
  const reopenWindowMs = options.reopenWindowMs ?? 72 * 60 * 60 * 1000

  async function writeBatch (mentions: ClassifiedMention[]): Promise<WriteResult> {
    const at = now()
    return await withTransaction(options.pool, async (tx) => {
      const fresh = await repo.insertNewMentions(tx, mentions.map((m) => ({
        tenantId: m.tenantId, id: m.id, conversationId: m.conversationId, platform: m.platform, createdAt: m.createdAt, receivedAt: m.receivedAt, event: m,
      })))
      const todo = mentions.filter((m, i) => fresh.has(`${m.tenantId}\u0000${m.id}`) && mentions.findIndex((o) => o.tenantId === m.tenantId && o.id === m.id) === i)
      const result: WriteResult = { stored: todo.length, duplicates: mentions.length - todo.length, events: 0, ticketsOpened: 0 }
      if (todo.length === 0) return result

      const queue = await repo.openTicketCounts(tx, [...new Set(todo.map((m) => m.tenantId))])
      const locked = new Map<string, TicketRow>()
      const mentionIds = new Map<string, string[]>()
      const assignments = []
      for (const mention of todo) {
        const conversation = `${mention.tenantId}\u0000${mention.conversationId}`
        const current = locked.get(conversation) ??
          await repo.lockActiveTicket(tx, mention.tenantId, mention.conversationId, new Date(at.getTime() - reopenWindowMs))
        const decision = evaluate(options.policies.policyFor(mention.tenantId), {
          mention,
          ...(current === undefined
            ? {}
            : { conversation: { state: conversationState(current), priority: current.priority, tags: current.tags, ...(current.team === null ? {} : { team: current.team }) } }),
          queueSize: queue.get(mention.tenantId) ?? 0,
        }, at)
        const change = ticketChange(current, mention, decision, at)
        const { ticket } = change
        if (change.isNew) {
          await repo.insertTicket(tx, ticket)
          queue.set(mention.tenantId, (queue.get(mention.tenantId) ?? 0) + 1)
          result.ticketsOpened++
          mentionIds.set(ticket.id, [mention.id])
        } else {
          await repo.updateTicket(tx, ticket)
          const known = mentionIds.get(ticket.id) ?? await repo.mentionIds(tx, ticket.tenantId, ticket.id)
          mentionIds.set(ticket.id, [...known, mention.id])
          if (change.cancelKinds.length > 0) await repo.cancelSchedulesOfKind(tx, ticket.tenantId, ticket.id, change.cancelKinds)
        }
        await repo.schedule(tx, change.schedules)
        const ids = mentionIds.get(ticket.id) ?? [mention.id]
        await repo.appendEvents(tx, ticket, ticketEventBuilders(ticket, change.events, ids, at))
        result.events += change.events.length
        locked.set(conversation, ticket)
        assignments.push({ tenantId: mention.tenantId, mentionId: mention.id, ticketId: ticket.id, decision })
      }
      await repo.assignMentions(tx, assignments)
      return result
    })
  }

  return { writeBatch }
}

export type TicketWriter = ReturnType<typeof createTicketWriter>
