import { outcomeOfStatus, retryDelayMs, stateAfterAttempt, subscriptionWants } from './delivery-policy.js'

const settings = { maxAttempts: 4, backoffBaseMs: 1000, backoffMaxMs: 5000 }
const now = new Date('2026-03-02T08:00:00.000Z')

describe('retryDelayMs', () => {
  test('doubles the ceiling per failed attempt and caps it', () => {
    const top = (): number => 0.999999
    expect([1, 2, 3, 4, 10].map((n) => retryDelayMs(n, settings, top))).toEqual([999, 1999, 3999, 4999, 4999])
  })

  test('draws uniformly from zero up to the ceiling (full jitter)', () => {
    expect(retryDelayMs(3, settings, () => 0)).toBe(0)
    expect(retryDelayMs(3, settings, () => 0.5)).toBe(2000)
  })
})

describe('outcomeOfStatus', () => {
  test('counts only 2xx as delivered', () => {
    expect(outcomeOfStatus(200)).toEqual({ delivered: true, statusCode: 200 })
    expect(outcomeOfStatus(204)).toEqual({ delivered: true, statusCode: 204 })
    expect(outcomeOfStatus(301)).toMatchObject({ delivered: false, statusCode: 301 })
    expect(outcomeOfStatus(500)).toMatchObject({ delivered: false, statusCode: 500, error: 'the receiver answered 500' })
  })
})

describe('stateAfterAttempt', () => {
  test('a 2xx delivers', () => {
    expect(stateAfterAttempt(1, { delivered: true, statusCode: 200 }, settings, now)).toEqual({ status: 'delivered', nextAttemptAt: null })
  })

  test('a failure before the last attempt schedules a retry after the jittered backoff', () => {
    const next = stateAfterAttempt(2, { delivered: false, statusCode: 503, error: 'x' }, settings, now, () => 0.5)
    expect(next).toEqual({ status: 'pending', nextAttemptAt: new Date(now.getTime() + 1000) })
  })

  test('the failure of the last allowed attempt is dead', () => {
    expect(stateAfterAttempt(4, { delivered: false, error: 'timeout' }, settings, now)).toEqual({ status: 'dead', nextAttemptAt: null })
  })

  test('a failed replay of a dead delivery is dead again at once', () => {
    expect(stateAfterAttempt(5, { delivered: false, statusCode: 500, error: 'x' }, settings, now)).toEqual({ status: 'dead', nextAttemptAt: null })
  })
})

describe('subscriptionWants', () => {
  test('an empty filter wants every event type', () => {
    expect(subscriptionWants([], 'ticket.opened')).toBe(true)
  })

  test('a filter wants only the types it lists', () => {
    expect(subscriptionWants(['ticket.escalated', 'incident.detected'], 'incident.detected')).toBe(true)
    expect(subscriptionWants(['ticket.escalated'], 'ticket.opened')).toBe(false)
  })
})
