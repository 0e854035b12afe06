import { parseConfig } from '@earshot/config'
import { routerConfigSchema } from './config.js'

const required = { KAFKA_BROKERS: 'localhost:9092', DATABASE_URL: 'postgres://earshot@localhost:5432/earshot' }

test('needs only the connections; X replies are off without a user token', () => {
  expect(parseConfig(routerConfigSchema, required)).toMatchObject({
    KAFKA_CLIENT_ID: 'earshot-router',
    ROUTER_GROUP_ID: 'router',
    ROUTER_SCHEDULER_INTERVAL: 1000,
    X_API_BASE_URL: 'https://api.x.com',
    X_REQUEST_TIMEOUT: 15_000,
  })
  expect(parseConfig(routerConfigSchema, { ...required, ROUTER_X_USER_TOKEN: '' }).ROUTER_X_USER_TOKEN).toBeUndefined()
})

test('an X user token without REDIS_URL fails at boot, naming both variables and not printing the token', () => {
  const parse = () => parseConfig(routerConfigSchema, { ...required, ROUTER_X_USER_TOKEN: 'user-token-secret' })
  expect(parse).toThrow(/REDIS_URL: required when ROUTER_X_USER_TOKEN is set/)
  expect(parse).not.toThrow(/user-token-secret/)
  expect(parseConfig(routerConfigSchema, { ...required, ROUTER_X_USER_TOKEN: 'user-token-secret', REDIS_URL: 'redis://localhost:6379' }))
    .toMatchObject({ ROUTER_X_USER_TOKEN: 'user-token-secret', REDIS_URL: 'redis://localhost:6379' })
})

test('reads the X base URL and request timeout, and rejects a base URL that is not http(s)', () => {
  expect(parseConfig(routerConfigSchema, { ...required, X_API_BASE_URL: 'http://127.0.0.1:4010', X_REQUEST_TIMEOUT: '5s' }))
    .toMatchObject({ X_API_BASE_URL: 'http://127.0.0.1:4010', X_REQUEST_TIMEOUT: 5000 })
  expect(() => parseConfig(routerConfigSchema, { ...required, X_API_BASE_URL: 'ftp://x' })).toThrow(/X_API_BASE_URL: expected a http:\/\/ or https:\/\/ URL/)
})

test('retention defaults to 7 days of relayed outbox rows and 30 days of finished schedules; 0 keeps them, a negative number fails naming the variable', () => {
  expect(parseConfig(routerConfigSchema, required)).toMatchObject({ ROUTER_OUTBOX_RETENTION_HOURS: 168, ROUTER_SCHEDULE_RETENTION_HOURS: 720, ROUTER_RETENTION_INTERVAL: 3_600_000 })
  expect(parseConfig(routerConfigSchema, { ...required, ROUTER_OUTBOX_RETENTION_HOURS: '0', ROUTER_RETENTION_INTERVAL: '15m' }))
    .toMatchObject({ ROUTER_OUTBOX_RETENTION_HOURS: 0, ROUTER_RETENTION_INTERVAL: 900_000 })
  expect(() => parseConfig(routerConfigSchema, { ...required, ROUTER_SCHEDULE_RETENTION_HOURS: '-1' })).toThrow(/ROUTER_SCHEDULE_RETENTION_HOURS/)
})
