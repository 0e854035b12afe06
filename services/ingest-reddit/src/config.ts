import { z } from 'zod'
import { duration, int, kafkaEnv, observabilityEnv, redisEnv, url } from '@earshot/config'

export const configSchema = z.object({
  // Kafka
  ...kafkaEnv,
  KAFKA_CLIENT_ID: z.string().default('earshot-ingest-reddit'),
  // Redis (checkpoints, dedupe)
  ...redisEnv,
  // Observability
  ...observabilityEnv,
  // Reddit
  // The "script"/"web" app's client id from https://www.reddit.com/prefs/apps (application-only OAuth).
  REDDIT_CLIENT_ID: z.string().min(1).describe('the client id of the Reddit app (https://www.reddit.com/prefs/apps)'),
  // The app's secret; sent only to the token endpoint, as basic auth.
  REDDIT_CLIENT_SECRET: z.string().min(1).describe('the client secret of the Reddit app'),
  // Reddit throttles or blocks generic agents; its rules ask for `<platform>:<app id>:<version> (by /u/<user>)`.
  REDDIT_USER_AGENT: z.string().regex(/^\S+:\S+.* \(by \/u\/[A-Za-z0-9_-]{3,20}\)$/, 'expected "<platform>:<app id>:<version> (by /u/<reddit user>)", e.g. "server:earshot:0.1.0 (by /u/acme_support)"')
    .describe('a descriptive user agent, e.g. "server:earshot:0.1.0 (by /u/acme_support)"'),
  // Only tests and proxies change these two: data calls go to the OAuth host, token requests to www.
  REDDIT_API_BASE_URL: url(['http', 'https']).default('https://oauth.reddit.com'),
  REDDIT_TOKEN_URL: url(['http', 'https']).default('https://www.reddit.com/api/v1/access_token'),
  // A request that has not completed by then counts as a network error (backoff and retry).
  REDDIT_REQUEST_TIMEOUT: duration().default(15_000),
  // Items per listing page; 100 is Reddit's maximum and costs the fewest requests.
  REDDIT_PAGE_SIZE: int({ min: 1, max: 100 }).default(100),
  // Pages read per poll at most; listings end at ~1,000 items, so 10 pages of 100 reach the end.
  REDDIT_MAX_PAGES: int({ min: 1, max: 1000 }).default(10),
  // Ingest
  // JSON file with { "sources": [...] } (see @earshot/ingest parseSourcesConfig); only platform "reddit" sources are read here.
  INGEST_SOURCES_FILE: z.string().min(1).describe('the path of the sources JSON file, e.g. ./sources.json'),
  // How long a published mention id is remembered for dedupe; longer than any re-read after a crash.
  INGEST_DEDUPE_TTL: duration().default(7 * 24 * 60 * 60_000),
})

export type Config = z.output<typeof configSchema>
