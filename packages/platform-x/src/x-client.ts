import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { type ApiRequestError, TwitterApi } from 'twitter-api-v2'

export const defaultXBaseUrl = 'https://api.x.com'

export interface XClientOptions {
  /** App-only bearer token (reads) or an OAuth 2.0 user access token with tweet.write (replies). */
  bearerToken: string
  /** Default https://api.x.com; a fake or proxy such as http://127.0.0.1:8080 gets `<baseUrl>/2/`. */
  baseUrl?: string
  /** Default: a keep-alive agent matching the base URL's protocol. */
  agent?: HttpAgent
}

export type XClient = TwitterApi

/** The v2 sub-client's private field that twitter-api-v2 1.29 prepends to every path; x-client.test.ts guards its name. */
const prefixField = '_prefix'

/**
 * twitter-api-v2 has no base-URL option and its `cloneWithPrefix` is broken, so a non-default base
 * URL sets the cached v2 sub-client's prefix (paginators and streams go through the same object).
 * It sends everything with `https.request`, which takes plain http when the agent is an http.Agent.
 */
export function createXClient ({ bearerToken, baseUrl = defaultXBaseUrl, agent }: XClientOptions): XClient {
  const base = new URL(baseUrl)
  const httpAgent = agent ?? (base.protocol === 'http:' ? new HttpAgent({ keepAlive: true }) : new HttpsAgent({ keepAlive: true }))
  const client = new TwitterApi(bearerToken, { httpAgent })
  const prefix = `${baseUrl.replace(/\/+$/, '')}/2/`
  if (prefix !== `${defaultXBaseUrl}/2/`) {
    const v2 = client.v2 as unknown as Record<string, unknown>
    if (typeof v2[prefixField] !== 'string') throw new TypeError(`twitter-api-v2 no longer has ${prefixField} on its v2 client; update createXClient`)
    v2[prefixField] = prefix
  }
  return client
}

/**
 * The socket error behind an ApiRequestError. twitter-api-v2 1.29 builds it with `{ error }` but
 * its `requestError` getter reads `requestError`, so the getter is always undefined.
 */
export function networkCause (err: ApiRequestError): (Error & { code?: string }) | undefined {
  const options = (err as unknown as { _options?: { error?: unknown, requestError?: unknown } })._options
  const cause = err.requestError ?? options?.error ?? options?.requestError
  return cause instanceof Error ? cause : undefined
}
