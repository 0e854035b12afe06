import { RateLimitedError, SourceRejectedError, SourceUnavailableError } from '@earshot/ingest'
import { errorForResponse, linkPath, parseLinkHeader, parseRateLimit } from './mastodon-client.js'

const now = Date.UTC(2026, 2, 2, 8, 0, 0)

test('the Link header yields next (older) and prev (newer) as paths on the configured instance', () => {
  const links = parseLinkHeader('<https://mastodon.example/api/v1/notifications?types[]=mention&max_id=1000>; rel="next", <https://mastodon.example/api/v1/notifications?types[]=mention&min_id=1040>; rel="prev"')
  expect(linkPath(links.get('next'))).toBe('/api/v1/notifications?types[]=mention&max_id=1000')
  expect(linkPath(links.get('prev'))).toBe('/api/v1/notifications?types[]=mention&min_id=1040')
  expect(parseLinkHeader(null).size).toBe(0)
})

test('a link outside the API is not followed', () => {
  expect(linkPath('https://evil.example/steal?token=1')).toBeUndefined()
  expect(linkPath(undefined)).toBeUndefined()
})

test('X-RateLimit-Reset is an ISO 8601 time with microseconds', () => {
  const headers = new Headers({ 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': '2026-03-02T08:05:00.000000Z' })
  expect(parseRateLimit(headers)).toEqual({ limit: 300, remaining: 12, resetAt: Date.UTC(2026, 2, 2, 8, 5, 0) })
  expect(parseRateLimit(new Headers())).toBeUndefined()
})

test('a 429 waits until X-RateLimit-Reset', () => {
  const headers = new Headers({ 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2026-03-02T08:01:30.000000Z' })
  const err = errorForResponse(429, headers, '{"error":"Too many requests"}', now)
  expect(err).toBeInstanceOf(RateLimitedError)
  expect((err as RateLimitedError).resetAt).toBe(now + 90_000)
})

test('a 429 without a usable reset uses Retry-After, else waits a minute', () => {
  expect((errorForResponse(429, new Headers({ 'retry-after': '30' }), '', now) as RateLimitedError).resetAt).toBe(now + 30_000)
  expect((errorForResponse(429, new Headers({ 'x-ratelimit-reset': 'soon' }), '', now) as RateLimitedError).resetAt).toBe(now + 60_000)
})

test.each([500, 502, 503, 504, 408])('%i is an outage to back off from, with the status kept', (status) => {
  const err = errorForResponse(status, new Headers(), '<html><h1>503 Service Temporarily Unavailable</h1></html>', now)
  expect(err).toBeInstanceOf(SourceUnavailableError)
  expect(err).toMatchObject({ status, message: `Mastodon answered ${status}: 503 Service Temporarily Unavailable` })
})

test.each([401, 403, 404, 422])('%i needs the token or the source fixed, and says what Mastodon said', (status) => {
  const err = errorForResponse(status, new Headers(), '{"error":"The access token is invalid"}', now)
  expect(err).toBeInstanceOf(SourceRejectedError)
  expect(err).toMatchObject({ status, message: `Mastodon answered ${status}: The access token is invalid` })
})
