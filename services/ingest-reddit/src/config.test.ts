import { parseConfig } from '@earshot/config'
import { configSchema } from './config.js'

const required = {
  KAFKA_BROKERS: 'localhost:9092',
  REDIS_URL: 'redis://localhost:6379',
  REDDIT_CLIENT_ID: 'client-id',
  REDDIT_CLIENT_SECRET: 'client-secret',
  REDDIT_USER_AGENT: 'server:earshot:0.1.0 (by /u/acme_support)',
  INGEST_SOURCES_FILE: './sources.json',
}

test('defaults everything but connections, credentials, the user agent and the sources file', () => {
  expect(parseConfig(configSchema, required)).toMatchObject({
    KAFKA_CLIENT_ID: 'earshot-ingest-reddit',
    REDDIT_API_BASE_URL: 'https://oauth.reddit.com',
    REDDIT_TOKEN_URL: 'https://www.reddit.com/api/v1/access_token',
    REDDIT_REQUEST_TIMEOUT: 15_000,
    REDDIT_PAGE_SIZE: 100,
    REDDIT_MAX_PAGES: 10,
    INGEST_DEDUPE_TTL: 7 * 24 * 60 * 60_000,
  })
})

test('a missing client secret fails naming the variable and what to set, without printing the other secret', () => {
  const { REDDIT_CLIENT_SECRET: _secret, ...withoutSecret } = required
  let message = ''
  try {
    parseConfig(configSchema, withoutSecret)
  } catch (err) {
    message = String(err instanceof Error ? err.message : err)
  }
  expect(message).toMatch(/REDDIT_CLIENT_SECRET: required — set it to the client secret of the Reddit app/)
  expect(message).not.toMatch(/client-id/)
})

test('a missing client id and user agent are both named', () => {
  const { REDDIT_CLIENT_ID: _id, REDDIT_USER_AGENT: _agent, ...rest } = required
  expect(() => parseConfig(configSchema, rest)).toThrow(/REDDIT_CLIENT_ID: required[\s\S]*REDDIT_USER_AGENT: required/)
})

test('rejects a generic user agent, which Reddit throttles, and a page size above 100', () => {
  expect(() => parseConfig(configSchema, { ...required, REDDIT_USER_AGENT: 'node-fetch/1.0', REDDIT_PAGE_SIZE: '500' }))
    .toThrow(/REDDIT_USER_AGENT: expected "<platform>:<app id>:<version> \(by \/u\/<reddit user>\)"[\s\S]*REDDIT_PAGE_SIZE: expected a whole number from 1 to 100/)
})
