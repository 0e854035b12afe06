import { z } from 'zod'
import { boolEnv, duration, int } from '@earshot/config'
import { defaultRetrySettings } from './delivery-policy.js'

/** API_WEBHOOK_RETENTION_HOURS's default; the all-in-one uses it too. */
export const defaultDeliveryRetentionHours = 30 * 24

/** Spread into the API's config schema (`...webhookEnv`); `webhookSettings(config)` turns it into service options. */
export const webhookEnv = {
  // Turn the dispatcher and worker off in a replica that should only serve HTTP (routes stay on).
  API_WEBHOOKS_ENABLED: boolEnv().default(true),
  // Consumer group on tickets.v1; every API replica of one environment joins the same one.
  API_WEBHOOK_GROUP_ID: z.string().min(1).default('api-webhooks'),
  // A receiver must answer 2xx within this.
  API_WEBHOOK_TIMEOUT: duration().default(10_000),
  // Attempts before a delivery is dead (the first try counts).
  API_WEBHOOK_MAX_ATTEMPTS: int({ min: 1, max: 100 }).default(defaultRetrySettings.maxAttempts),
  // Ceiling of the jittered wait after the first failure; doubles per attempt.
  API_WEBHOOK_BACKOFF_BASE: duration().default(defaultRetrySettings.backoffBaseMs),
  // Cap of that ceiling.
  API_WEBHOOK_BACKOFF_MAX: duration().default(defaultRetrySettings.backoffMaxMs),
  // Deliveries attempted side by side per replica.
  API_WEBHOOK_CONCURRENCY: int({ min: 1, max: 200 }).default(10),
  // Delivered and dead deliveries (with their attempts) older than this many hours are pruned hourly; 0 keeps them.
  API_WEBHOOK_RETENTION_HOURS: int({ min: 0, max: 24 * 3650 }).default(defaultDeliveryRetentionHours),
}

export type WebhookEnv = z.output<z.ZodObject<typeof webhookEnv>>

export function webhookSettings (config: WebhookEnv) {
  return {
    enabled: config.API_WEBHOOKS_ENABLED,
    groupId: config.API_WEBHOOK_GROUP_ID,
    timeoutMs: config.API_WEBHOOK_TIMEOUT,
    concurrency: config.API_WEBHOOK_CONCURRENCY,
    retentionMs: deliveryRetentionMs(config.API_WEBHOOK_RETENTION_HOURS),
    retry: { maxAttempts: config.API_WEBHOOK_MAX_ATTEMPTS, backoffBaseMs: config.API_WEBHOOK_BACKOFF_BASE, backoffMaxMs: config.API_WEBHOOK_BACKOFF_MAX },
  }
}

/** A retention in hours (as configured) as the webhook service takes it. */
export function deliveryRetentionMs (hours: number): number {
  return hours * 60 * 60 * 1000
}
