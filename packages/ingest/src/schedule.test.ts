import { nextPollAt } from './schedule.js'

test.each([
  ['no rate information: the interval', undefined, 1, 10_000],
  ['plenty of budget: the interval', { limit: 450, remaining: 400, resetAt: 900_000 }, 1, 10_000],
  ['little budget: spread over the window', { limit: 15, remaining: 3, resetAt: 900_000 }, 1, 300_000],
  ['each poll costs two requests', { limit: 15, remaining: 4, resetAt: 900_000 }, 2, 450_000],
  ['budget spent: wait for the reset', { limit: 15, remaining: 0, resetAt: 900_000 }, 1, 900_000],
  ['reset already passed: the interval', { limit: 15, remaining: 0, resetAt: -5 }, 1, 10_000],
])('%s', (_name, rate, requests, expected) => {
  expect(nextPollAt(0, 10_000, rate, requests)).toBe(expected)
})
