import { backoffDelay } from './backoff.js'

test('full jitter stays within the doubling, capped ceiling', () => {
  expect(backoffDelay(1, 100, 30_000, () => 0.999)).toBe(99)
  expect(backoffDelay(5, 100, 30_000, () => 0.999)).toBe(1598)
  expect(backoffDelay(20, 100, 30_000, () => 0.999)).toBe(29_970)
  expect(backoffDelay(3, 100, 30_000, () => 0)).toBe(0)
})
