import { RateLimitedError, SourceRejectedError, SourceUnavailableError } from '@earshot/ingest'
import { createYouTubeClient, mapYouTubeError, QuotaExceededError } from './youtube-client.js'

const error = (code: number, reason: string) => JSON.stringify({ error: { code, message: `${reason} happened`, errors: [{ message: 'x', domain: 'youtube.quota', reason }] } })
const noon = Date.parse('2026-01-15T12:00:00Z')

test('403 quotaExceeded waits until midnight Pacific; rateLimitExceeded a minute', () => {
  const quota = mapYouTubeError(403, error(403, 'quotaExceeded'), noon)
  expect(quota).toBeInstanceOf(QuotaExceededError)
  expect((quota as QuotaExceededError).resetAt).toBe(Date.parse('2026-01-16T08:00:00Z'))
  const rate = mapYouTubeError(403, error(403, 'rateLimitExceeded'), noon)
  expect(rate).toBeInstanceOf(RateLimitedError)
  expect(rate).not.toBeInstanceOf(QuotaExceededError)
  expect((rate as RateLimitedError).resetAt).toBe(noon + 60_000)
})

test('5xx is retriable; bad keys, disabled comments and unknown channels are rejections naming the reason', () => {
  expect(mapYouTubeError(503, error(503, 'backendError'), noon)).toBeInstanceOf(SourceUnavailableError)
  expect(mapYouTubeError(502, '<html>bad gateway</html>', noon)).toBeInstanceOf(SourceUnavailableError)
  for (const [status, reason] of [[400, 'keyInvalid'], [403, 'commentsDisabled'], [404, 'channelNotFound']] as const) {
    const mapped = mapYouTubeError(status, error(status, reason), noon)
    expect(mapped).toBeInstanceOf(SourceRejectedError)
    expect(mapped.message).toContain(reason)
  }
})

test('sends the key and the query to <base>/youtube/v3/<resource>; a cut-off body is retriable', async () => {
  const urls: string[] = []
  const answers = [new Response(JSON.stringify({ items: [] }), { status: 200 }), new Response('{"items": [', { status: 200 })]
  const fetch = (async (input: string | URL | Request) => {
    urls.push(String(input))
    return answers.shift() as Response
  }) as typeof globalThis.fetch
  const client = createYouTubeClient({ apiKey: 'k', baseUrl: 'http://yt.test/', fetch })
  const signal = new AbortController().signal
  expect(await client.list('commentThreads', { part: 'snippet,replies', pageToken: undefined, maxResults: 100 }, signal)).toEqual({ items: [] })
  expect(urls[0]).toBe('http://yt.test/youtube/v3/commentThreads?part=snippet%2Creplies&maxResults=100&key=k')
  await expect(client.list('commentThreads', {}, signal)).rejects.toBeInstanceOf(SourceUnavailableError)
})
