import type { Mention } from '@earshot/contracts'

/** What a platform said about its request budget on the last response. */
export interface RateLimitInfo {
  limit: number
  remaining: number
  /** Epoch ms when the window resets. */
  resetAt: number
}

export interface IngestItem {
  mention: Mention
  /** A retweet/repost/boost: it repeats someone else's words and is filtered by policy. */
  isRepost?: boolean
}

export interface PollPage {
  items: IngestItem[]
  /** Items the connector could not normalise (already logged by it or to be logged): counted as errors. */
  malformed?: Array<{ reason: string, nativeId?: string }>
  /** The checkpoint to store once every page of this poll is on the broker; the last page's value wins. */
  cursor?: string
}

export interface PollContext {
  /** The checkpoint stored after the previous successful poll (undefined on the first). */
  cursor: string | undefined
  signal: AbortSignal
  reportRateLimit: (info: RateLimitInfo) => void
}

/**
 * A pull source: reads everything newer than the cursor, page by page. Errors: RateLimitedError
 * (429 / quota), SourceUnavailableError (network, 5xx), SourceRejectedError (auth, bad request).
 */
export interface PollingConnector {
  poll: (context: PollContext) => AsyncIterable<PollPage>
}
