import type { ClientRequest, IncomingMessage } from 'node:http'
import { RateLimitedError, SourceRejectedError, SourceUnavailableError } from '@earshot/ingest'
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2'
import { mapXError, parseXSourceSettings } from './x-connector.js'

const now = Date.UTC(2026, 2, 2, 8, 0, 0)
const request = {} as ClientRequest
const response = (statusCode: number, headers: Record<string, string> = {}) => ({ statusCode, headers }) as unknown as IncomingMessage

function responseError (code: number, reset?: number): ApiResponseError {
  const rateLimit = reset === undefined ? undefined : { limit: 450, remaining: 0, reset }
  return new ApiResponseError(`Request failed with code ${code}`, { code, data: { title: 'Problem', detail: 'details' }, headers: {}, request, response: response(code), rateLimit })
}

test('a 429 waits until x-rate-limit-reset (epoch seconds)', () => {
  const mapped = mapXError(responseError(429, now / 1000 + 90), now)
  expect(mapped).toBeInstanceOf(RateLimitedError)
  expect((mapped as RateLimitedError).resetAt).toBe(now + 90_000)
})

test('a 429 without a usable reset waits a minute', () => {
  expect((mapXError(responseError(429), now) as RateLimitedError).resetAt).toBe(now + 60_000)
  expect((mapXError(responseError(429, now / 1000 - 5), now) as RateLimitedError).resetAt).toBe(now + 60_000)
})

test.each([500, 502, 503, 504, 408])('%i is a transient outage: back off and retry', (code) => {
  expect(mapXError(responseError(code), now)).toBeInstanceOf(SourceUnavailableError)
})

test.each([400, 401, 403, 404])('%i needs someone to fix credentials or configuration', (code) => {
  const mapped = mapXError(responseError(code), now)
  expect(mapped).toBeInstanceOf(SourceRejectedError)
  expect(mapped).toMatchObject({ status: code, message: `X answered ${code}: Problem: details` })
})

test('a network error and an unreadable body are transient', () => {
  const network = new ApiRequestError('socket hang up', { request, error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) })
  expect(mapXError(network, now)).toEqual(expect.objectContaining({ code: 'INGEST_ERR_UNAVAILABLE', message: 'request to X failed: ECONNRESET' }))
  const partial = new ApiPartialResponseError('bad json', { request, response: response(200), responseError: new Error('Unexpected end of JSON input'), rawContent: '' })
  expect(mapXError(partial, now)).toBeInstanceOf(SourceUnavailableError)
})

test('a 429 whose body cannot be read still waits for the reset header', () => {
  const partial = new ApiPartialResponseError('bad json', {
    request, response: response(429, { 'x-rate-limit-reset': String(now / 1000 + 30) }), responseError: new Error('Unexpected end'), rawContent: '',
  })
  expect((mapXError(partial, now) as RateLimitedError).resetAt).toBe(now + 30_000)
})

test('programmer errors pass through untouched', () => {
  const bug = new TypeError('x is undefined')
  expect(mapXError(bug, now)).toBe(bug)
})

test('source settings are mentions of a user id or a search query, and bad ones name the field', () => {
  expect(parseXSourceSettings({ kind: 'mentions', userId: '783214' }, 'sources[0]')).toEqual({ kind: 'mentions', userId: '783214' })
  expect(parseXSourceSettings({ kind: 'search', query: '"acme" -is:retweet' }, 'sources[0]')).toEqual({ kind: 'search', query: '"acme" -is:retweet' })
  expect(() => parseXSourceSettings({ kind: 'mentions', userId: '@acme' }, 'sources[2]')).toThrow(/sources\[2\]\.settings\.userId: expected the numeric X user id/)
  expect(() => parseXSourceSettings({}, 'sources[0]')).toThrow(/INGESTX|invalid X source settings/)
})
