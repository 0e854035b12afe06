import { z } from 'zod'
import { duration, int, kafkaEnv, observabilityEnv, redisEnv, url } from '@earshot/config'

export const configSchema = z.object({
  // Kafka
  ...kafkaEnv,
  KAFKA_CLIENT_ID: z.string().default('earshot-ingest-youtube'),
  // Redis (checkpoints, dedupe, daily quota used per source)
  ...redisEnv,
  // Observability
  ...observabilityEnv,
  // YouTube
  // An API key of a Google Cloud project with the YouTube Data API v3 enabled; public comments need no OAuth.
  YOUTUBE_API_KEY: z.string().min(1).describe('an API key of a Google Cloud project with the YouTube Data API v3 enabled'),
  // Only tests and proxies change it; requests go to `<base>/youtube/v3/...`.
  YOUTUBE_API_BASE_URL: url(['http', 'https']).default('https://www.googleapis.com'),
  // A request that has not completed by then counts as a network error (backoff and retry).
  YOUTUBE_REQUEST_TIMEOUT: duration().default(15_000),
  // Threads per page; 100 is the maximum, and every page costs one unit whatever its size.
  YOUTUBE_PAGE_SIZE: int({ min: 1, max: 100 }).default(100),
  // Pages per poll at most; a longer backlog continues from the page token on the next poll.
  YOUTUBE_MAX_PAGES: int({ min: 1, max: 10_000 }).default(50),
  // Units each source may spend per Pacific day unless its settings say `dailyUnits`. The project's
  // default 10,000 is shared by every source and by replies (comments.insert costs 50), so one
  // source takes a fifth: one poll of one page every ~45 s.
  YOUTUBE_SOURCE_DAILY_UNITS: int({ min: 1, max: 10_000_000 }).default(2000),
  // Ingest
  // JSON file with { "sources": [...] } (see @earshot/ingest parseSourcesConfig); only platform "youtube" sources are read here.
  INGEST_SOURCES_FILE: z.string().min(1).describe('the path of the sources JSON file, e.g. ./sources.json'),
  // How long a published mention id is remembered for dedupe; longer than any re-read after a crash.
  INGEST_DEDUPE_TTL: duration().default(7 * 24 * 60 * 60_000),
})

export type Config = z.output<typeof configSchema>
