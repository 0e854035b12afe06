import type { TicketEventType, TicketPriority } from '@earshot/contracts'
import type { TicketRow } from '@earshot/store'

export const ticketActions = ['assign', 'take', 'acknowledge', 'reply', 'escalate', 'notes', 'snooze', 'resolve', 'reopen'] as const
export type TicketActionName = typeof ticketActions[number]

export type TicketAction =
  | { action: 'assign', assignee: string }
  | { action: 'take' }
  | { action: 'acknowledge' }
  | { action: 'reply', text?: string }
  | { action: 'escalate', team: string, priority?: TicketPriority, reason?: string }
  | { action: 'notes', text: string }
  | { action: 'snooze', until: Date }
  | { action: 'resolve', reason?: string }
  | { action: 'reopen' }

export interface ActionOutcome {
  ticket: TicketRow
  /** tickets.v1 events to append, in order (none for a note: it changes nothing a consumer sees). */
  events: TicketEventType[]
  /** Schedule kinds no longer due (resolving stops the SLA clocks and follow-ups). */
  cancelKinds: string[]
  /** Checks the router's scheduler fires later (a snooze ends), written after the cancels. */
  schedules: Array<{ kind: string, dueAt: Date, payload: Record<string, unknown>, dedupeKey: string }>
  audit: Record<string, unknown>
}

/** The scheduler's kind for the end of a snooze (services/router/src/domain/fire-schedule.ts). */
export const snoozeEndKind = 'snooze_end'

export type ActionResult = { ok: true, outcome: ActionOutcome } | { ok: false, conflict: string }

const closed = (ticket: TicketRow): boolean => ticket.status === 'resolved' || ticket.status === 'closed'
const conflictFor = (ticket: TicketRow, action: string): ActionResult => ({ ok: false, conflict: `cannot ${action} ticket ${ticket.id}: it is ${ticket.status}` })

const stopOnResolve = [
  'sla_pre_breach:first_response', 'sla_breach:first_response', 'sla_pre_breach:next_response', 'sla_breach:next_response',
  'sla_pre_breach:resolution', 'sla_breach:resolution', 'follow_up', 're_escalation', 'acknowledge',
]

function responded (ticket: TicketRow, now: Date): Record<string, unknown> {
  return typeof ticket.details.firstResponseAt === 'string' ? {} : { firstResponseAt: now.toISOString() }
}

/**
 * What a moderator's action does to a ticket: the new ticket, its events and the audit details, or
 * why the action does not apply to the ticket's state (409). Pure; the route runs it under the
 * ticket's row lock and writes the result in one transaction.
 */
export function applyTicketAction (current: TicketRow, action: TicketAction, actor: string, now: Date): ActionResult {
  const ticket: TicketRow = { ...current, details: { ...current.details }, tags: [...current.tags], updatedAt: now }
  const at = now.toISOString()
  const done = (events: TicketEventType[], audit: Record<string, unknown>, cancelKinds: string[] = [], schedules: ActionOutcome['schedules'] = []): ActionResult =>
    ({ ok: true, outcome: { ticket, events, cancelKinds, schedules, audit } })

  switch (action.action) {
    case 'assign':
    case 'take': {
      if (closed(current)) return conflictFor(current, action.action)
      const assignee = action.action === 'take' ? actor : action.assignee
      if (current.assignee === assignee) return { ok: false, conflict: `ticket ${current.id} is already assigned to ${assignee}` }
      ticket.assignee = assignee
      return done(['ticket.assigned'], { assignee, previous: current.assignee })
    }
    case 'acknowledge': {
      if (closed(current)) return conflictFor(current, 'acknowledge')
      if (current.status === 'acknowledged' || typeof current.details.acknowledgedAt === 'string') {
        return { ok: false, conflict: `ticket ${current.id} is already acknowledged` }
      }
      if (current.status === 'open' || current.status === 'snoozed') ticket.status = 'acknowledged'
      ticket.details = { ...ticket.details, acknowledgedAt: at, acknowledgedBy: actor, ...responded(current, now) }
      return done(['ticket.acknowledged'], {})
    }
    case 'reply': {
      if (closed(current)) return conflictFor(current, 'reply to')
      const drafted = current.details.acknowledgement as { text?: unknown, mode?: unknown, state?: unknown } | undefined
      const draftText = typeof drafted?.text === 'string' ? drafted.text : undefined
      const text = action.text ?? draftText
      if (text === undefined) return { ok: false, conflict: `ticket ${current.id} has no suggested reply to approve; send { "text": "…" }` }
      if (current.status === 'open' || current.status === 'snoozed') ticket.status = 'acknowledged'
      const edited = action.text !== undefined && draftText !== undefined && action.text !== draftText
      ticket.details = {
        ...ticket.details,
        ...(drafted === undefined ? {} : { acknowledgement: { ...drafted, state: 'approved', approvedBy: actor, approvedAt: at, text } }),
        reply: { text, approvedBy: actor, at, edited },
        ...responded(current, now),
      }
      return done(['ticket.replied'], { text, edited })
    }
    case 'escalate': {
      if (closed(current)) return conflictFor(current, 'escalate')
      ticket.status = 'escalated'
      ticket.team = action.team
      if (action.priority !== undefined) ticket.priority = action.priority
      ticket.details = { ...ticket.details, escalation: { team: action.team, by: actor, at, ...(action.reason === undefined ? {} : { reason: action.reason }) } }
      return done(['ticket.escalated'], { team: action.team, priority: ticket.priority, previousTeam: current.team, ...(action.reason === undefined ? {} : { reason: action.reason }) })
    }
    case 'notes':
      ticket.updatedAt = current.updatedAt
      return done([], { text: action.text })
    case 'snooze': {
      if (closed(current)) return conflictFor(current, 'snooze')
      const until = action.until.toISOString()
      ticket.status = 'snoozed'
      // The status to return to when the snooze ends (a snooze of a snoozed ticket keeps the first).
      const before = current.status === 'snoozed' ? current.details.statusBeforeSnooze ?? 'open' : current.status
      ticket.details = { ...ticket.details, snoozedUntil: until, snoozedBy: actor, statusBeforeSnooze: before }
      // A new snooze replaces the end of an earlier one.
      return done(['ticket.follow_up_scheduled'], { until }, [snoozeEndKind],
        [{ kind: snoozeEndKind, dueAt: action.until, payload: { until }, dedupeKey: `${snoozeEndKind}:${current.id}:${until}` }])
    }
    case 'resolve': {
      if (closed(current)) return { ok: false, conflict: `ticket ${current.id} is already ${current.status}` }
      ticket.status = 'resolved'
      ticket.closedAt = now
      ticket.details = { ...ticket.details, resolvedBy: actor, ...(action.reason === undefined ? {} : { closeReason: action.reason }) }
      return done(['ticket.resolved'], action.reason === undefined ? {} : { reason: action.reason }, stopOnResolve)
    }
    case 'reopen': {
      if (!closed(current)) return { ok: false, conflict: `ticket ${current.id} is ${current.status}, not resolved or closed` }
      ticket.status = 'open'
      ticket.closedAt = null
      ticket.details = { ...ticket.details, reopenedBy: actor, reopenedAt: at }
      return done(['ticket.reopened'], {})
    }
  }
}
