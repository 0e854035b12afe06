import type { Cache } from '@earshot/cache'
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2'
import { ReplyFailedError, ReplyInDoubtError } from './errors.js'
import { networkCause, type XClient } from './x-client.js'

export interface ReplyRequest {
  tenantId: string
  ticketId: string
  /** The router's id for this action (e.g. the acknowledgement of a ticket): one post per (tenant, ticket, action). */
  actionId: string
  inReplyToTweetId: string
  text: string
}

export interface ReplyResult {
  tweetId: string
  /** False when an earlier call already posted it and this one returned the stored id. */
  posted: boolean
}

/** What the router calls: post a reply at most once per (tenant, ticket, action). */
export interface ReplySender {
  reply: (request: ReplyRequest) => Promise<ReplyResult>
}

export interface ReplySenderOptions {
  /** A client with user context (OAuth 2.0 user token with tweet.write); app-only tokens cannot post. */
  client: XClient
  cache: Cache
  /** How long a claim and its result are kept (default 30 days); a repeat after that would post again. */
  ttlMs?: number
  requestTimeoutMs?: number
}

/** ECONNREFUSED and friends fail before a byte is sent, so X cannot have posted. */
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])

/**
 * X has no idempotency key, so the sender keeps its own: a cache claim per (tenant, ticket, action)
 * taken BEFORE posting, and the posted tweet id stored after. Trade-off: at most once. If the
 * process dies, or the response is lost, between the claim and storing the result, the reply may
 * or may not be on X; later calls get ReplyInDoubtError rather than risking a second public post
 * (a duplicate reply to a customer is worse than a late one, and X itself refuses identical text).
 * When X's answer proves nothing was posted (4xx, 429, 503, connection refused) the claim is
 * released, so a retry can post. The result is kept without expiry; the claim expires after `ttlMs`.
 */
export function createReplySender ({ client, cache, ttlMs = 30 * 24 * 60 * 60_000, requestTimeoutMs = 15_000 }: ReplySenderOptions): ReplySender {
  return {
    async reply ({ tenantId, ticketId, actionId, inReplyToTweetId, text }: ReplyRequest): Promise<ReplyResult> {
      const key = `reply:x:${tenantId}:${ticketId}:${actionId}`
      const resultName = `${key}:tweet`
      const earlier = await cache.getCheckpoint(resultName)
      if (earlier !== undefined) return { tweetId: earlier, posted: false }
      if (!await cache.claim(key, ttlMs)) {
        const stored = await cache.getCheckpoint(resultName)
        if (stored !== undefined) return { tweetId: stored, posted: false }
        throw new ReplyInDoubtError(key)
      }
      let tweetId: string
      try {
        const response = await client.v2.post<{ data?: { id?: unknown } }>('tweets', { text, reply: { in_reply_to_tweet_id: inReplyToTweetId } }, { timeout: requestTimeoutMs })
        const id = response.data?.id
        if (typeof id !== 'string') throw new ReplyInDoubtError(key, new Error('X answered without a tweet id'))
        tweetId = id
      } catch (err) {
        if (err instanceof ReplyInDoubtError) throw err
        const failure = definiteFailure(err)
        if (failure === undefined) throw new ReplyInDoubtError(key, err)
        await cache.release(key)
        throw failure
      }
      await cache.setCheckpoint(resultName, tweetId)
      return { tweetId, posted: true }
    },
  }
}

function definiteFailure (err: unknown): ReplyFailedError | undefined {
  if (err instanceof ApiResponseError) {
    const status = err.code
    const resetAt = status === 429 && err.rateLimit?.reset !== undefined ? err.rateLimit.reset * 1000 : undefined
    // 500, 502 and 504 may come after X stored the post; only 503 (over capacity) proves it did not.
    if (status >= 500 && status !== 503) return undefined
    return new ReplyFailedError(`X refused the reply with ${status}`, { retriable: status === 429 || status === 503, status, resetAt, cause: err })
  }
  if (err instanceof ApiPartialResponseError) return undefined
  if (err instanceof ApiRequestError) {
    const code = networkCause(err)?.code
    if (code !== undefined && notSentCodes.has(code)) return new ReplyFailedError(`could not reach X: ${code}`, { retriable: true, cause: err })
  }
  return undefined
}
