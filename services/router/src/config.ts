import { z } from 'zod'
import { duration, int, kafkaEnv, observabilityEnv, postgresEnv, redisEnv } from '@earshot/config'

export const routerConfigSchema = z.object({
  // Kafka
  ...kafkaEnv,
  KAFKA_CLIENT_ID: z.string().default('earshot-router'),
  // Partitions for topics this service creates when missing (mentions.classified.v1, tickets.v1); scale consumers up to it.
  ROUTER_TOPIC_PARTITIONS: int({ min: 1, max: 1000 }).default(6),
  // Consumer group of the router replicas (one group per environment).
  ROUTER_GROUP_ID: z.string().min(1).default('router'),
  // A replica silent this long is presumed dead and its partitions move to the others.
  ROUTER_SESSION_TIMEOUT: duration().default(30_000),
  // Postgres
  ...postgresEnv,
  // Redis: the sliding windows of spike detection; without REDIS_URL spikes are not detected.
  REDIS_URL: redisEnv.REDIS_URL.optional(),
  REDIS_KEY_PREFIX: redisEnv.REDIS_KEY_PREFIX,
  // Triage
  // Folder of <tenantId>.yaml policies; tenants without one get the default policy.
  ROUTER_POLICIES_DIR: z.string().min(1).optional(),
  // A conversation whose ticket closed less than this long ago reopens it.
  ROUTER_REOPEN_WINDOW: duration().default(72 * 60 * 60 * 1000),
  // How often due follow-ups and SLA checks are looked for.
  ROUTER_SCHEDULER_INTERVAL: duration().default(1000),
  // Observability
  ...observabilityEnv,
})

export type RouterConfig = z.output<typeof routerConfigSchema>
