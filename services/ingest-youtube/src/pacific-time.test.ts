import { nextPacificMidnight, pacificDay } from './pacific-time.js'

test('midnight Pacific is 08:00 UTC in winter and 07:00 UTC in summer', () => {
  expect(new Date(nextPacificMidnight(Date.parse('2026-01-15T12:00:00Z'))).toISOString()).toBe('2026-01-16T08:00:00.000Z')
  expect(new Date(nextPacificMidnight(Date.parse('2026-07-15T06:59:59Z'))).toISOString()).toBe('2026-07-15T07:00:00.000Z')
  expect(new Date(nextPacificMidnight(Date.parse('2026-07-15T07:00:00Z'))).toISOString()).toBe('2026-07-16T07:00:00.000Z')
})

test('across the DST switches the next midnight uses the new offset', () => {
  expect(new Date(nextPacificMidnight(Date.parse('2026-03-08T12:00:00Z'))).toISOString()).toBe('2026-03-09T07:00:00.000Z')
  expect(new Date(nextPacificMidnight(Date.parse('2026-11-01T12:00:00Z'))).toISOString()).toBe('2026-11-02T08:00:00.000Z')
})

test('the quota day follows the Pacific calendar, not UTC', () => {
  expect(pacificDay(Date.parse('2026-01-16T07:59:59Z'))).toBe('2026-01-15')
  expect(pacificDay(Date.parse('2026-01-16T08:00:00Z'))).toBe('2026-01-16')
})
