import { z } from 'zod'
import { duration, int, kafkaEnv, observabilityEnv, redisEnv, url } from '@earshot/config'

export const configSchema = z.object({
  // Kafka
  ...kafkaEnv,
  KAFKA_CLIENT_ID: z.string().default('earshot-ingest-x'),
  // Redis (checkpoints, dedupe)
  ...redisEnv,
  // Observability
  ...observabilityEnv,
  // X
  // App-only bearer token for reading mentions and search (a user-context token also works).
  X_BEARER_TOKEN: z.string().min(1).describe('the app\'s bearer token from the X developer portal'),
  // Only tests and proxies change it; any other value is used as `<base>/2/`.
  X_API_BASE_URL: url(['http', 'https']).default('https://api.x.com'),
  // A request that has not completed by then counts as a network error (backoff and retry).
  X_REQUEST_TIMEOUT: duration().default(15_000),
  // Tweets per page; 100 is X's maximum and costs the fewest requests from the rate budget.
  X_MAX_RESULTS: int({ min: 10, max: 100 }).default(100),
  // Filtered stream: no tweet or keep-alive for this long drops and reconnects (X sends a keep-alive every 20 s; the slack absorbs late ones).
  X_STREAM_KEEPALIVE_TIMEOUT: duration().default(21_000),
  // Ingest
  // JSON file with { "sources": [...] } (see @earshot/ingest parseSourcesConfig); only platform "x" sources are read here.
  INGEST_SOURCES_FILE: z.string().min(1).describe('the path of the sources JSON file, e.g. ./sources.json'),
  // How long a published mention id is remembered for dedupe; longer than any re-read after a crash.
  INGEST_DEDUPE_TTL: duration().default(7 * 24 * 60 * 60_000),
})

export type Config = z.output<typeof configSchema>
