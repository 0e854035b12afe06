import { z } from 'zod'
import { duration, int, kafkaEnv, observabilityEnv, port, redisEnv } from '@earshot/config'

export const configSchema = z.object({
  // Kafka
  ...kafkaEnv,
  KAFKA_CLIENT_ID: z.string().default('earshot-ingest-webhook'),
  // Redis (dedupe of retried deliveries)
  ...redisEnv,
  // Observability
  ...observabilityEnv,
  // Webhooks
  // Port of the webhook receiver; /healthz, /readyz and /metrics stay on HTTP_PORT.
  WEBHOOK_PORT: port().default(8080),
  // Larger bodies get 413 before they are read; Meta batches up to 1,000 entries, a few hundred KiB in practice.
  WEBHOOK_MAX_BODY_BYTES: int({ min: 1024, max: 64 * 1024 * 1024 }).default(1024 * 1024),
  // A generic webhook whose X-Earshot-Timestamp is further than this from our clock is refused as a possible replay.
  WEBHOOK_TIMESTAMP_TOLERANCE: duration().default(5 * 60_000),
  // A request not fully received by then is dropped (slow-client protection); Meta expects an answer within seconds.
  WEBHOOK_REQUEST_TIMEOUT: duration().default(20_000),
  // JSON file with { "sources": [...] }: facebook pages, instagram accounts and generic (webchat) sources per tenant.
  INGEST_SOURCES_FILE: z.string().min(1).describe('the path of the webhook sources JSON file, e.g. ./sources.json'),
  // How long a published mention id is remembered, so a retried delivery publishes nothing twice; Meta retries for up to 36 h.
  INGEST_DEDUPE_TTL: duration().default(7 * 24 * 60 * 60_000),
  // Meta
  // The app secret Meta signs X-Hub-Signature-256 with (App Dashboard → Settings → Basic); needed when facebook/instagram sources exist.
  META_APP_SECRET: z.string().min(1).optional(),
  // The token we chose when subscribing; Meta echoes it as hub.verify_token in the GET handshake.
  META_VERIFY_TOKEN: z.string().min(1).optional(),
}).superRefine((config, ctx) => {
  if ((config.META_APP_SECRET === undefined) !== (config.META_VERIFY_TOKEN === undefined)) {
    const missing = config.META_APP_SECRET === undefined ? 'META_APP_SECRET' : 'META_VERIFY_TOKEN'
    ctx.addIssue({ code: 'custom', path: [missing], message: 'set META_APP_SECRET and META_VERIFY_TOKEN together (or neither, without Meta sources)' })
  }
})

export type Config = z.output<typeof configSchema>
