import type { ScheduleRow, TicketRow } from '@earshot/store'
import { fireSchedule } from './fire-schedule.js'

const now = new Date('2026-03-02T12:00:00.000Z')
const until = '2026-03-02T12:00:00.000Z'
const snoozed = (details: Record<string, unknown> = {}, status: TicketRow['status'] = 'snoozed'): TicketRow => ({
  tenantId: 'acme',
  id: 'tkt_1',
  conversationId: 'x:1',
  platform: 'x',
  status,
  priority: 'normal',
  team: null,
  assignee: null,
  tags: [],
  sla: {},
  details: { snoozedUntil: until, snoozedBy: 'mo', statusBeforeSnooze: 'escalated', ...details },
  lastSequence: 3,
  createdAt: new Date('2026-03-02T09:00:00.000Z'),
  updatedAt: new Date('2026-03-02T09:00:00.000Z'),
  closedAt: null,
})
const snoozeEnd: ScheduleRow = { id: '7', tenantId: 'acme', ticketId: 'tkt_1', kind: 'snooze_end', dueAt: now, payload: { until } }

describe('the end of a snooze', () => {
  test('returns the ticket to the status it had before, announced as due', () => {
    const fired = fireSchedule(snoozed(), snoozeEnd, now)
    expect(fired.ticket.status).toBe('escalated')
    expect(fired.ticket.details).toMatchObject({ snoozeEndedAt: now.toISOString() })
    expect(fired.ticket.details).not.toHaveProperty('snoozedUntil')
    expect(fired.events).toEqual(['ticket.follow_up_due'])
  })

  test.each<[string, TicketRow]>([
    ['a moderator already took the ticket back', snoozed({}, 'acknowledged')],
    ['it was snoozed again until later', snoozed({ snoozedUntil: '2026-03-02T15:00:00.000Z' })],
    ['it was resolved', snoozed({}, 'resolved')],
  ])('does nothing when %s', (_why, ticket) => {
    const fired = fireSchedule(ticket, snoozeEnd, now)
    expect(fired.events).toEqual([])
    expect(fired.ticket).toBe(ticket)
  })
})
