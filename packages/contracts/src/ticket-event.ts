import { z } from 'zod'
import { idSchema, mentionIdSchema, platformSchema, tenantIdSchema, timestampSchema } from './common.js'

export const ticketEventTypes = [
  'ticket.opened',
  'ticket.message_added',
  'ticket.acknowledged',
  'ticket.escalated',
  'ticket.follow_up_scheduled',
  'ticket.follow_up_due',
  'ticket.sla_breached',
  'ticket.assigned',
  'ticket.replied',
  'ticket.resolved',
  'ticket.reopened',
  'incident.detected',
] as const
export const ticketStatuses = ['open', 'acknowledged', 'escalated', 'snoozed', 'resolved', 'closed'] as const
export const ticketPriorities = ['low', 'normal', 'high', 'critical'] as const

export type TicketEventType = typeof ticketEventTypes[number]
export type TicketStatus = typeof ticketStatuses[number]
export type TicketPriority = typeof ticketPriorities[number]

/**
 * Snapshot objects are loose (unknown fields kept, not rejected): the ticket gains fields as
 * the router grows, and tickets.v1 consumers outside this repo must ignore what they do not know.
 */
export const ticketSnapshotSchema = z.looseObject({
  id: idSchema('The ticket id; equals the event\'s ticketId.'),
  tenantId: tenantIdSchema,
  conversationId: idSchema('The conversation the ticket tracks; with tenantId it forms the message key.'),
  status: z.enum(ticketStatuses),
  priority: z.enum(ticketPriorities),
  team: z.string().min(1).max(200).optional(),
  assignee: z.string().min(1).max(200).optional(),
  platform: platformSchema,
  mentionIds: z.array(mentionIdSchema),
  tags: z.array(z.string().min(1).max(200)),
  sla: z.looseObject({
    firstResponseDueAt: timestampSchema.optional(),
    resolutionDueAt: timestampSchema.optional(),
  }).optional(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
}).meta({ description: 'The full ticket after the change. Unknown fields may appear and must be ignored.' })

interface TicketEventIdentity {
  tenantId: string
  ticketId: string
  ticket: { id: string, tenantId: string }
}

function hasIdentityFields (value: unknown): value is TicketEventIdentity {
  if (typeof value !== 'object' || value === null) return false
  const { tenantId, ticketId, ticket } = value as Record<string, unknown>
  if (typeof tenantId !== 'string' || typeof ticketId !== 'string' || typeof ticket !== 'object' || ticket === null) return false
  const snapshot = ticket as Record<string, unknown>
  return typeof snapshot.id === 'string' && typeof snapshot.tenantId === 'string'
}

export const ticketEventSchema = z.strictObject({
  schemaVersion: z.literal(1),
  eventId: idSchema('Unique per event; consumers dedupe redeliveries by it.'),
  type: z.enum(ticketEventTypes),
  tenantId: tenantIdSchema,
  ticketId: idSchema('The ticket this event is about.'),
  sequence: z.int().min(1).meta({ description: 'Increases per ticket, so consumers can order and dedupe.' }),
  occurredAt: timestampSchema,
  ticket: ticketSnapshotSchema,
})
  .refine((event) => event.ticket.id === event.ticketId, {
    path: ['ticket', 'id'],
    when: (payload) => hasIdentityFields(payload.value),
    error: (issue) => `must equal ticketId "${(issue.input as TicketEventIdentity).ticketId}", got "${(issue.input as TicketEventIdentity).ticket.id}"`,
  })
  .refine((event) => event.ticket.tenantId === event.tenantId, {
    path: ['ticket', 'tenantId'],
    when: (payload) => hasIdentityFields(payload.value),
    error: (issue) => `must equal tenantId "${(issue.input as TicketEventIdentity).tenantId}", got "${(issue.input as TicketEventIdentity).ticket.tenantId}"`,
  })
  .meta({ title: 'tickets.v1', description: 'A change to a ticket, with the full snapshot after the change.' })

export type TicketSnapshot = z.infer<typeof ticketSnapshotSchema>
export type TicketEvent = z.infer<typeof ticketEventSchema>
