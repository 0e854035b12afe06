import { RateLimitedError, SourceRejectedError, SourceUnavailableError } from '@earshot/ingest'
import { nextPacificMidnight } from './pacific-time.js'

export const defaultYouTubeBaseUrl = 'https://www.googleapis.com'

export interface YouTubeClientOptions {
  apiKey: string
  /** Default https://www.googleapis.com; requests go to `<baseUrl>/youtube/v3/<resource>`. */
  baseUrl?: string
  requestTimeoutMs?: number
  now?: () => number
  fetch?: typeof globalThis.fetch
}

export interface YouTubeClient {
  /** GET a Data API v3 list method (e.g. `commentThreads`); the parsed JSON body. Throws the ingest errors. */
  list: (resource: string, query: Record<string, string | number | undefined>, signal: AbortSignal) => Promise<unknown>
}

/** The project's daily quota is spent (403 `quotaExceeded`): nothing more until midnight Pacific. */
export class QuotaExceededError extends RateLimitedError {}

/** `error.errors[0].reason` and `error.message` of Google's JSON error format. */
export function googleErrorReason (text: string): { reason: string | undefined, message: string } {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown, errors?: Array<{ reason?: unknown }> } }
    const reason = body.error?.errors?.find((e) => typeof e.reason === 'string')?.reason
    return { reason: typeof reason === 'string' ? reason : undefined, message: typeof body.error?.message === 'string' ? body.error.message : text.slice(0, 200) }
  } catch {
    return { reason: undefined, message: text.slice(0, 120).replace(/\s+/g, ' ') }
  }
}

/** What an answer other than 200 means for the poll loop. */
export function mapYouTubeError (status: number, text: string, now: number): Error {
  const { reason, message } = googleErrorReason(text)
  if (reason === 'quotaExceeded' || reason === 'dailyLimitExceeded') {
    return new QuotaExceededError(nextPacificMidnight(now), `YouTube quota exceeded until midnight Pacific (${new Date(nextPacificMidnight(now)).toISOString()})`)
  }
  if (status === 429 || reason === 'rateLimitExceeded' || reason === 'userRateLimitExceeded') {
    return new RateLimitedError(now + 60_000, `YouTube rate limited the request (${reason ?? status})`)
  }
  if (status >= 500 || status === 408) return new SourceUnavailableError(`YouTube answered ${status}${reason === undefined ? '' : ` ${reason}`}: ${message}`)
  return new SourceRejectedError(`YouTube answered ${status}${reason === undefined ? '' : ` ${reason}`}: ${message}`, status)
}

/** A thin fetch client for the YouTube Data API v3 with an API key; quota is accounted by the connector. */
export function createYouTubeClient (options: YouTubeClientOptions): YouTubeClient {
  const fetchImpl = options.fetch ?? globalThis.fetch
  const now = options.now ?? Date.now
  const base = (options.baseUrl ?? defaultYouTubeBaseUrl).replace(/\/+$/, '')
  const timeoutMs = options.requestTimeoutMs ?? 15_000

  return {
    async list (resource, query, signal) {
      const url = new URL(`${base}/youtube/v3/${resource}`)
      for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value))
      url.searchParams.set('key', options.apiKey)
      let status: number
      let text: string
      try {
        const response = await fetchImpl(url, { headers: { accept: 'application/json' }, signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) })
        status = response.status
        text = await response.text()
      } catch (err) {
        if (signal.aborted) throw new SourceUnavailableError('request to YouTube aborted: the poller is stopping', err)
        const cause = (err as { cause?: { code?: string, message?: string } }).cause
        const name = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : cause?.code ?? cause?.message ?? (err as Error).message
        throw new SourceUnavailableError(`request to YouTube failed: ${name}`, err)
      }
      if (status !== 200) throw mapYouTubeError(status, text, now())
      try {
        return JSON.parse(text) as unknown
      } catch (err) {
        throw new SourceUnavailableError(`YouTube answered ${resource} with a body that is not JSON`, err)
      }
    },
  }
}
