import type { TicketRow } from '@earshot/store'
import { applyTicketAction } from './ticket-actions.js'

const now = new Date('2026-03-02T10:00:00.000Z')
const ticket = (overrides: Partial<TicketRow> = {}): TicketRow => ({
  tenantId: 'acme',
  id: 'tkt_1',
  conversationId: 'x:1',
  platform: 'x',
  status: 'open',
  priority: 'normal',
  team: null,
  assignee: null,
  tags: [],
  sla: {},
  details: {},
  lastSequence: 3,
  createdAt: new Date('2026-03-02T09:00:00.000Z'),
  updatedAt: new Date('2026-03-02T09:00:00.000Z'),
  closedAt: null,
  ...overrides,
})

test('resolving an open ticket closes it, emits ticket.resolved and stops its clocks', () => {
  const result = applyTicketAction(ticket(), { action: 'resolve' }, 'mo@acme.test', now)
  expect(result.ok).toBe(true)
  if (!result.ok) return
  expect(result.outcome.ticket.status).toBe('resolved')
  expect(result.outcome.ticket.closedAt).toEqual(now)
  expect(result.outcome.events).toEqual(['ticket.resolved'])
  expect(result.outcome.cancelKinds).toContain('sla_breach:first_response')
})

test('resolving a resolved ticket is a conflict', () => {
  const result = applyTicketAction(ticket({ status: 'resolved' }), { action: 'resolve' }, 'mo', now)
  expect(result).toEqual({ ok: false, conflict: 'ticket tkt_1 is already resolved' })
})

test('approving the suggested reply sends the drafted text and records the first response', () => {
  const drafted = ticket({ details: { acknowledgement: { mode: 'suggest', text: 'Sorry about that!', state: 'draft' } } })
  const result = applyTicketAction(drafted, { action: 'reply' }, 'mo', now)
  if (!result.ok) throw new Error(result.conflict)
  expect(result.outcome.events).toEqual(['ticket.replied'])
  expect(result.outcome.ticket.status).toBe('acknowledged')
  expect(result.outcome.ticket.details).toMatchObject({ reply: { text: 'Sorry about that!', edited: false }, firstResponseAt: now.toISOString() })
})

test('a reply without a draft or text is a conflict', () => {
  expect(applyTicketAction(ticket(), { action: 'reply' }, 'mo', now).ok).toBe(false)
})

test('escalating sets team and priority; reopening needs a closed ticket', () => {
  const escalated = applyTicketAction(ticket(), { action: 'escalate', team: 'legal', priority: 'critical' }, 'mo', now)
  if (!escalated.ok) throw new Error(escalated.conflict)
  expect(escalated.outcome.ticket).toMatchObject({ status: 'escalated', team: 'legal', priority: 'critical' })
  expect(applyTicketAction(ticket(), { action: 'reopen' }, 'mo', now).ok).toBe(false)
  const reopened = applyTicketAction(ticket({ status: 'closed', closedAt: now }), { action: 'reopen' }, 'mo', now)
  if (!reopened.ok) throw new Error(reopened.conflict)
  expect(reopened.outcome.ticket).toMatchObject({ status: 'open', closedAt: null })
})

test('taking a ticket assigns it to the actor; a note emits no event', () => {
  const taken = applyTicketAction(ticket(), { action: 'take' }, 'mo@acme.test', now)
  if (!taken.ok) throw new Error(taken.conflict)
  expect(taken.outcome.ticket.assignee).toBe('mo@acme.test')
  const note = applyTicketAction(ticket(), { action: 'notes', text: 'called them' }, 'mo', now)
  if (!note.ok) throw new Error(note.conflict)
  expect(note.outcome.events).toEqual([])
})

test('a snooze schedules its own end and remembers the status to return to; snoozing again replaces the earlier end', () => {
  const until = new Date('2026-03-02T12:00:00.000Z')
  const first = applyTicketAction(ticket({ status: 'escalated' }), { action: 'snooze', until }, 'mo', now)
  expect(first.ok).toBe(true)
  if (!first.ok) return
  expect(first.outcome.ticket.status).toBe('snoozed')
  expect(first.outcome.ticket.details).toMatchObject({ snoozedUntil: until.toISOString(), statusBeforeSnooze: 'escalated' })
  expect(first.outcome.cancelKinds).toEqual(['snooze_end'])
  expect(first.outcome.schedules).toEqual([{ kind: 'snooze_end', dueAt: until, payload: { until: until.toISOString() }, dedupeKey: `snooze_end:tkt_1:${until.toISOString()}` }])

  const later = new Date('2026-03-02T15:00:00.000Z')
  const again = applyTicketAction(first.outcome.ticket, { action: 'snooze', until: later }, 'mo', now)
  if (!again.ok) throw new Error(again.conflict)
  expect(again.outcome.ticket.details).toMatchObject({ snoozedUntil: later.toISOString(), statusBeforeSnooze: 'escalated' })
  expect(again.outcome.cancelKinds).toEqual(['snooze_end'])
  expect(again.outcome.schedules.map((s) => s.dueAt)).toEqual([later])
})
