import { parseConfig } from '@earshot/config'
import { configSchema } from './config.js'

const required = {
  KAFKA_BROKERS: 'localhost:9092',
  REDIS_URL: 'redis://localhost:6379',
  INGEST_SOURCES_FILE: './sources.json',
}

test('defaults everything but connections and the sources file; no host is allowed past the address policy', () => {
  expect(parseConfig(configSchema, required)).toMatchObject({
    KAFKA_CLIENT_ID: 'earshot-ingest-feeds',
    FEEDS_ALLOWED_HOSTS: [],
    FEEDS_REQUEST_TIMEOUT: 15_000,
    FEEDS_MAX_BODY_BYTES: 5 * 1024 * 1024,
    FEEDS_MAX_REDIRECTS: 5,
    FEEDS_MAX_ITEM_AGE: 3 * 24 * 60 * 60_000,
    INGEST_DEDUPE_TTL: 7 * 24 * 60 * 60_000,
    HTTP_PORT: 9464,
  })
})

test('fails fast naming each missing variable and what to set', () => {
  expect(() => parseConfig(configSchema, { KAFKA_BROKERS: 'localhost:9092' })).toThrow(
    /REDIS_URL: required — set it to a Redis URL[\s\S]*INGEST_SOURCES_FILE: required — set it to the path of the sources JSON file/)
})

test('names the variable when a value is out of range', () => {
  expect(() => parseConfig(configSchema, { ...required, FEEDS_MAX_REDIRECTS: '50', FEEDS_REQUEST_TIMEOUT: 'soon' }))
    .toThrow(/FEEDS_REQUEST_TIMEOUT: expected a duration[\s\S]*FEEDS_MAX_REDIRECTS: expected a whole number from 0 to 10/)
})

test('an item age that outlives the dedupe memory is refused with what to change', () => {
  expect(() => parseConfig(configSchema, { ...required, FEEDS_MAX_ITEM_AGE: '8d' }))
    .toThrow(/FEEDS_MAX_ITEM_AGE: must be shorter than INGEST_DEDUPE_TTL/)
})

test('reads the allow-list as a comma-separated list', () => {
  expect(parseConfig(configSchema, { ...required, FEEDS_ALLOWED_HOSTS: '127.0.0.1, feeds.internal' }).FEEDS_ALLOWED_HOSTS).toEqual(['127.0.0.1', 'feeds.internal'])
})
