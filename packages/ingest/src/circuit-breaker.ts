export type BreakerState = 'closed' | 'open' | 'half_open'

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number
  /** How long the circuit stays open before one trial request. */
  openMs: number
}

/**
 * A circuit breaker per source, driven by the poll loop's clock rather than wrapping calls: the
 * loop asks when it may next call and reports the outcome. Open after `failureThreshold`
 * consecutive failures; after `openMs` one trial (half open); success closes, failure re-opens.
 */
export class CircuitBreaker {
  private failures = 0
  private openedAt: number | undefined

  constructor (private readonly options: BreakerOptions) {}

  state (now: number): BreakerState {
    if (this.openedAt === undefined) return 'closed'
    return now - this.openedAt >= this.options.openMs ? 'half_open' : 'open'
  }

  /** Earliest time a call is allowed. */
  allowedAt (now: number): number {
    return this.openedAt === undefined ? now : Math.max(now, this.openedAt + this.options.openMs)
  }

  success (): void {
    this.failures = 0
    this.openedAt = undefined
  }

  failure (now: number): void {
    this.failures++
    if (this.openedAt !== undefined || this.failures >= this.options.failureThreshold) this.openedAt = now
  }

  consecutiveFailures (): number {
    return this.failures
  }
}
