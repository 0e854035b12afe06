import { z } from 'zod'
import { duration, int, kafkaEnv, kafkaFetchEnv, observabilityEnv, postgresEnv, redisEnv, url } from '@earshot/config'
import { defaultRetentionHours } from './retention.js'

export const routerConfigSchema = z.object({
  // Kafka
  ...kafkaEnv,
  ...kafkaFetchEnv,
  KAFKA_CLIENT_ID: z.string().default('earshot-router'),
  // Partitions for topics this service creates when missing (mentions.classified.v1, tickets.v1); scale consumers up to it.
  ROUTER_TOPIC_PARTITIONS: int({ min: 1, max: 1000 }).default(6),
  // Consumer group of the router replicas (one group per environment).
  ROUTER_GROUP_ID: z.string().min(1).default('router'),
  // A replica silent this long is presumed dead and its partitions move to the others.
  ROUTER_SESSION_TIMEOUT: duration().default(30_000),
  // Postgres
  ...postgresEnv,
  // Redis: the sliding windows of spike detection and the claims that keep X replies to one post; without REDIS_URL spikes are not detected.
  REDIS_URL: redisEnv.REDIS_URL.optional(),
  REDIS_KEY_PREFIX: redisEnv.REDIS_KEY_PREFIX,
  // Triage
  // Folder of <tenantId>.yaml policies; tenants without one get the default policy.
  ROUTER_POLICIES_DIR: z.string().min(1).optional(),
  // How often versions published through the API (policy_versions) are looked for; they override the files.
  ROUTER_POLICY_REFRESH: duration().default(10_000),
  // A conversation whose ticket closed less than this long ago reopens it.
  ROUTER_REOPEN_WINDOW: duration().default(72 * 60 * 60 * 1000),
  // How often due follow-ups and SLA checks are looked for.
  ROUTER_SCHEDULER_INTERVAL: duration().default(1000),
  // Retention: relayed outbox rows (ticket events already on tickets.v1) and fired or cancelled schedules older than
  // this many hours are deleted, hourly by default; 0 keeps them forever. Tickets and mentions are never pruned.
  ROUTER_OUTBOX_RETENTION_HOURS: int({ min: 0, max: 24 * 3650 }).default(defaultRetentionHours.outbox),
  ROUTER_SCHEDULE_RETENTION_HOURS: int({ min: 0, max: 24 * 3650 }).default(defaultRetentionHours.schedules),
  ROUTER_RETENTION_INTERVAL: duration().default(60 * 60 * 1000),
  // X
  // OAuth 2.0 user-context access token (scope tweet.write) of the brand account that posts auto acknowledgements; app-only
  // bearer tokens (ingest-x's X_BEARER_TOKEN) cannot post. Unset: X tickets' auto acknowledgements are left for a moderator.
  ROUTER_X_USER_TOKEN: z.string().min(1).describe('an OAuth 2.0 user-context access token with tweet.write (app-only bearer tokens cannot post)').optional(),
  // Only tests and proxies change it; any other value is used as `<base>/2/`.
  X_API_BASE_URL: url(['http', 'https']).default('https://api.x.com'),
  // A reply not answered by then is "in doubt" (X may have posted it) and is not sent again.
  X_REQUEST_TIMEOUT: duration().default(15_000),
  // Observability
  ...observabilityEnv,
}).superRefine((config, ctx) => {
  if (config.ROUTER_X_USER_TOKEN !== undefined && config.REDIS_URL === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['REDIS_URL'],
      message: 'required when ROUTER_X_USER_TOKEN is set: X replies are claimed in Redis so that each is posted once; set REDIS_URL or unset ROUTER_X_USER_TOKEN',
    })
  }
})

export type RouterConfig = z.output<typeof routerConfigSchema>
