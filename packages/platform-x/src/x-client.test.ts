import { ApiRequestError, TwitterApi } from 'twitter-api-v2'
import { createXClient, networkCause } from './x-client.js'

function prefixOf (client: TwitterApi): unknown {
  return (client.v2 as unknown as Record<string, unknown>)._prefix
}

test('twitter-api-v2 still keeps its v2 base URL in the private _prefix field (createXClient relies on it)', () => {
  expect(prefixOf(new TwitterApi('token'))).toBe('https://api.x.com/2/')
})

test('a non-default base URL becomes the v2 prefix, shared by the read-only view paginators use', () => {
  const client = createXClient({ bearerToken: 'token', baseUrl: 'http://127.0.0.1:4010/' })
  expect(prefixOf(client)).toBe('http://127.0.0.1:4010/2/')
  expect(client.readOnly.v2).toBe(client.v2)
})

test('the default base URL leaves the library untouched', () => {
  expect(prefixOf(createXClient({ bearerToken: 'token' }))).toBe('https://api.x.com/2/')
})

test('the socket error behind a request error is found however twitter-api-v2 stored it', () => {
  const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
  expect(networkCause(new ApiRequestError('Request failed.', { request: {} as never, error: cause }))?.code).toBe('ECONNREFUSED')
})
