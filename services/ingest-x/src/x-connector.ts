import type { PollContext, PollingConnector, PollPage } from '@earshot/ingest'
import { RateLimitedError, SourceRejectedError, SourceUnavailableError } from '@earshot/ingest'
import { networkCause, type XClient } from '@earshot/platform-x'
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2'
import { z } from 'zod'
import { SourceSettingsError } from './errors.js'
import { normaliseTweet, usersById } from './normalise.js'

export const xSourceSettingsSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('mentions'), userId: z.string().regex(/^[0-9]{1,19}$/, 'expected the numeric X user id of the brand account') }),
  z.strictObject({ kind: z.literal('search'), query: z.string().min(1).max(4096) }),
  z.strictObject({
    kind: z.literal('stream'),
    rules: z.array(z.strictObject({
      value: z.string().min(1).max(1024),
      tag: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1-64 letters, digits, ".", "_" or "-"'),
    })).min(1, 'expected at least one rule'),
  }),
])

export type XSourceSettings = z.output<typeof xSourceSettingsSchema>

export function parseXSourceSettings (settings: unknown, where: string): XSourceSettings {
  const result = xSourceSettingsSchema.safeParse(settings)
  if (result.success) return result.data
  const lines = result.error.issues.map((issue) => `${[where, 'settings', ...issue.path.map(String)].join('.')}: ${issue.message}`)
  throw new SourceSettingsError(`invalid X source settings:\n  ${lines.join('\n  ')}\n  expected { "kind": "mentions", "userId": "…" }, { "kind": "search", "query": "…" } or { "kind": "stream", "rules": [{ "value": "…", "tag": "…" }] }`)
}

export interface XConnectorOptions {
  client: XClient
  tenantId: string
  sourceId: string
  settings: Exclude<XSourceSettings, { kind: 'stream' }>
  /** Tweets per page (mentions 5..100, search 10..100). */
  maxResults?: number
  requestTimeoutMs?: number
  now?: () => number
}

export const tweetFields = ['author_id', 'created_at', 'conversation_id', 'referenced_tweets', 'lang', 'public_metrics', 'in_reply_to_user_id']
export const userFields = ['username', 'name', 'public_metrics', 'verified']

/**
 * What X's answer (or its absence) means for the poll loop: wait for the reset, back off, or stop and alert.
 * With `streamConnect`, a 429 that left request budget (`x-rate-limit-remaining` > 0: TooManyConnections,
 * another connection is open) is not held to the reset time: StreamRunner's 429 ladder (1 min doubling) applies.
 */
export function mapXError (err: unknown, now: number, { streamConnect = false }: { streamConnect?: boolean } = {}): unknown {
  const rateLimited = (reset: number | undefined): RateLimitedError =>
    new RateLimitedError(reset !== undefined && Number.isFinite(reset) && reset * 1000 > now ? reset * 1000 : now + 60_000, undefined, err)
  if (err instanceof ApiResponseError) {
    if (err.code === 429 && streamConnect && (err.rateLimit?.remaining ?? 0) > 0) {
      return new RateLimitedError(now, `X refused the stream connection: ${describeProblem(err.data)}`, err)
    }
    if (err.code === 429 || err.rateLimitError) return rateLimited(err.rateLimit?.reset)
    if (err.code >= 500 || err.code === 408) return new SourceUnavailableError(`X answered ${err.code}`, err, err.code)
    return new SourceRejectedError(`X answered ${err.code}: ${describeProblem(err.data)}`, err.code, err)
  }
  if (err instanceof ApiPartialResponseError) {
    const status = err.response.statusCode ?? 0
    if (status === 429) return rateLimited(Number(err.response.headers['x-rate-limit-reset']))
    return new SourceUnavailableError(`X answered ${status} with a body that could not be read: ${err.message}`, err, status === 0 ? undefined : status)
  }
  if (err instanceof ApiRequestError) {
    const cause = networkCause(err)
    return new SourceUnavailableError(`request to X failed: ${cause?.code ?? cause?.message ?? err.message}`, err)
  }
  return err
}

function describeProblem (data: unknown): string {
  if (typeof data !== 'object' || data === null) return 'no details'
  const { title, detail } = data as { title?: unknown, detail?: unknown }
  return [title, detail].filter((part) => typeof part === 'string').join(': ') || JSON.stringify(data).slice(0, 300)
}

interface TimelinePage {
  data?: unknown
  includes?: unknown
  meta?: { newest_id?: unknown, next_token?: unknown, result_count?: unknown }
}

/**
 * Mentions timeline or recent search from a since_id cursor: every page newer than the cursor,
 * newest first, following next_token. Each page carries the first page's `newest_id` as the
 * cursor, which the poller stores only after every page is on the broker.
 */
export function createXConnector (options: XConnectorOptions): PollingConnector {
  const { client, settings } = options
  const now = options.now ?? Date.now
  const maxResults = options.maxResults ?? 100
  const endpoint = settings.kind === 'mentions' ? 'users/:id/mentions' : 'tweets/search/recent'
  const params = settings.kind === 'mentions' ? { id: settings.userId } : undefined
  const tokenParam = settings.kind === 'mentions' ? 'pagination_token' : 'next_token'
  const brandUserIds = settings.kind === 'mentions' ? new Set([settings.userId]) : undefined

  async function fetchPage (cursor: string | undefined, token: string | undefined): Promise<{ page: TimelinePage, rateLimit: { limit: number, remaining: number, reset: number } | undefined }> {
    const query: Record<string, string | number | string[]> = {
      max_results: maxResults,
      'tweet.fields': tweetFields,
      'user.fields': userFields,
      expansions: ['author_id'],
    }
    if (settings.kind === 'search') query.query = settings.query
    if (cursor !== undefined) query.since_id = cursor
    if (token !== undefined) query[tokenParam] = token
    try {
      const response = await client.v2.get<TimelinePage>(endpoint, query, { fullResponse: true, params, timeout: options.requestTimeoutMs ?? 15_000 })
      return { page: response.data, rateLimit: response.rateLimit }
    } catch (err) {
      throw mapXError(err, now())
    }
  }

  return {
    async * poll ({ cursor, signal, reportRateLimit }: PollContext): AsyncIterable<PollPage> {
      let token: string | undefined
      let newest: string | undefined
      let first = true
      do {
        // Stopping between pages would store the first page's newest_id with older pages unread: fail the poll instead.
        if (signal.aborted) throw new SourceUnavailableError('poll aborted before its last page')
        const { page, rateLimit } = await fetchPage(cursor, token)
        if (rateLimit !== undefined) reportRateLimit({ limit: rateLimit.limit, remaining: rateLimit.remaining, resetAt: rateLimit.reset * 1000 })
        if (typeof page !== 'object' || page === null || typeof page.meta !== 'object' || page.meta === null) {
          throw new SourceUnavailableError('X answered a page without meta')
        }
        if (page.data !== undefined && !Array.isArray(page.data)) throw new SourceUnavailableError('X answered a page whose data is not a list')
        if (first) {
          newest = typeof page.meta.newest_id === 'string' ? page.meta.newest_id : undefined
          first = false
        }
        const users = usersById(page.includes)
        const context = { tenantId: options.tenantId, sourceId: options.sourceId, receivedAt: new Date(now()).toISOString(), brandUserIds }
        const result: PollPage = { items: [], malformed: [], ...(newest === undefined ? {} : { cursor: newest }) }
        for (const tweet of page.data ?? []) {
          const normalised = normaliseTweet(tweet, users, context)
          if (normalised.ok) result.items.push(normalised.item)
          else result.malformed?.push({ reason: normalised.reason, ...(normalised.nativeId === undefined ? {} : { nativeId: normalised.nativeId }) })
        }
        yield result
        token = typeof page.meta.next_token === 'string' && page.meta.next_token !== '' ? page.meta.next_token : undefined
      } while (token !== undefined)
    },
  }
}
