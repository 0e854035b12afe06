import { z } from 'zod'
import { csv, duration, int, kafkaEnv, observabilityEnv, redisEnv } from '@earshot/config'

const DAY = 24 * 60 * 60_000

export const configSchema = z.object({
  // Kafka
  ...kafkaEnv,
  KAFKA_CLIENT_ID: z.string().default('earshot-ingest-feeds'),
  // Redis (checkpoints with ETag/Last-Modified, dedupe)
  ...redisEnv,
  // Observability
  ...observabilityEnv,
  // Feeds
  // Hosts (names or IP literals, exactly as in the URL) allowed to resolve to loopback/private addresses; empty in production.
  FEEDS_ALLOWED_HOSTS: csv().default([]),
  // Whole exchange, redirects and body included; a slower feed counts as unavailable (backoff and retry).
  FEEDS_REQUEST_TIMEOUT: duration().default(15_000),
  // Largest body accepted after decompression; 5 MiB is far above any real feed and bounds memory per poll.
  FEEDS_MAX_BODY_BYTES: int({ min: 1024, max: 100 * 1024 * 1024 }).default(5 * 1024 * 1024),
  // Redirect hops followed per request, each checked against the address policy.
  FEEDS_MAX_REDIRECTS: int({ min: 0, max: 10 }).default(5),
  // Sent with every request so site owners can identify and contact us.
  FEEDS_USER_AGENT: z.string().min(1).default('Earshot-Feeds/0.1 (+https://github.com/earshot)'),
  // Items dated earlier than this are skipped: it must be shorter than INGEST_DEDUPE_TTL so an item a
  // feed keeps listing is never published again after its dedupe entry expires.
  FEEDS_MAX_ITEM_AGE: duration().default(3 * DAY),
  // Ingest
  // JSON file with { "sources": [...] } (see @earshot/ingest parseSourcesConfig); only platform "feed" sources are read here.
  INGEST_SOURCES_FILE: z.string().min(1).describe('the path of the sources JSON file, e.g. ./sources.json'),
  // How long a published mention id is remembered for dedupe.
  INGEST_DEDUPE_TTL: duration().default(7 * DAY),
}).superRefine((config, ctx) => {
  if (config.FEEDS_MAX_ITEM_AGE >= config.INGEST_DEDUPE_TTL) {
    ctx.addIssue({
      code: 'custom',
      path: ['FEEDS_MAX_ITEM_AGE'],
      message: `must be shorter than INGEST_DEDUPE_TTL (${config.INGEST_DEDUPE_TTL} ms), or items a feed keeps listing are published again once their dedupe entry expires; lower it or raise INGEST_DEDUPE_TTL`,
    })
  }
})

export type Config = z.output<typeof configSchema>
