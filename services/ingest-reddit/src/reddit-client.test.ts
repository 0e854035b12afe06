import { RateLimitedError, SourceRejectedError, SourceUnavailableError } from '@earshot/ingest'
import { createRedditClient, parseRateLimit } from './reddit-client.js'

interface Call { url: string, headers: Record<string, string>, body: unknown }

/** A fetch that answers from a script, recording what was asked; no network. */
function scriptedFetch (answers: Array<(call: Call) => Response>) {
  const calls: Call[] = []
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const call = { url: String(input), headers: (init?.headers ?? {}) as Record<string, string>, body: init?.body }
    calls.push(call)
    const answer = answers.shift()
    if (answer === undefined) throw new Error(`unexpected request ${call.url}`)
    return answer(call)
  }) as typeof globalThis.fetch
  return { fetch, calls }
}

const json = (status: number, body: object, headers: Record<string, string> = {}) => () => new Response(JSON.stringify(body), { status, headers })
const token = (value: string, expiresIn = 3600) => json(200, { access_token: value, token_type: 'bearer', expires_in: expiresIn, scope: '*' })
const listing = json(200, { kind: 'Listing', data: { children: [], after: null } }, { 'x-ratelimit-used': '4', 'x-ratelimit-remaining': '596.0', 'x-ratelimit-reset': '120' })
const signal = new AbortController().signal
const base = { clientId: 'id', clientSecret: 'secret', userAgent: 'server:earshot:0.1.0 (by /u/acme)', apiBaseUrl: 'http://api.test', tokenUrl: 'http://www.test/api/v1/access_token' }

test('fetches an app-only token with basic auth and the user agent, then sends it as a bearer', async () => {
  const { fetch, calls } = scriptedFetch([token('tok-1'), listing])
  const client = createRedditClient({ ...base, fetch })
  await client.get('/r/acme/new', { limit: 100, after: undefined }, { signal })
  expect(calls[0]).toMatchObject({ url: 'http://www.test/api/v1/access_token', body: 'grant_type=client_credentials' })
  expect(calls[0]?.headers).toMatchObject({ authorization: `Basic ${Buffer.from('id:secret').toString('base64')}`, 'user-agent': base.userAgent })
  expect(calls[1]?.url).toBe('http://api.test/r/acme/new?limit=100')
  expect(calls[1]?.headers).toMatchObject({ authorization: 'bearer tok-1', 'user-agent': base.userAgent })
})

test('renews the token before it expires, and once more after a 401', async () => {
  let clock = 0
  const { fetch, calls } = scriptedFetch([token('a', 600), listing, token('b', 600), listing, json(401, { message: 'Unauthorized', error: 401 }), token('c', 600), listing])
  const client = createRedditClient({ ...base, fetch, now: () => clock, refreshMarginMs: 60_000 })
  await client.get('/x', {}, { signal })
  clock = 540_001
  await client.get('/x', {}, { signal })
  await client.get('/x', {}, { signal })
  expect(calls.map((c) => c.headers.authorization?.split(' ')[1] ?? 'token')).toEqual([expect.any(String), 'a', expect.any(String), 'b', 'b', expect.any(String), 'c'])
})

test('a 401 on a fresh token is a rejection; bad credentials are a rejection that names the variables', async () => {
  const unauthorized = json(401, { message: 'Unauthorized', error: 401 })
  const again = scriptedFetch([token('a'), unauthorized, token('b'), unauthorized])
  await expect(createRedditClient({ ...base, fetch: again.fetch }).get('/x', {}, { signal })).rejects.toBeInstanceOf(SourceRejectedError)
  const bad = scriptedFetch([unauthorized])
  await expect(createRedditClient({ ...base, fetch: bad.fetch }).get('/x', {}, { signal })).rejects.toThrow(/REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET/)
})

test('429 is a rate limit until X-Ratelimit-Reset; 5xx HTML and non-JSON bodies are retriable', async () => {
  const { fetch } = scriptedFetch([
    token('a'),
    json(429, { message: 'Too Many Requests', error: 429 }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '1000', 'x-ratelimit-reset': '30' }),
  ])
  const error = await createRedditClient({ ...base, fetch, now: () => 1_000_000 }).get('/x', {}, { signal }).catch((err: unknown) => err)
  expect(error).toBeInstanceOf(RateLimitedError)
  expect((error as RateLimitedError).resetAt).toBe(1_030_000)
  const cdn = scriptedFetch([token('a'), () => new Response('<html>Our CDN was unable to reach our servers</html>', { status: 503 }), () => new Response('{"kind": "Lis', { status: 200 })])
  const client = createRedditClient({ ...base, fetch: cdn.fetch })
  await expect(client.get('/x', {}, { signal })).rejects.toBeInstanceOf(SourceUnavailableError)
  await expect(client.get('/x', {}, { signal })).rejects.toThrow(/not JSON/)
})

test('rate-limit headers: remaining may be a float and reset is seconds from now', () => {
  const headers = new Headers({ 'x-ratelimit-used': '4', 'x-ratelimit-remaining': '596.0', 'x-ratelimit-reset': '120' })
  expect(parseRateLimit(headers, 1000)).toEqual({ limit: 600, remaining: 596, resetAt: 121_000 })
  expect(parseRateLimit(new Headers(), 1000)).toBeUndefined()
})
