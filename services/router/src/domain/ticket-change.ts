import { createHash } from 'node:crypto'
import type { ClassifiedMention, TicketEventType, TicketStatus } from '@earshot/contracts'
import type { NewSchedule, TicketQueueFields, TicketRow } from '@earshot/store'
import type { Decision } from '@earshot/triage'

export type ConversationState = 'new' | 'existing' | 'reopened'

export interface TicketChange {
  ticket: TicketRow
  isNew: boolean
  /** tickets.v1 event types, in order; sequences are assigned when they are written. */
  events: TicketEventType[]
  schedules: NewSchedule[]
  /** Schedule kinds superseded by this change (e.g. the previous next-response SLA checks). */
  cancelKinds: string[]
}

const CLOSED_STATES: readonly TicketStatus[] = ['resolved', 'closed']

/** Deterministic, so a batch retried after a crash opens the ticket under the same id. */
export function ticketIdFor (tenantId: string, firstMentionId: string): string {
  return `tkt_${createHash('sha256').update(`${tenantId}\u0000${firstMentionId}`).digest('hex').slice(0, 24)}`
}

export function conversationState (ticket: TicketRow | undefined): ConversationState {
  if (ticket === undefined) return 'new'
  return CLOSED_STATES.includes(ticket.status) ? 'reopened' : 'existing'
}

function slaFields (decision: Decision): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const deadline of decision.sla) {
    const name = deadline.target === 'first_response' ? 'firstResponse' : deadline.target === 'next_response' ? 'nextResponse' : 'resolution'
    fields[`${name}DueAt`] = deadline.dueAt
    fields[`${name}PreBreachAt`] = deadline.preBreachAt
  }
  return fields
}

function scheduleKind (item: Decision['scheduled'][number]): string {
  return item.kind === 'sla_pre_breach' || item.kind === 'sla_breach' ? `${item.kind}:${item.target}` : item.kind
}

/**
 * What a triage decision does to the conversation's ticket: the ticket's new state, the events
 * that say so, and the follow-ups, re-escalations, SLA checks, acknowledgement and handover to
 * schedule. Pure: the writer persists it in the batch's transaction.
 */
export function ticketChange (existing: TicketRow | undefined, mention: ClassifiedMention, decision: Decision, now: Date): TicketChange {
  const state = conversationState(existing)
  const events: TicketEventType[] = []
  const base: TicketRow = existing === undefined
    ? {
        tenantId: mention.tenantId,
        id: ticketIdFor(mention.tenantId, mention.id),
        conversationId: mention.conversationId,
        platform: mention.platform,
        status: 'open',
        priority: decision.priority,
        team: null,
        assignee: null,
        tags: [],
        sla: {},
        details: {},
        lastSequence: 0,
        createdAt: now,
        updatedAt: now,
        closedAt: null,
      }
    : { ...existing }

  if (state === 'new') events.push('ticket.opened')
  if (state === 'reopened') events.push('ticket.reopened')
  if (state !== 'new') events.push('ticket.message_added')

  const previous = { status: base.status, priority: base.priority, team: base.team, assignee: base.assignee }
  const ticket: TicketRow = {
    ...base,
    priority: decision.priority,
    team: decision.team ?? base.team,
    assignee: decision.assignee ?? base.assignee,
    tags: [...new Set([...base.tags, ...decision.tags])],
    updatedAt: now,
    queue: joinQueue(base.queue, mention),
  }
  if (decision.status === 'closed') {
    ticket.status = 'closed'
    ticket.closedAt = now
  } else if (decision.status === 'escalated') {
    ticket.status = 'escalated'
    ticket.closedAt = null
  } else {
    ticket.status = state === 'reopened' ? 'open' : base.status
    ticket.closedAt = null
  }
  ticket.sla = decision.status === 'closed' ? base.sla : { ...base.sla, ...slaFields(decision) }
  const acknowledgement = decision.acknowledgement
  ticket.details = {
    ...base.details,
    coverage: decision.coverage,
    matchedRules: decision.matchedRules,
    lastMessageAt: mention.receivedAt,
    ...(decision.closeReason === undefined ? {} : { closeReason: decision.closeReason }),
    ...(acknowledgement === null ? {} : { acknowledgement: { mode: acknowledgement.mode, template: acknowledgement.template, text: acknowledgement.text, sendAt: acknowledgement.sendAt, state: acknowledgement.mode === 'suggest' ? 'draft' : 'scheduled' } }),
  }

  const escalatedNow = decision.status === 'escalated' &&
    (previous.status !== 'escalated' || previous.team !== ticket.team || previous.priority !== ticket.priority || state === 'new')
  if (escalatedNow) events.push('ticket.escalated')
  if (ticket.assignee !== null && ticket.assignee !== previous.assignee) events.push('ticket.assigned')
  const followUps = decision.scheduled.filter((item) => item.kind === 'follow_up')
  for (let i = 0; i < followUps.length; i++) events.push('ticket.follow_up_scheduled')
  if (ticket.status === 'closed' && previous.status !== 'closed') events.push('ticket.resolved')

  const schedules: NewSchedule[] = decision.scheduled.map((item, index) => ({
    tenantId: ticket.tenantId,
    ticketId: ticket.id,
    kind: scheduleKind(item),
    dueAt: new Date(item.at),
    payload: { ...item, mentionId: mention.id },
    dedupeKey: `${mention.id}:${index}:${scheduleKind(item)}`,
  }))
  if (acknowledgement !== null && acknowledgement.mode === 'auto') {
    schedules.push({
      tenantId: ticket.tenantId,
      ticketId: ticket.id,
      kind: 'acknowledge',
      dueAt: new Date(acknowledgement.sendAt),
      payload: { mentionId: mention.id, text: acknowledgement.text, template: acknowledgement.template },
      dedupeKey: `${mention.id}:acknowledge`,
    })
  }
  // A new message restarts the response clocks: earlier checks for the same targets no longer apply.
  const cancelKinds = state === 'new' ? [] : [...new Set(schedules.filter((s) => s.kind.startsWith('sla_')).map((s) => s.kind))]
  if (ticket.status === 'closed') cancelKinds.push('sla_pre_breach:first_response', 'sla_breach:first_response', 'sla_pre_breach:next_response', 'sla_breach:next_response', 'sla_pre_breach:resolution', 'sla_breach:resolution', 'follow_up', 're_escalation', 'acknowledge')

  return { ticket, isNew: state === 'new', events, schedules, cancelKinds }
}

/** The queue fields after a mention joins: one more mention, and the urgency of the most urgent so far. */
export function joinQueue (queue: TicketQueueFields | undefined, mention: ClassifiedMention): TicketQueueFields {
  const { score, level } = mention.classification.urgency
  const count = (queue?.mentionCount ?? 0) + 1
  if (queue === undefined || queue.urgencyLevel === null || score > queue.urgencyScore) return { mentionCount: count, urgencyScore: score, urgencyLevel: level }
  return { ...queue, mentionCount: count }
}
