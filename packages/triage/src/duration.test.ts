import { formatDuration, formatDurationShort, parseDuration } from './duration.js'

test.each([
  ['15m', 900_000], ['2h', 7_200_000], ['1d', 86_400_000], ['1h30m', 5_400_000], ['30s', 30_000], ['0m', 0],
  ['15', undefined], ['1 hour', undefined], ['h', undefined], ['-5m', undefined], ['', undefined],
])('parseDuration(%j) is %p', (text, ms) => {
  expect(parseDuration(text)).toBe(ms)
})

test.each([
  [900_000, '15 minutes', '15m'], [3_600_000, '1 hour', '1h'], [5_400_000, '1 hour 30 minutes', '1h30m'], [86_400_000, '1 day', '1d'],
])('formats %p as "%s" and "%s"', (ms, long, short) => {
  expect(formatDuration(ms)).toBe(long)
  expect(formatDurationShort(ms)).toBe(short)
})
