import { type CalendarSpec, createBusinessCalendar, parseSpans, type Span } from './calendar.js'

const hour = 3_600_000
const spans = (text: string): Span[] => {
  const parsed = parseSpans(text)
  if ('error' in parsed) throw new Error(parsed.error)
  return parsed.spans
}
const weekOf = (days: Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun' | 'mon-fri', string>>): Span[][] => {
  const week: Span[][] = [[], [], [], [], [], [], []]
  if (days['mon-fri'] !== undefined) for (let day = 0; day < 5; day++) week[day] = spans(days['mon-fri'])
  const names = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
  names.forEach((name, index) => { if (days[name] !== undefined) week[index] = spans(days[name]) })
  return week
}
const calendar = (timezone: string, days: Parameters<typeof weekOf>[0], holidays: string[] = []) =>
  createBusinessCalendar({ timezone, week: weekOf(days), holidays } satisfies CalendarSpec)

const london = calendar('Europe/London', { 'mon-fri': '08:00-20:00', sat: '09:00-17:00' }, ['2026-12-25', '2026-12-26'])
const newYork = calendar('America/New_York', { 'mon-fri': '09:00-17:00' })
const allWeekLondon = calendar('Europe/London', { 'mon-fri': '00:00-24:00', sat: '00:00-24:00', sun: '00:00-24:00' })
const overnightLondon = calendar('Europe/London', { sat: '22:00-06:00', 'mon-fri': '22:00-06:00' })
const overnightNewYork = calendar('America/New_York', { sat: '22:00-06:00' })
const splitShift = calendar('Europe/London', { 'mon-fri': '08:00-12:00, 13:00-20:00' })

describe('parseSpans', () => {
  test.each([
    ['08:00-20:00', [{ startMinute: 480, endMinute: 1200 }]],
    ['08:00-12:00, 13:00-20:00', [{ startMinute: 480, endMinute: 720 }, { startMinute: 780, endMinute: 1200 }]],
    ['22:00-06:00', [{ startMinute: 1320, endMinute: 360 }]],
    ['00:00-24:00', [{ startMinute: 0, endMinute: 1440 }]],
    ['closed', []],
  ])('reads "%s"', (text, expected) => {
    expect(parseSpans(text)).toEqual({ spans: expected })
  })

  test.each(['8-20', '08:00-08:00', '24:00-06:00', '25:00-26:00', '08:00-20:00;'])('rejects "%s" with a reason', (text) => {
    expect(parseSpans(text)).toHaveProperty('error')
  })
})

describe('isBusinessTime', () => {
  test.each([
    ['London weekday morning, GMT', london, '2026-03-02T08:00:00Z', true],
    ['London weekday just before opening', london, '2026-03-02T07:59:59Z', false],
    ['London closes at 20:00 local (end exclusive)', london, '2026-03-02T20:00:00Z', false],
    ['London 08:00 BST is 07:00Z after spring forward', london, '2026-03-30T07:00:00Z', true],
    ['London 07:30 BST is closed', london, '2026-03-30T06:30:00Z', false],
    ['London Sunday is closed', london, '2026-03-01T12:00:00Z', false],
    ['London Christmas Day (holiday) is closed', london, '2026-12-25T12:00:00Z', false],
    ['London Boxing Day Saturday (holiday) is closed', london, '2026-12-26T12:00:00Z', false],
    ['New York 09:00 EST is 14:00Z', newYork, '2026-03-06T14:00:00Z', true],
    ['New York 09:00 EDT is 13:00Z after spring forward', newYork, '2026-03-09T13:00:00Z', true],
    ['New York 08:30 EDT is closed', newYork, '2026-03-09T12:30:00Z', false],
    ['overnight span is open after midnight on the next day', overnightLondon, '2026-03-03T03:00:00Z', true],
    ['overnight Friday span runs into Saturday morning', overnightLondon, '2026-03-07T05:59:00Z', true],
    ['overnight span closes at 06:00', overnightLondon, '2026-03-03T06:00:00Z', false],
    ['split shift: lunch is closed', splitShift, '2026-03-02T12:30:00Z', false],
    ['split shift: afternoon is open', splitShift, '2026-03-02T13:00:00Z', true],
  ])('%s', (_name, cal, iso, expected) => {
    expect(cal.isBusinessTime(new Date(iso))).toBe(expected)
  })
})

describe('nextBusinessStart', () => {
  test.each([
    ['returns the same instant during business hours', london, '2026-03-02T10:00:00Z', '2026-03-02T10:00:00.000Z'],
    ['Saturday evening waits for Monday 08:00 BST across spring forward', london, '2026-03-28T18:00:00Z', '2026-03-30T07:00:00.000Z'],
    ['Saturday evening waits for Monday 08:00 GMT across fall back', london, '2026-10-24T17:00:00Z', '2026-10-26T08:00:00.000Z'],
    ['Christmas Eve evening skips both holidays and Sunday', london, '2026-12-24T21:00:00Z', '2026-12-28T08:00:00.000Z'],
    ['New York Friday evening waits for Monday 09:00 EDT', newYork, '2026-03-06T23:00:00Z', '2026-03-09T13:00:00.000Z'],
    ['New York weekend across fall back opens Monday 09:00 EST', newYork, '2026-10-31T12:00:00Z', '2026-11-02T14:00:00.000Z'],
    ['split shift lunch waits for 13:00', splitShift, '2026-03-02T12:15:00Z', '2026-03-02T13:00:00.000Z'],
    ['overnight calendar opens at 22:00', overnightLondon, '2026-03-02T12:00:00Z', '2026-03-02T22:00:00.000Z'],
  ])('%s', (_name, cal, iso, expected) => {
    expect(cal.nextBusinessStart(new Date(iso)).toISOString()).toBe(expected)
  })

  test('throws TRIAGE_ERR_NO_BUSINESS_TIME when the calendar never opens', () => {
    const never = calendar('Europe/London', {})
    expect(() => never.nextBusinessStart(new Date('2026-03-02T00:00:00Z'))).toThrow(expect.objectContaining({ code: 'TRIAGE_ERR_NO_BUSINESS_TIME' }))
  })
})

describe('addBusinessDuration', () => {
  test.each([
    ['within one day', london, '2026-03-02T09:00:00Z', 2 * hour, '2026-03-02T11:00:00.000Z'],
    ['Friday 19:00 + 2h carries into Saturday 09:00 + 1h', london, '2026-03-06T19:00:00Z', 2 * hour, '2026-03-07T10:00:00.000Z'],
    ['Saturday 16:00 + 2h over spring-forward Sunday lands Monday 09:00 BST', london, '2026-03-28T16:00:00Z', 2 * hour, '2026-03-30T08:00:00.000Z'],
    ['Saturday 16:00 + 2h over fall-back Sunday lands Monday 09:00 GMT', london, '2026-10-24T15:00:00Z', 2 * hour, '2026-10-26T09:00:00.000Z'],
    ['New York Friday 16:00 EST + 2h lands Monday 10:00 EDT', newYork, '2026-03-06T21:00:00Z', 2 * hour, '2026-03-09T14:00:00.000Z'],
    ['New York Friday 16:00 EDT + 2h lands Monday 10:00 EST', newYork, '2026-10-30T20:00:00Z', 2 * hour, '2026-11-02T15:00:00.000Z'],
    ['Christmas Eve 19:00 + 2h skips the holidays', london, '2026-12-24T19:00:00Z', 2 * hour, '2026-12-28T09:00:00.000Z'],
    ['split shift skips lunch', splitShift, '2026-03-02T11:30:00Z', 1 * hour, '2026-03-02T13:30:00.000Z'],
    ['overnight span crossing midnight', overnightLondon, '2026-03-02T23:00:00Z', 4 * hour, '2026-03-03T03:00:00.000Z'],
    ['outside hours starts counting at the next opening', london, '2026-03-02T05:00:00Z', 30 * 60_000, '2026-03-02T08:30:00.000Z'],
    ['zero from outside hours is the next opening', london, '2026-03-01T12:00:00Z', 0, '2026-03-02T08:00:00.000Z'],
    ['24/7 calendar over spring forward equals elapsed time', allWeekLondon, '2026-03-28T23:30:00Z', 2 * hour, '2026-03-29T01:30:00.000Z'],
  ])('%s', (_name, cal, iso, ms, expected) => {
    expect(cal.addBusinessDuration(new Date(iso), ms).toISOString()).toBe(expected)
  })

  test('rejects a negative duration and an invalid date with TRIAGE_ERR_INVALID_ARGUMENT', () => {
    expect(() => london.addBusinessDuration(new Date('2026-03-02T09:00:00Z'), -1)).toThrow(expect.objectContaining({ code: 'TRIAGE_ERR_INVALID_ARGUMENT' }))
    expect(() => london.addBusinessDuration(new Date('nope'), 1)).toThrow(expect.objectContaining({ code: 'TRIAGE_ERR_INVALID_ARGUMENT' }))
  })
})

describe('businessDurationBetween', () => {
  test.each([
    ['a whole spring-forward Sunday in London is 23 hours', allWeekLondon, '2026-03-29T00:00:00Z', '2026-03-29T23:00:00Z', 23 * hour],
    ['a whole fall-back Sunday in London is 25 hours', allWeekLondon, '2026-10-25T00:00:00+01:00', '2026-10-26T00:00:00Z', 25 * hour],
    ['London overnight span on the spring-forward night is 7 hours', overnightLondon, '2026-03-28T12:00:00Z', '2026-03-29T12:00:00Z', 7 * hour],
    ['London overnight span on the fall-back night is 9 hours', overnightLondon, '2026-10-24T12:00:00Z', '2026-10-25T12:00:00Z', 9 * hour],
    ['New York overnight span on the spring-forward night is 7 hours', overnightNewYork, '2026-03-07T12:00:00Z', '2026-03-08T18:00:00Z', 7 * hour],
    ['New York overnight span on the fall-back night is 9 hours', overnightNewYork, '2026-10-31T12:00:00Z', '2026-11-01T18:00:00Z', 9 * hour],
    ['split shift day is 11 hours', splitShift, '2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z', 11 * hour],
    ['a week with Christmas holidays', london, '2026-12-21T00:00:00Z', '2026-12-28T00:00:00Z', 4 * 12 * hour],
    ['is negative when b is before a', london, '2026-03-02T11:00:00Z', '2026-03-02T09:00:00Z', -2 * hour],
  ])('%s', (_name, cal, a, b, expected) => {
    expect(cal.businessDurationBetween(new Date(a), new Date(b))).toBe(expected)
  })

  test('is the inverse of addBusinessDuration across a DST change', () => {
    const start = new Date('2026-03-27T18:30:00Z')
    const end = london.addBusinessDuration(start, 13 * hour)
    expect(london.businessDurationBetween(start, end)).toBe(13 * hour)
  })
})

test('a holiday cancels spans starting that day, not an overnight span from the evening before', () => {
  const nights = calendar('Europe/London', { 'mon-fri': '22:00-06:00' }, ['2026-03-04'])
  expect(nights.isBusinessTime(new Date('2026-03-04T03:00:00Z'))).toBe(true)
  expect(nights.isBusinessTime(new Date('2026-03-04T23:00:00Z'))).toBe(false)
  expect(nights.isBusinessTime(new Date('2026-03-05T23:00:00Z'))).toBe(true)
})

test('weekday and formatLocal use the calendar zone', () => {
  const lateFriday = new Date('2026-03-07T03:00:00Z')
  expect(newYork.weekday(lateFriday)).toBe('fri')
  expect(london.weekday(lateFriday)).toBe('sat')
  expect(london.formatLocal(new Date('2026-03-30T07:00:00Z'))).toBe('Mon 30 Mar 08:00')
})
