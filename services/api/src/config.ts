import { z } from 'zod'
import { boolEnv, duration, int, kafkaEnv, kafkaFetchEnv, observabilityEnv, port, postgresEnv } from '@earshot/config'
import { webhookEnv } from './webhooks/index.js'

export const apiConfigSchema = z.object({
  // HTTP
  // The API port; /healthz, /readyz and /metrics are served on it too.
  HTTP_PORT: port().default(3000),
  // Bind address; 0.0.0.0 so a container's port mapping reaches it.
  API_HOST: z.string().min(1).default('0.0.0.0'),
  // Requests per principal (or per IP before sign-in) per API_RATE_LIMIT_WINDOW.
  API_RATE_LIMIT_MAX: int({ min: 1 }).default(600),
  // The window of API_RATE_LIMIT_MAX.
  API_RATE_LIMIT_WINDOW: duration().default(60_000),
  // How long a console session lasts after sign-in.
  API_SESSION_TTL: duration().default(7 * 24 * 60 * 60 * 1000),
  // Mark the session cookie Secure (set when served over HTTPS, i.e. everywhere but localhost).
  API_COOKIE_SECURE: boolEnv().default(false),
  // How often the live feed (GET /v1/events) polls the outbox for new tickets.v1 events.
  API_EVENTS_POLL_INTERVAL: duration().default(500),
  // A JSON file { "<tenantId>": [ { id, platform, ... } ] } listed by GET /v1/tenants/:id/sources; unset lists none.
  API_SOURCES_FILE: z.string().min(1).optional(),
  // Trust X-Forwarded-For from the load balancer, so per-IP rate limits key on the client's address.
  API_TRUST_PROXY: boolEnv().default(false),
  // Postgres
  ...postgresEnv,
  // Kafka: outbound webhooks consume tickets.v1 (the live feed reads the outbox and needs no Kafka).
  ...kafkaEnv,
  ...kafkaFetchEnv,
  KAFKA_CLIENT_ID: z.string().default('earshot-api'),
  ...webhookEnv,
  // Observability
  LOG_LEVEL: observabilityEnv.LOG_LEVEL,
  SHUTDOWN_TIMEOUT: observabilityEnv.SHUTDOWN_TIMEOUT,
})

export type ApiConfig = z.output<typeof apiConfigSchema>
