import { z } from 'zod'
import { brokers, duration, int, logLevel, port, url } from './env-helpers.js'

/** Shapes to spread into a service's `z.object({ ...kafkaEnv, ... })`; override a key to change its default. */
export const kafkaEnv = {
  // Bootstrap brokers; the client discovers the rest of the cluster from them.
  KAFKA_BROKERS: brokers(),
  // Names this process in broker logs and quotas; services override it with their own name.
  KAFKA_CLIENT_ID: z.string().default('earshot'),
}

/** For services that consume: unset keeps the bus's defaults (64 KiB, 40 ms). */
export const kafkaFetchEnv = {
  // A fetch returns as soon as this many bytes wait…
  KAFKA_FETCH_MIN_BYTES: int({ min: 1, max: 50 * 1024 * 1024 }).optional(),
  // …or after this long with whatever is there: the most a quiet topic adds to latency per hop.
  KAFKA_FETCH_MAX_WAIT: duration().optional(),
}

/** The fetch settings as the bus takes them; unset ones stay undefined, which keeps the bus's defaults. */
export function fetchSettingsOf (config: { KAFKA_FETCH_MIN_BYTES?: number | undefined, KAFKA_FETCH_MAX_WAIT?: number | undefined }): { minBytes?: number | undefined, maxWaitMs?: number | undefined } {
  return { minBytes: config.KAFKA_FETCH_MIN_BYTES, maxWaitMs: config.KAFKA_FETCH_MAX_WAIT }
}

export const postgresEnv = {
  // Connection string, including the database name.
  DATABASE_URL: url(['postgres', 'postgresql']).describe('a PostgreSQL URL, e.g. postgres://user@localhost:5432/earshot'),
  // Upper bound on pooled connections per process; replicas × this must stay below max_connections.
  DATABASE_POOL_MAX: int({ min: 1, max: 1000 }).default(10),
}

export const redisEnv = {
  // Connection string; rediss:// for TLS.
  REDIS_URL: url(['redis', 'rediss']).describe('a Redis URL, e.g. redis://localhost:6379'),
  // Prepended to every key, so environments (and test runs) can share one Redis.
  REDIS_KEY_PREFIX: z.string().default('earshot:'),
}

export const observabilityEnv = {
  // Minimum pino level written to stdout.
  LOG_LEVEL: logLevel().default('info'),
  // Port of the /healthz, /readyz and /metrics server (9464: the usual Prometheus exporter port, clear of the API's).
  HTTP_PORT: port().default(9464),
  // Deadline for graceful shutdown, under Kubernetes' default 30 s grace period so we log what hung before SIGKILL.
  SHUTDOWN_TIMEOUT: duration().default(25_000),
}
