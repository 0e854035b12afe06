import { type TicketEventType, type TicketPriority, ticketPriorities } from '@earshot/contracts'
import type { ScheduleRow, TicketRow } from '@earshot/store'
import type { Action } from '@earshot/triage'

export interface FiredSchedule {
  ticket: TicketRow
  events: TicketEventType[]
  /** An acknowledgement to post through the platform's reply sender. */
  reply?: { mentionId: string, text: string, actionId: string }
  /** Why nothing happened (the condition that makes it moot), for logs and metrics. */
  skipped?: string
}

const CLOSED = new Set(['resolved', 'closed'])

function higher (a: TicketPriority, b: TicketPriority): TicketPriority {
  return ticketPriorities.indexOf(b) > ticketPriorities.indexOf(a) ? b : a
}

function oneLevelUp (priority: TicketPriority): TicketPriority {
  return ticketPriorities[Math.min(ticketPriorities.length - 1, ticketPriorities.indexOf(priority) + 1)] ?? priority
}

function responded (ticket: TicketRow, target: string): boolean {
  const details = ticket.details
  if (target === 'resolution') return CLOSED.has(ticket.status)
  return typeof details.respondedAt === 'string' && (target === 'first_response' || Date.parse(details.respondedAt) >= Date.parse(String(details.lastMessageAt ?? '')))
}

function holds (ticket: TicketRow, unless: string[]): string | undefined {
  for (const condition of unless) {
    if (condition === 'resolved' && CLOSED.has(ticket.status)) return 'resolved'
    if (condition === 'replied' && typeof ticket.details.repliedAt === 'string') return 'replied'
    if (condition === 'acknowledged' && (typeof ticket.details.respondedAt === 'string' || ticket.status === 'acknowledged')) return 'acknowledged'
  }
  return undefined
}

function escalate (ticket: TicketRow, action: Action['escalate'], now: Date, reason: string): TicketRow {
  return {
    ...ticket,
    status: 'escalated',
    // An SLA about to breach raises the priority a level; a rule's escalation raises it to what it names.
    priority: action === undefined ? oneLevelUp(ticket.priority) : higher(ticket.priority, action.priority ?? ticket.priority),
    team: action?.team ?? ticket.team,
    updatedAt: now,
    details: { ...ticket.details, lastEscalation: { at: now.toISOString(), reason } },
  }
}

/**
 * What a due schedule does to its ticket, decided again at firing time: a follow-up fires only if
 * its `unless` still does not hold; an SLA check only if the response it guards has not happened;
 * nothing fires on a closed ticket. Pure: the scheduler persists the result.
 */
export function fireSchedule (ticket: TicketRow, schedule: ScheduleRow, now: Date): FiredSchedule {
  const [kind, target = ''] = schedule.kind.split(':') as [string, string | undefined]
  if (CLOSED.has(ticket.status) && kind !== 'handover') return { ticket, events: [], skipped: `ticket ${ticket.status}` }
  const payload = schedule.payload
  switch (kind) {
    case 'sla_pre_breach': {
      if (responded(ticket, target)) return { ticket, events: [], skipped: `${target} done` }
      return { ticket: escalate(ticket, undefined, now, `sla ${target} at risk`), events: ['ticket.escalated'] }
    }
    case 'sla_breach': {
      if (responded(ticket, target)) return { ticket, events: [], skipped: `${target} done` }
      const breaches = Array.isArray(ticket.details.slaBreaches) ? ticket.details.slaBreaches as unknown[] : []
      return {
        ticket: { ...ticket, updatedAt: now, details: { ...ticket.details, slaBreaches: [...breaches, { target, at: now.toISOString() }] } },
        events: ['ticket.sla_breached'],
      }
    }
    case 'follow_up':
    case 're_escalation': {
      const unless = Array.isArray(payload.unless) ? payload.unless as string[] : []
      const reason = holds(ticket, unless)
      if (reason !== undefined) return { ticket, events: [], skipped: `unless ${reason}` }
      const then = (payload.then ?? {}) as Action
      const events: TicketEventType[] = kind === 'follow_up' ? ['ticket.follow_up_due'] : []
      if (then.escalate !== undefined) {
        return { ticket: escalate(ticket, then.escalate, now, String(payload.rule ?? kind)), events: [...events, 'ticket.escalated'] }
      }
      if (then.assign !== undefined) {
        return { ticket: { ...ticket, team: then.assign.team ?? ticket.team, assignee: then.assign.user ?? ticket.assignee, updatedAt: now }, events: [...events, 'ticket.assigned'] }
      }
      return { ticket: { ...ticket, updatedAt: now }, events }
    }
    case 'handover': {
      const coverage = ticket.details.coverage as { who?: string } | undefined
      if (CLOSED.has(ticket.status) || coverage?.who !== 'agency') return { ticket, events: [], skipped: 'not with the agency' }
      return {
        ticket: { ...ticket, updatedAt: now, details: { ...ticket.details, coverage: { ...coverage, who: 'brand', why: 'handover' }, handedOverAt: now.toISOString() } },
        events: ['ticket.assigned'],
      }
    }
    case 'snooze_end': {
      // Moot when a moderator already took the ticket back, or snoozed it again until later.
      if (ticket.status !== 'snoozed' || ticket.details.snoozedUntil !== payload.until) return { ticket, events: [], skipped: 'no longer snoozed' }
      const { snoozedUntil: _until, statusBeforeSnooze, ...details } = ticket.details
      const status = statusBeforeSnooze === 'acknowledged' || statusBeforeSnooze === 'escalated' ? statusBeforeSnooze : 'open'
      return { ticket: { ...ticket, status, updatedAt: now, details: { ...details, snoozeEndedAt: now.toISOString() } }, events: ['ticket.follow_up_due'] }
    }
    case 'acknowledge': {
      if (typeof ticket.details.respondedAt === 'string') return { ticket, events: [], skipped: 'already acknowledged' }
      return {
        ticket,
        events: [],
        // A retry (a later row) carries the first row's action id: one post per acknowledgement, however often retried.
        reply: { mentionId: String(payload.mentionId ?? ''), text: String(payload.text ?? ''), actionId: typeof payload.actionId === 'string' ? payload.actionId : `ack:${schedule.id}` },
      }
    }
    default:
      return { ticket, events: [], skipped: `unknown schedule kind ${schedule.kind}` }
  }
}
