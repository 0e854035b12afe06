import type { Producer } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import { createIngestMetrics, type SourceDefinition, SourcePoller, type SourcePollerOptions } from '@earshot/ingest'
import type { Logger, Metrics } from '@earshot/observability'
import type { Config } from './config.js'
import type { RedditClient } from './reddit-client.js'
import { createRedditConnector, parseRedditSourceSettings } from './reddit-connector.js'

export interface AppDeps {
  config: Pick<Config, 'REDDIT_PAGE_SIZE' | 'REDDIT_MAX_PAGES' | 'INGEST_DEDUPE_TTL'>
  sources: SourceDefinition[]
  client: RedditClient
  producer: Producer
  cache: Cache
  metrics: Metrics
  logger: Logger
  /** Tests shorten backoff and breaker timings. */
  poller?: Pick<SourcePollerOptions, 'backoff' | 'breaker' | 'now'>
}

/** One SourcePoller per configured Reddit source, built without I/O; `start()` begins polling, `stop()` ends it. */
export function createApp ({ config, sources, client, producer, cache, metrics, logger, poller }: AppDeps) {
  const log = logger.child({ component: 'ingest-reddit' })
  const ingestMetrics = createIngestMetrics(metrics)
  const redditSources = sources.filter((source) => source.platform === 'reddit')
  const pollers = redditSources.map((source, index) => {
    const connector = createRedditConnector({
      client,
      tenantId: source.tenantId,
      sourceId: source.sourceId,
      settings: parseRedditSourceSettings(source.settings, `sources[${index}] (${source.tenantId}/${source.sourceId})`),
      pageSize: config.REDDIT_PAGE_SIZE,
      maxPages: config.REDDIT_MAX_PAGES,
      logger: log.child({ tenantId: source.tenantId, sourceId: source.sourceId }),
      ...(poller?.now === undefined ? {} : { now: poller.now }),
    })
    return new SourcePoller({ source, connector, producer, cache, metrics: ingestMetrics, logger, dedupeTtlMs: config.INGEST_DEDUPE_TTL, ...poller })
  })

  return {
    pollers,
    start (): void {
      log.info({ sources: redditSources.map((s) => `${s.tenantId}/${s.sourceId}`), ignored: sources.length - redditSources.length }, 'polling Reddit sources')
      for (const p of pollers) p.start()
    },
    async stop (): Promise<void> {
      await Promise.all(pollers.map(async (p) => { await p.stop() }))
    },
  }
}

export type App = ReturnType<typeof createApp>
