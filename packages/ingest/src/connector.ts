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

/** One thing a stream said: mentions (with the checkpoint they reach), or that the connection is alive. */
export type StreamEvent =
  | { kind: 'items', items: IngestItem[], malformed?: PollPage['malformed'], cursor?: string }
  | { kind: 'heartbeat' }

export interface StreamContext {
  /** The checkpoint stored after the last published stream event (undefined on the first connect). */
  cursor: string | undefined
  signal: AbortSignal
}

/**
 * A push source (X filtered stream, Mastodon streaming): opens one connection and yields events as
 * they arrive; the iterable ends or throws when the connection drops, and the runner reconnects
 * (with backoff, and a poll of the paired PollingConnector to fill what the gap missed). Errors as
 * for PollingConnector.
 */
export interface StreamingConnector {
  stream: (context: StreamContext) => AsyncIterable<StreamEvent>
}
