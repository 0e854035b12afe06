import { parseConfig } from '@earshot/config'
import { configSchema } from './config.js'

const required = {
  KAFKA_BROKERS: 'localhost:9092',
  REDIS_URL: 'redis://localhost:6379',
  X_BEARER_TOKEN: 'secret-token',
  INGEST_SOURCES_FILE: './sources.json',
}

test('defaults everything but connections, the token and the sources file', () => {
  expect(parseConfig(configSchema, required)).toMatchObject({
    KAFKA_CLIENT_ID: 'earshot-ingest-x',
    X_API_BASE_URL: 'https://api.x.com',
    X_REQUEST_TIMEOUT: 15_000,
    X_MAX_RESULTS: 100,
    X_STREAM_KEEPALIVE_TIMEOUT: 21_000,
    INGEST_DEDUPE_TTL: 7 * 24 * 60 * 60_000,
    HTTP_PORT: 9464,
  })
})

test('says what to set when the token and sources file are missing, without printing secrets', () => {
  expect(() => parseConfig(configSchema, { KAFKA_BROKERS: 'localhost:9092', REDIS_URL: 'redis://localhost:6379' })).toThrow(
    /X_BEARER_TOKEN: required — set it to the app's bearer token[\s\S]*INGEST_SOURCES_FILE: required — set it to the path of the sources JSON file/)
})

test('rejects a base URL that is not http(s) and a page size X does not allow', () => {
  expect(() => parseConfig(configSchema, { ...required, X_API_BASE_URL: 'ftp://x', X_MAX_RESULTS: '500' }))
    .toThrow(/X_API_BASE_URL: expected a http:\/\/ or https:\/\/ URL[\s\S]*X_MAX_RESULTS: expected a whole number from 10 to 100/)
})

test('reads durations with units', () => {
  expect(parseConfig(configSchema, { ...required, X_REQUEST_TIMEOUT: '5s', INGEST_DEDUPE_TTL: '2d' })).toMatchObject({ X_REQUEST_TIMEOUT: 5000, INGEST_DEDUPE_TTL: 172_800_000 })
})
