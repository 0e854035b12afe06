import { CircuitBreaker } from './circuit-breaker.js'

test('opens after the threshold of consecutive failures and allows one trial after the open time', () => {
  const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 1000 })
  breaker.failure(0)
  breaker.failure(10)
  expect(breaker.state(20)).toBe('closed')
  expect(breaker.allowedAt(20)).toBe(20)
  breaker.failure(20)
  expect(breaker.state(500)).toBe('open')
  expect(breaker.allowedAt(500)).toBe(1020)
  expect(breaker.state(1020)).toBe('half_open')
})

test('a failed trial re-opens at once; a success closes and resets the count', () => {
  const breaker = new CircuitBreaker({ failureThreshold: 2, openMs: 100 })
  breaker.failure(0)
  breaker.failure(0)
  breaker.failure(150)
  expect(breaker.allowedAt(150)).toBe(250)
  breaker.success()
  expect(breaker.state(150)).toBe('closed')
  breaker.failure(160)
  expect(breaker.state(160)).toBe('closed')
  expect(breaker.consecutiveFailures()).toBe(1)
})
