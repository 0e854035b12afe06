import { z } from 'zod'
import { webhookEnv, webhookSettings } from './webhook-config.js'

const schema = z.object(webhookEnv)

describe('webhook configuration', () => {
  test('defaults to 10 s timeout, 8 attempts, backoff 30 s capped at 1 h, group api-webhooks, 30 days of delivery log', () => {
    expect(webhookSettings(schema.parse({}))).toEqual({
      enabled: true,
      groupId: 'api-webhooks',
      timeoutMs: 10_000,
      concurrency: 10,
      retry: { maxAttempts: 8, backoffBaseMs: 30_000, backoffMaxMs: 3_600_000 },
      retentionMs: 30 * 24 * 60 * 60 * 1000,
    })
  })

  test('reads durations and counts from the environment', () => {
    const settings = webhookSettings(schema.parse({ API_WEBHOOK_TIMEOUT: '3s', API_WEBHOOK_MAX_ATTEMPTS: '5', API_WEBHOOK_BACKOFF_BASE: '250ms', API_WEBHOOK_BACKOFF_MAX: '2m', API_WEBHOOKS_ENABLED: 'false' }))
    expect(settings).toMatchObject({ enabled: false, timeoutMs: 3000, retry: { maxAttempts: 5, backoffBaseMs: 250, backoffMaxMs: 120_000 } })
  })

  test('a retention of 0 hours keeps the delivery log; a negative one is refused', () => {
    expect(webhookSettings(schema.parse({ API_WEBHOOK_RETENTION_HOURS: '0' })).retentionMs).toBe(0)
    expect(schema.safeParse({ API_WEBHOOK_RETENTION_HOURS: '-5' }).success).toBe(false)
  })

  test('refuses a zero attempt count', () => {
    expect(schema.safeParse({ API_WEBHOOK_MAX_ATTEMPTS: '0' }).success).toBe(false)
  })
})
