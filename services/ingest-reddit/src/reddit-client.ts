import { sleep } from '@earshot/bus'
import { type RateLimitInfo, RateLimitedError, SourceRejectedError, SourceUnavailableError } from '@earshot/ingest'

export const defaultRedditApiBaseUrl = 'https://oauth.reddit.com'
export const defaultRedditTokenUrl = 'https://www.reddit.com/api/v1/access_token'

export interface RedditClientOptions {
  clientId: string
  clientSecret: string
  /** `<platform>:<app id>:<version> (by /u/<user>)`; Reddit throttles generic agents. */
  userAgent: string
  /** Data calls: default https://oauth.reddit.com. */
  apiBaseUrl?: string
  /** Token requests: default https://www.reddit.com/api/v1/access_token. */
  tokenUrl?: string
  requestTimeoutMs?: number
  /** A token is renewed this long before it expires (capped at half its lifetime). Default 60 s. */
  refreshMarginMs?: number
  now?: () => number
  fetch?: typeof globalThis.fetch
}

export interface RedditGetOptions {
  signal: AbortSignal
  reportRateLimit?: (info: RateLimitInfo) => void
}

export interface RedditClient {
  /** GET a path on the API host with the bearer token; the parsed JSON body. Throws the ingest errors. */
  get: (path: string, query: Record<string, string | number | undefined>, options: RedditGetOptions) => Promise<unknown>
}

interface Token {
  value: string
  /** Epoch ms after which it is renewed before use. */
  renewAt: number
}

interface Answer {
  status: number
  headers: Headers
  text: string
}

/** `X-Ratelimit-Remaining` may be a float ("596.0"); `X-Ratelimit-Reset` is seconds until the window ends. */
export function parseRateLimit (headers: Headers, now: number): RateLimitInfo | undefined {
  const remaining = Number.parseFloat(headers.get('x-ratelimit-remaining') ?? '')
  const reset = Number.parseFloat(headers.get('x-ratelimit-reset') ?? '')
  if (!Number.isFinite(remaining) || !Number.isFinite(reset)) return undefined
  const used = Number.parseFloat(headers.get('x-ratelimit-used') ?? '')
  return {
    limit: Math.floor(remaining) + (Number.isFinite(used) ? Math.floor(used) : 0),
    remaining: Math.floor(remaining),
    resetAt: now + Math.max(0, reset) * 1000,
  }
}

function describeBody (text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown, reason?: unknown, error?: unknown }
    return [body.message, body.reason, body.error].filter((part) => typeof part === 'string' || typeof part === 'number').join(': ') || text.slice(0, 200)
  } catch {
    return text.slice(0, 120).replace(/\s+/g, ' ')
  }
}

/**
 * A thin fetch client for Reddit's Data API with application-only OAuth. The token is fetched on
 * first use, renewed shortly before `expires_in` runs out, and once more when the API answers 401
 * (revoked early). Every answer's `X-Ratelimit-*` headers are remembered: when none remain, the
 * next request waits for the window's reset instead of collecting a 429. Shared by every source of
 * the process, since Reddit's budget is per client id.
 */
export function createRedditClient (options: RedditClientOptions): RedditClient {
  const fetchImpl = options.fetch ?? globalThis.fetch
  const now = options.now ?? Date.now
  const apiBase = (options.apiBaseUrl ?? defaultRedditApiBaseUrl).replace(/\/+$/, '')
  const tokenUrl = options.tokenUrl ?? defaultRedditTokenUrl
  const timeoutMs = options.requestTimeoutMs ?? 15_000
  const marginMs = options.refreshMarginMs ?? 60_000
  const basic = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`
  let token: Token | undefined
  let pendingToken: Promise<Token> | undefined
  let budget: RateLimitInfo | undefined

  async function send (url: string, init: RequestInit, signal: AbortSignal): Promise<Answer> {
    try {
      const response = await fetchImpl(url, { ...init, signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) })
      return { status: response.status, headers: response.headers, text: await response.text() }
    } catch (err) {
      if (signal.aborted) throw new SourceUnavailableError('request to Reddit aborted: the poller is stopping', err)
      const cause = (err as { cause?: { code?: string, message?: string } }).cause
      const name = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : cause?.code ?? cause?.message ?? (err as Error).message
      throw new SourceUnavailableError(`request to Reddit failed: ${name}`, err)
    }
  }

  async function fetchToken (signal: AbortSignal): Promise<Token> {
    const started = now()
    const answer = await send(tokenUrl, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', 'user-agent': options.userAgent },
      body: 'grant_type=client_credentials',
    }, signal)
    if (answer.status === 429) throw new RateLimitedError(started + 60_000, 'Reddit rate limited the token request')
    if (answer.status >= 500 || answer.status === 408) throw new SourceUnavailableError(`Reddit's token endpoint answered ${answer.status}`)
    if (answer.status !== 200) throw new SourceRejectedError(`Reddit refused the app's credentials (${answer.status}: ${describeBody(answer.text)}); check REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET`, answer.status)
    let body: { access_token?: unknown, expires_in?: unknown, error?: unknown }
    try {
      body = JSON.parse(answer.text) as typeof body
    } catch (err) {
      throw new SourceUnavailableError('Reddit\'s token endpoint answered a body that is not JSON', err)
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new SourceRejectedError(`Reddit issued no token: ${describeBody(answer.text)}`, answer.status)
    }
    const lifetimeMs = (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600) * 1000
    return { value: body.access_token, renewAt: started + lifetimeMs - Math.min(marginMs, lifetimeMs / 2) }
  }

  async function currentToken (signal: AbortSignal, stale?: Token): Promise<Token> {
    if (token !== undefined && token !== stale && token.renewAt > now()) return token
    // One token request at a time, however many sources ask.
    pendingToken ??= fetchToken(signal).then((fresh) => {
      token = fresh
      return fresh
    }).finally(() => { pendingToken = undefined })
    return await pendingToken
  }

  async function waitForBudget (signal: AbortSignal): Promise<void> {
    if (budget === undefined || budget.remaining > 0) return
    const waitMs = budget.resetAt - now()
    if (waitMs > 0) await sleep(waitMs, signal)
    if (signal.aborted) throw new SourceUnavailableError('stopped while waiting for Reddit\'s rate-limit window to reset')
    budget = undefined
  }

  return {
    async get (path, query, { signal, reportRateLimit }) {
      const url = new URL(`${apiBase}${path}`)
      for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value))
      let stale: Token | undefined
      for (let attempt = 1; ; attempt++) {
        await waitForBudget(signal)
        const bearer = await currentToken(signal, stale)
        const answer = await send(url.href, { headers: { authorization: `bearer ${bearer.value}`, 'user-agent': options.userAgent, accept: 'application/json' } }, signal)
        const rate = parseRateLimit(answer.headers, now())
        if (rate !== undefined) {
          budget = rate
          reportRateLimit?.(rate)
        }
        if (answer.status === 401 && attempt === 1) {
          stale = bearer
          continue
        }
        if (answer.status === 429) throw new RateLimitedError(rate !== undefined && rate.resetAt > now() ? rate.resetAt : now() + 60_000, undefined, new Error(describeBody(answer.text)))
        if (answer.status >= 500 || answer.status === 408) throw new SourceUnavailableError(`Reddit answered ${answer.status}: ${describeBody(answer.text)}`)
        if (answer.status === 401) throw new SourceRejectedError('Reddit refused a freshly issued token (401)', 401)
        if (answer.status !== 200) throw new SourceRejectedError(`Reddit answered ${answer.status} for ${path}: ${describeBody(answer.text)}`, answer.status)
        try {
          return JSON.parse(answer.text) as unknown
        } catch (err) {
          // Incident pages and cut-off bodies come with 200 too: worth another try later.
          throw new SourceUnavailableError(`Reddit answered ${path} with a body that is not JSON`, err)
        }
      }
    },
  }
}
