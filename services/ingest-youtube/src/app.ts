import type { Producer } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import { createIngestMetrics, type SourceDefinition, SourcePoller, type SourcePollerOptions } from '@earshot/ingest'
import type { Logger, Metrics } from '@earshot/observability'
import type { Config } from './config.js'
import { createQuotaBudget } from './quota.js'
import type { YouTubeClient } from './youtube-client.js'
import { createYouTubeConnector, parseYouTubeSourceSettings } from './youtube-connector.js'

export interface AppDeps {
  config: Pick<Config, 'YOUTUBE_PAGE_SIZE' | 'YOUTUBE_MAX_PAGES' | 'YOUTUBE_SOURCE_DAILY_UNITS' | 'INGEST_DEDUPE_TTL'>
  sources: SourceDefinition[]
  client: YouTubeClient
  producer: Producer
  cache: Cache
  metrics: Metrics
  logger: Logger
  /** Tests shorten backoff and breaker timings, and move the clock towards midnight Pacific. */
  poller?: Pick<SourcePollerOptions, 'backoff' | 'breaker' | 'now'>
}

/** One SourcePoller per configured YouTube source, built without I/O; `start()` begins polling, `stop()` ends it. */
export function createApp ({ config, sources, client, producer, cache, metrics, logger, poller }: AppDeps) {
  const log = logger.child({ component: 'ingest-youtube' })
  const ingestMetrics = createIngestMetrics(metrics)
  const youtubeSources = sources.filter((source) => source.platform === 'youtube')
  const pollers = youtubeSources.map((source, index) => {
    const settings = parseYouTubeSourceSettings(source.settings, `sources[${index}] (${source.tenantId}/${source.sourceId})`)
    const unitsPerDay = settings.dailyUnits ?? config.YOUTUBE_SOURCE_DAILY_UNITS
    const connector = createYouTubeConnector({
      client,
      budget: createQuotaBudget({ cache, name: `${source.tenantId}:${source.sourceId}`, unitsPerDay }),
      unitsPerDay,
      tenantId: source.tenantId,
      sourceId: source.sourceId,
      settings,
      pageSize: config.YOUTUBE_PAGE_SIZE,
      maxPages: config.YOUTUBE_MAX_PAGES,
      ...(poller?.now === undefined ? {} : { now: poller.now }),
    })
    return new SourcePoller({ source, connector, producer, cache, metrics: ingestMetrics, logger, dedupeTtlMs: config.INGEST_DEDUPE_TTL, ...poller })
  })

  return {
    pollers,
    start (): void {
      log.info({ sources: youtubeSources.map((s) => `${s.tenantId}/${s.sourceId}`), ignored: sources.length - youtubeSources.length }, 'polling YouTube sources')
      for (const p of pollers) p.start()
    },
    async stop (): Promise<void> {
      await Promise.all(pollers.map(async (p) => { await p.stop() }))
    },
  }
}

export type App = ReturnType<typeof createApp>
