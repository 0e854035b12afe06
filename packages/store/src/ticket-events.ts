import { messageKey, parseEvent, type TicketEvent, type TicketEventType, topics } from '@earshot/contracts'
import type { EventBuilder, OutboxRow, TicketRow } from './ticket-repository.js'

export function ticketSnapshot (ticket: TicketRow, mentionIds: string[]): TicketEvent['ticket'] {
  const sla = Object.fromEntries(Object.entries(ticket.sla).filter(([, v]) => typeof v === 'string'))
  return {
    ...ticket.details,
    id: ticket.id,
    tenantId: ticket.tenantId,
    conversationId: ticket.conversationId,
    status: ticket.status,
    priority: ticket.priority,
    ...(ticket.team === null ? {} : { team: ticket.team }),
    ...(ticket.assignee === null ? {} : { assignee: ticket.assignee }),
    platform: ticket.platform as TicketEvent['ticket']['platform'],
    mentionIds,
    tags: ticket.tags,
    sla,
    createdAt: ticket.createdAt.toISOString(),
    updatedAt: ticket.updatedAt.toISOString(),
  }
}

/**
 * tickets.v1 events for the outbox, validated against the contract before they are stored. The
 * event id is the ticket id and sequence, so a republished event is recognisably the same one.
 */
export function ticketEventBuilders (ticket: TicketRow, types: TicketEventType[], mentionIds: string[], occurredAt: Date): EventBuilder[] {
  const key = messageKey(ticket.tenantId, ticket.conversationId)
  const snapshot = ticketSnapshot(ticket, mentionIds)
  return types.map((type) => (sequence: number) => {
    const event = parseEvent(topics.tickets, {
      schemaVersion: 1,
      eventId: `evt_${ticket.id}_${sequence}`,
      type,
      tenantId: ticket.tenantId,
      ticketId: ticket.id,
      sequence,
      occurredAt: occurredAt.toISOString(),
      ticket: snapshot,
    })
    return { eventId: event.eventId, messageKey: key, payload: event }
  })
}

/**
 * The events as outbox rows with the ticket's next sequences, advancing `ticket.lastSequence`: for
 * callers that hold the ticket's lock and write the rows and the ticket themselves (`saveBatch`).
 */
export function sequencedEvents (ticket: TicketRow, types: TicketEventType[], mentionIds: string[], occurredAt: Date): Array<Omit<OutboxRow, 'id'>> {
  return ticketEventBuilders(ticket, types, mentionIds, occurredAt).map((build) => {
    ticket.lastSequence++
    return { tenantId: ticket.tenantId, ticketId: ticket.id, sequence: ticket.lastSequence, ...build(ticket.lastSequence) }
  })
}
