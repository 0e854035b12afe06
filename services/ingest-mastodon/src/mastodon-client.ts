import { type RateLimitInfo, RateLimitedError, SourceRejectedError, SourceUnavailableError } from '@earshot/ingest'

export interface MastodonClientOptions {
  /** The instance's base URL, e.g. https://mastodon.social. */
  instanceUrl: string
  /** A user access token (scope read:notifications, or read:statuses for hashtags). */
  accessToken: string
  /** A request not answered by then counts as a network error (backoff and retry). */
  requestTimeoutMs?: number
  now?: () => number
}

export interface MastodonPage {
  /** The JSON array the endpoint answered (items are untrusted). */
  items: unknown[]
  /** Link header targets as path + query on this instance: `next` is older, `prev` is newer. */
  links: { next?: string, prev?: string }
  rateLimit: RateLimitInfo | undefined
}

/** RFC 8288 Link header → rel → URL (only the relations Mastodon uses matter here). */
export function parseLinkHeader (value: string | null): Map<string, string> {
  const links = new Map<string, string>()
  if (value === null) return links
  for (const match of value.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    const rel = /;\s*rel="?([^";]+)"?/i.exec(match[2] ?? '')?.[1]
    if (rel === undefined || match[1] === undefined) continue
    for (const name of rel.trim().split(/\s+/)) if (!links.has(name)) links.set(name.toLowerCase(), match[1])
  }
  return links
}

/**
 * A Link target as path + query on the configured instance. The host the server wrote is ignored:
 * it is the instance's public domain (which may differ from the URL we reach it by), and following
 * a foreign host would send the token elsewhere.
 */
export function linkPath (target: string | undefined): string | undefined {
  if (target === undefined) return undefined
  try {
    const url = new URL(target, 'https://instance.invalid')
    return url.pathname.startsWith('/api/') ? `${url.pathname}${url.search}` : undefined
  } catch {
    return undefined
  }
}

/** X-RateLimit-Limit/Remaining/Reset, where Reset is an ISO 8601 time (Mastodon writes microseconds). */
export function parseRateLimit (headers: Headers): RateLimitInfo | undefined {
  const limit = Number(headers.get('x-ratelimit-limit') ?? Number.NaN)
  const remaining = Number(headers.get('x-ratelimit-remaining') ?? Number.NaN)
  const resetAt = Date.parse(headers.get('x-ratelimit-reset') ?? '')
  if (!Number.isFinite(limit) || !Number.isFinite(remaining) || !Number.isFinite(resetAt)) return undefined
  return { limit, remaining, resetAt }
}

function retryAfter (headers: Headers, now: number): number | undefined {
  const value = headers.get('retry-after')
  if (value === null) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return now + seconds * 1000
  const date = Date.parse(value)
  return Number.isFinite(date) ? date : undefined
}

function describe (body: string): string {
  try {
    const parsed = JSON.parse(body) as unknown
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { error?: unknown }).error === 'string') {
      return (parsed as { error: string }).error
    }
  } catch {}
  return body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200) || 'no details'
}

/**
 * What a non-2xx answer means for the poll loop: 429 waits for X-RateLimit-Reset (else
 * Retry-After, else a minute); 5xx and 408 are outages to back off from; 401/403 and other 4xx
 * need someone to fix the token or the source, so they are not retried as outages.
 */
export function errorForResponse (status: number, headers: Headers, body: string, now: number): Error {
  if (status === 429) {
    const reset = parseRateLimit(headers)?.resetAt
    const resetAt = reset !== undefined && reset > now ? reset : retryAfter(headers, now) ?? now + 60_000
    return new RateLimitedError(Math.max(resetAt, now + 1), `Mastodon rate limit reached; no request before ${new Date(resetAt).toISOString()}`)
  }
  if (status >= 500 || status === 408) return new SourceUnavailableError(`Mastodon answered ${status}: ${describe(body)}`, undefined, status)
  return new SourceRejectedError(`Mastodon answered ${status}: ${describe(body)}`, status)
}

function networkError (err: unknown, host: string, timedOut: boolean): SourceUnavailableError {
  if (timedOut) return new SourceUnavailableError(`request to ${host} timed out`, err)
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause as Error & { code?: string } : undefined
  const reason = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err))
  return new SourceUnavailableError(`request to ${host} failed: ${reason}`, err)
}

/**
 * A thin fetch client for the two things ingest needs: Link-paged JSON lists with their rate-limit
 * headers, and server-sent-event streams. Every failure is one of @earshot/ingest's errors.
 */
export function createMastodonClient (options: MastodonClientOptions) {
  const base = new URL(options.instanceUrl)
  const origin = options.instanceUrl.replace(/\/+$/, '')
  const now = options.now ?? Date.now
  const timeoutMs = options.requestTimeoutMs ?? 15_000
  const headers = { authorization: `Bearer ${options.accessToken}`, accept: 'application/json' }

  /** Sends a GET; `deadline` aborts it when the request timeout passes (the caller clears `timer` when done waiting). */
  async function request (path: string, signal: AbortSignal, accept: string, deadline: AbortController): Promise<Response> {
    let response: Response
    try {
      response = await fetch(`${origin}${path}`, { headers: { ...headers, accept }, signal: AbortSignal.any([signal, deadline.signal]) })
    } catch (err) {
      throw networkError(err, base.host, deadline.signal.aborted)
    }
    if (!response.ok) {
      const body = await response.text().catch(() => '')
      throw errorForResponse(response.status, response.headers, body, now())
    }
    return response
  }

  function withDeadline (): { deadline: AbortController, timer: NodeJS.Timeout } {
    const deadline = new AbortController()
    return { deadline, timer: setTimeout(() => deadline.abort(), timeoutMs) }
  }

  return {
    instanceHost: base.host,
    /** GET a Link-paged list (path + query on the instance); the timeout covers reading the body too. */
    async getPage (path: string, signal: AbortSignal): Promise<MastodonPage> {
      const { deadline, timer } = withDeadline()
      const route = path.split('?')[0] ?? path
      try {
        const response = await request(path, signal, 'application/json', deadline)
        let text: string
        try {
          text = await response.text()
        } catch (err) {
          throw networkError(err, base.host, deadline.signal.aborted)
        }
        let items: unknown
        try {
          items = JSON.parse(text)
        } catch (err) {
          throw new SourceUnavailableError(`Mastodon answered ${route} with a body that is not JSON`, err)
        }
        if (!Array.isArray(items)) throw new SourceUnavailableError(`Mastodon answered ${route} with JSON that is not a list`)
        const links = parseLinkHeader(response.headers.get('link'))
        const next = linkPath(links.get('next'))
        const prev = linkPath(links.get('prev'))
        return { items, links: { ...(next === undefined ? {} : { next }), ...(prev === undefined ? {} : { prev }) }, rateLimit: parseRateLimit(response.headers) }
      } finally {
        clearTimeout(timer)
      }
    },
    /** Opens a server-sent-event stream; the timeout covers only the wait for headers, then the caller reads until the body ends or `signal` aborts. */
    async openStream (path: string, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
      const { deadline, timer } = withDeadline()
      try {
        const response = await request(path, signal, 'text/event-stream', deadline)
        if (response.body === null) throw new SourceUnavailableError(`Mastodon answered ${path} without a body`)
        return response.body
      } finally {
        clearTimeout(timer)
      }
    },
  }
}

export type MastodonClient = ReturnType<typeof createMastodonClient>
