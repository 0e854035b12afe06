import type { RateLimitInfo } from './connector.js'

/**
 * When to poll next so that the remaining budget lasts until the window resets: with `remaining`
 * requests left and the reset `resetAt - now` away, polls are spread at least (reset time) /
 * (remaining) apart, and never more often than the source's own interval. With nothing left, the
 * next poll is at the reset.
 */
export function nextPollAt (now: number, intervalMs: number, rate: RateLimitInfo | undefined, requestsPerPoll = 1): number {
  const regular = now + intervalMs
  if (rate === undefined || rate.resetAt <= now) return regular
  const polls = Math.floor(rate.remaining / Math.max(1, requestsPerPoll))
  if (polls <= 0) return rate.resetAt
  return Math.max(regular, now + Math.ceil((rate.resetAt - now) / polls))
}
