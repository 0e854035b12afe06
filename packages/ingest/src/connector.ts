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

/**
 * One thing a stream said: that the platform accepted the connection (once, first), mentions (with
 * the checkpoint they reach for every source they belong to), or that the connection is alive.
 * Items carry their tenant and source in `mention.tenantId`/`mention.sourceId`, so one connection
 * may feed several sources (X allows one filtered-stream connection per app).
 */
export type StreamEvent =
  | { kind: 'connected' }
  | { kind: 'items', items: IngestItem[], malformed?: StreamMalformed[], cursor?: string }
  | { kind: 'heartbeat' }

/** An item the connector could not normalise; `tenantId`/`sourceId` say whose it was when known. */
export interface StreamMalformed {
  reason: string
  nativeId?: string
  tenantId?: string
  sourceId?: string
}

export interface StreamContext {
  /** Aborted when the runner stops or its keep-alive watchdog gives up: close the connection and return. */
  signal: AbortSignal
}

/**
 * A push source (X filtered stream, Mastodon streaming): opens one connection and yields events as
 * they arrive — `connected` as soon as the platform accepted it, then items and heartbeats (every
 * keep-alive, so the runner's watchdog sees a live connection). The iterable ends or throws when the
 * connection drops; it never reconnects itself: StreamRunner does (with the platform's backoff, then
 * a poll of the paired PollingConnector to fill what the gap missed). Errors as for PollingConnector;
 * a SourceUnavailableError with `status` is an HTTP error, without one a network error.
 */
export interface StreamingConnector {
  stream: (context: StreamContext) => AsyncIterable<StreamEvent>
}
