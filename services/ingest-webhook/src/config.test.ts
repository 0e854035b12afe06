import { parseConfig } from '@earshot/config'
import { configSchema } from './config.js'

const required = { KAFKA_BROKERS: 'localhost:9092', REDIS_URL: 'redis://localhost:6379', INGEST_SOURCES_FILE: './sources.json' }

test('defaults everything but connections and the sources file', () => {
  expect(parseConfig(configSchema, required)).toMatchObject({
    KAFKA_CLIENT_ID: 'earshot-ingest-webhook',
    WEBHOOK_PORT: 8080,
    WEBHOOK_MAX_BODY_BYTES: 1_048_576,
    WEBHOOK_TIMESTAMP_TOLERANCE: 300_000,
    WEBHOOK_REQUEST_TIMEOUT: 20_000,
    INGEST_DEDUPE_TTL: 7 * 24 * 60 * 60_000,
    HTTP_PORT: 9464,
  })
})

test('says what to set when the sources file is missing', () => {
  expect(() => parseConfig(configSchema, { KAFKA_BROKERS: 'localhost:9092', REDIS_URL: 'redis://localhost:6379' }))
    .toThrow(/INGEST_SOURCES_FILE: required — set it to the path of the webhook sources JSON file/)
})

test('wants the Meta app secret and verify token together', () => {
  expect(() => parseConfig(configSchema, { ...required, META_APP_SECRET: 's3cret' })).toThrow(/META_VERIFY_TOKEN: set META_APP_SECRET and META_VERIFY_TOKEN together/)
  expect(parseConfig(configSchema, { ...required, META_APP_SECRET: 's3cret', META_VERIFY_TOKEN: 'tok' })).toMatchObject({ META_APP_SECRET: 's3cret', META_VERIFY_TOKEN: 'tok' })
})

test('reads durations and refuses a tiny body limit', () => {
  expect(parseConfig(configSchema, { ...required, WEBHOOK_TIMESTAMP_TOLERANCE: '90s' })).toMatchObject({ WEBHOOK_TIMESTAMP_TOLERANCE: 90_000 })
  expect(() => parseConfig(configSchema, { ...required, WEBHOOK_MAX_BODY_BYTES: '10' })).toThrow(/WEBHOOK_MAX_BODY_BYTES: expected a whole number from 1024/)
})
