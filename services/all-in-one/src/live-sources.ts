import type { Bus } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import { type Env, loadConfigOrExit } from '@earshot/config'
import { loadSourcesFile } from '@earshot/ingest'
import { configSchema as xConfigSchema, createApp as createXIngest, createXClient } from '@earshot/ingest-x'
import type { Logger, Metrics } from '@earshot/observability'

export interface LiveSourcesDeps {
  bus: Bus
  cache: Cache
  metrics: Metrics
  logger: Logger
  env: Env
}

/** What `--live` needs from ingest-x's configuration: its Kafka and Redis settings are the embedded ones. */
const liveXConfigSchema = xConfigSchema.pick({
  X_BEARER_TOKEN: true, X_API_BASE_URL: true, X_REQUEST_TIMEOUT: true, X_MAX_RESULTS: true, INGEST_SOURCES_FILE: true, INGEST_DEDUPE_TTL: true,
})

/**
 * `--live`: the real sources beside the sample traffic, on the same memory bus and cache. X today
 * (X_BEARER_TOKEN + INGEST_SOURCES_FILE, as for services/ingest-x); a missing variable stops the
 * start with its name. Returns the stop function.
 */
export async function startLiveSources (deps: LiveSourcesDeps): Promise<() => Promise<void>> {
  const config = loadConfigOrExit(liveXConfigSchema, { env: deps.env })
  const sources = loadSourcesFile(config.INGEST_SOURCES_FILE)
  const producer = deps.bus.producer({ lingerMs: 2 })
  const x = createXIngest({
    config,
    sources,
    client: createXClient({ bearerToken: config.X_BEARER_TOKEN, baseUrl: config.X_API_BASE_URL }),
    producer,
    cache: deps.cache,
    metrics: deps.metrics,
    logger: deps.logger,
  })
  x.start()
  return async () => {
    await x.stop()
    await producer.close()
  }
}
