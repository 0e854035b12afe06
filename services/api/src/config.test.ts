import { ConfigError, parseConfig } from '@earshot/config'
import { apiConfigSchema } from './config.js'

test('defaults: port 3000, rate limit 600 per minute, session 7 days, webhooks on', () => {
  const config = parseConfig(apiConfigSchema, { DATABASE_URL: 'postgres://u@localhost:5432/earshot', KAFKA_BROKERS: 'kafka:9092' })
  expect(config).toMatchObject({
    HTTP_PORT: 3000, API_RATE_LIMIT_MAX: 600, API_RATE_LIMIT_WINDOW: 60_000, API_SESSION_TTL: 604_800_000, API_COOKIE_SECURE: false, API_WEBHOOKS_ENABLED: true, KAFKA_BROKERS: ['kafka:9092'],
  })
})

test('a missing KAFKA_BROKERS (outbound webhooks read tickets.v1) fails naming the variable', () => {
  expect(() => parseConfig(apiConfigSchema, { DATABASE_URL: 'postgres://u@localhost:5432/earshot' })).toThrow(/KAFKA_BROKERS/)
})

test('a missing DATABASE_URL fails naming the variable', () => {
  expect(() => parseConfig(apiConfigSchema, {})).toThrow(ConfigError)
  expect(() => parseConfig(apiConfigSchema, {})).toThrow(/DATABASE_URL/)
})
