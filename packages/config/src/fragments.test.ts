import { z } from 'zod'
import { fetchSettingsOf, kafkaEnv, kafkaFetchEnv, observabilityEnv, postgresEnv, redisEnv } from './fragments.js'
import { parseConfig } from './parse-config.js'

const schema = z.object({ ...kafkaEnv, ...postgresEnv, ...redisEnv, ...observabilityEnv })
const required = {
  KAFKA_BROKERS: 'localhost:9092',
  DATABASE_URL: 'postgres://earshot@localhost:5432/earshot',
  REDIS_URL: 'redis://localhost:6379',
}

test('fragments compose into one schema with defaults for everything but the connection strings', () => {
  expect(parseConfig(schema, required)).toEqual({
    KAFKA_BROKERS: ['localhost:9092'],
    KAFKA_CLIENT_ID: 'earshot',
    DATABASE_URL: 'postgres://earshot@localhost:5432/earshot',
    DATABASE_POOL_MAX: 10,
    REDIS_URL: 'redis://localhost:6379',
    REDIS_KEY_PREFIX: 'earshot:',
    LOG_LEVEL: 'info',
    HTTP_PORT: 9464,
    SHUTDOWN_TIMEOUT: 25_000,
  })
})

test('a missing connection string says what to set', () => {
  expect(() => parseConfig(schema, {})).toThrow([
    'KAFKA_BROKERS: required — set it to a comma-separated list of Kafka brokers as host:port, e.g. localhost:9092',
    'DATABASE_URL: required — set it to a PostgreSQL URL, e.g. postgres://user@localhost:5432/earshot',
    'REDIS_URL: required — set it to a Redis URL, e.g. redis://localhost:6379',
  ].join('\n'))
})

test('a service overrides a fragment default by redeclaring the key', () => {
  const router = z.object({ ...kafkaEnv, KAFKA_CLIENT_ID: z.string().default('earshot-router') })
  expect(parseConfig(router, { KAFKA_BROKERS: 'localhost:9092' }).KAFKA_CLIENT_ID).toBe('earshot-router')
})

test('fetch settings are optional, so unset ones leave the bus its defaults; set ones are parsed and range-checked', () => {
  const consumer = z.object({ ...kafkaEnv, ...kafkaFetchEnv })
  expect(parseConfig(consumer, { KAFKA_BROKERS: 'localhost:9092' })).toEqual({ KAFKA_BROKERS: ['localhost:9092'], KAFKA_CLIENT_ID: 'earshot' })
  expect(parseConfig(consumer, { KAFKA_BROKERS: 'localhost:9092', KAFKA_FETCH_MIN_BYTES: '131072', KAFKA_FETCH_MAX_WAIT: '25ms' }))
    .toMatchObject({ KAFKA_FETCH_MIN_BYTES: 131072, KAFKA_FETCH_MAX_WAIT: 25 })
  expect(() => parseConfig(consumer, { KAFKA_BROKERS: 'localhost:9092', KAFKA_FETCH_MIN_BYTES: '0' })).toThrow(/KAFKA_FETCH_MIN_BYTES/)
  expect(fetchSettingsOf(parseConfig(consumer, { KAFKA_BROKERS: 'localhost:9092', KAFKA_FETCH_MAX_WAIT: '25ms' }))).toEqual({ minBytes: undefined, maxWaitMs: 25 })
})
