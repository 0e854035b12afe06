import { loadPolicy } from './policy.js'
import { slaBudget, slaDeadlines, slaState } from './sla.js'

const policy = loadPolicy(`timezone: America/New_York
business_hours: { mon-fri: "09:00-17:00" }
slas:
  critical: { first_response: 15m, resolution: 4h, clock: calendar }
  high:     { first_response: 1h, resolution: 8h }
  normal:   { first_response: 4h }
`)
const fridayAfternoon = new Date('2026-03-06T21:30:00Z') // 16:30 EST, the Friday before spring forward

describe('SLA due times', () => {
  test.each([
    ['critical on the calendar clock ignores business hours', 'critical', 'first_response', '2026-03-06T21:42:00.000Z', '2026-03-06T21:45:00.000Z'],
    ['high 1h business: 30m Friday (EST) + 30m Monday (EDT)', 'high', 'first_response', '2026-03-09T13:18:00.000Z', '2026-03-09T13:30:00.000Z'],
    ['normal 4h business: 30m Friday + 3h30m Monday (EDT)', 'normal', 'first_response', '2026-03-09T15:42:00.000Z', '2026-03-09T16:30:00.000Z'],
    ['resolution 8h business: pre-breach at 80% = 6h24m', 'high', 'resolution', '2026-03-09T18:54:00.000Z', '2026-03-09T20:30:00.000Z'],
  ] as const)('%s', (_name, priority, target, preBreachAt, dueAt) => {
    const [deadline] = slaDeadlines(policy, { priority, startAt: fridayAfternoon, targets: [target] })
    expect(deadline).toMatchObject({ target, preBreachAt, dueAt, startAt: fridayAfternoon.toISOString() })
  })

  test('targets without a budget are left out', () => {
    expect(slaDeadlines(policy, { priority: 'low', startAt: fridayAfternoon, targets: ['first_response'] })).toEqual([])
    expect(slaDeadlines(policy, { priority: 'normal', startAt: fridayAfternoon, targets: ['first_response', 'resolution'] }).map((d) => d.target))
      .toEqual(['first_response'])
  })

  test('a set_sla override replaces individual targets and the clock', () => {
    expect(slaBudget(policy, 'high', { first_response: 900_000, clock: 'calendar' })).toEqual({
      clock: 'calendar',
      targets: { first_response: 900_000, resolution: 8 * 3_600_000 },
    })
  })

  test('the pre-breach fraction comes from the policy', () => {
    const early = loadPolicy(`timezone: UTC
business_hours: { mon-fri: "00:00-24:00", sat-sun: "00:00-24:00" }
slas: { pre_breach: 0.5, normal: { first_response: 2h } }
`)
    const [deadline] = slaDeadlines(early, { priority: 'normal', startAt: new Date('2026-01-01T00:00:00Z'), targets: ['first_response'] })
    expect(deadline?.preBreachAt).toBe('2026-01-01T01:00:00.000Z')
  })
})

test.each([
  ['2026-03-09T13:17:59Z', 'ok'],
  ['2026-03-09T13:18:00Z', 'pre_breach'],
  ['2026-03-09T13:30:00Z', 'breached'],
] as const)('slaState at %s is %s', (iso, state) => {
  const [deadline] = slaDeadlines(policy, { priority: 'high', startAt: fridayAfternoon, targets: ['first_response'] })
  if (deadline === undefined) throw new Error('expected a deadline')
  expect(slaState(deadline, new Date(iso))).toBe(state)
})
