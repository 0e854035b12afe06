export const deliveryStatuses = ['pending', 'delivered', 'dead'] as const
export type DeliveryStatus = typeof deliveryStatuses[number]

export interface RetrySettings {
  /** Attempts before a delivery is dead (the first try counts). */
  maxAttempts: number
  /** Ceiling of the wait after the first failed attempt; doubles per attempt. */
  backoffBaseMs: number
  /** Cap of the ceiling. */
  backoffMaxMs: number
}

/**
 * Defaults: 8 attempts, backoff from 30 s capped at 1 h. The waits after failures 1…7 are uniform
 * in [0, 30 s], [0, 1 min], [0, 2 min], [0, 4 min], [0, 8 min], [0, 16 min], [0, 32 min]: on average
 * a receiver has ~1 h to recover before the delivery is dead, and at most ~2 h 7 min.
 */
export const defaultRetrySettings: RetrySettings = { maxAttempts: 8, backoffBaseMs: 30_000, backoffMaxMs: 3_600_000 }

/**
 * Capped exponential backoff with full jitter: after failed attempt n the wait is uniform in
 * [0, min(max, base·2^(n-1))], so receivers that come back after an outage are not hit by every
 * retry at once.
 */
export function retryDelayMs (failedAttempt: number, settings: RetrySettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** Math.max(0, failedAttempt - 1))
  return Math.floor(random() * ceiling)
}

export type AttemptOutcome =
  | { delivered: true, statusCode: number }
  | { delivered: false, statusCode?: number, error: string }

/** Only a 2xx counts: a redirect is not followed (the URL would change behind the subscriber's back). */
export function outcomeOfStatus (statusCode: number): AttemptOutcome {
  return statusCode >= 200 && statusCode < 300
    ? { delivered: true, statusCode }
    : { delivered: false, statusCode, error: `the receiver answered ${statusCode}` }
}

export type NextState =
  | { status: 'delivered', nextAttemptAt: null }
  | { status: 'pending', nextAttemptAt: Date }
  | { status: 'dead', nextAttemptAt: null }

/**
 * What a delivery becomes after attempt number `attempt` (1-based). A replayed dead delivery has
 * already used its attempts, so a failed replay makes it dead again at once.
 */
export function stateAfterAttempt (attempt: number, outcome: AttemptOutcome, settings: RetrySettings, now: Date, random: () => number = Math.random): NextState {
  if (outcome.delivered) return { status: 'delivered', nextAttemptAt: null }
  if (attempt >= settings.maxAttempts) return { status: 'dead', nextAttemptAt: null }
  return { status: 'pending', nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempt, settings, random)) }
}

/** An empty filter subscribes to every event type. */
export function subscriptionWants (eventTypes: readonly string[], eventType: string): boolean {
  return eventTypes.length === 0 || eventTypes.includes(eventType)
}
