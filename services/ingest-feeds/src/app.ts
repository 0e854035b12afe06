import type { Producer } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import { createIngestMetrics, type SourceDefinition, SourcePoller, type SourcePollerOptions } from '@earshot/ingest'
import type { Logger, Metrics } from '@earshot/observability'
import type { Config } from './config.js'
import { createFeedConnector, parseFeedSourceSettings } from './feed-connector.js'
import { createFeedFetcher, type ResolveHost } from './feed-fetcher.js'
import { createFeedMetrics } from './metrics.js'

export interface AppDeps {
  config: Pick<Config, 'FEEDS_ALLOWED_HOSTS' | 'FEEDS_REQUEST_TIMEOUT' | 'FEEDS_MAX_BODY_BYTES' | 'FEEDS_MAX_REDIRECTS' | 'FEEDS_USER_AGENT' | 'FEEDS_MAX_ITEM_AGE' | 'INGEST_DEDUPE_TTL'>
  sources: SourceDefinition[]
  producer: Producer
  cache: Cache
  metrics: Metrics
  logger: Logger
  /** Tests resolve made-up host names to the fake server. */
  resolve?: ResolveHost
  /** Tests shorten backoff and breaker timings. */
  poller?: Pick<SourcePollerOptions, 'backoff' | 'breaker' | 'now'>
}

/** One SourcePoller per configured feed source, built without I/O; `start()` begins polling, `stop()` ends it. */
export function createApp ({ config, sources, producer, cache, metrics, logger, resolve, poller }: AppDeps) {
  const log = logger.child({ component: 'ingest-feeds' })
  const ingestMetrics = createIngestMetrics(metrics)
  const feedMetrics = createFeedMetrics(metrics)
  const fetcher = createFeedFetcher({
    allowedHosts: config.FEEDS_ALLOWED_HOSTS,
    timeoutMs: config.FEEDS_REQUEST_TIMEOUT,
    maxBodyBytes: config.FEEDS_MAX_BODY_BYTES,
    maxRedirects: config.FEEDS_MAX_REDIRECTS,
    userAgent: config.FEEDS_USER_AGENT,
    ...(resolve === undefined ? {} : { resolve }),
    ...(poller?.now === undefined ? {} : { now: poller.now }),
  })
  const feedSources = sources.filter((source) => source.platform === 'feed')
  const pollers = feedSources.map((source, index) => {
    const settings = parseFeedSourceSettings(source.settings, `sources[${index}] (${source.tenantId}/${source.sourceId})`)
    const connector = createFeedConnector({
      fetcher,
      source,
      settings,
      metrics: feedMetrics,
      ingestMetrics,
      maxItemAgeMs: config.FEEDS_MAX_ITEM_AGE,
      ...(poller?.now === undefined ? {} : { now: poller.now }),
    })
    return new SourcePoller({ source, connector, producer, cache, metrics: ingestMetrics, logger, dedupeTtlMs: config.INGEST_DEDUPE_TTL, ...poller })
  })

  return {
    pollers,
    start (): void {
      log.info({ sources: feedSources.map((s) => `${s.tenantId}/${s.sourceId}`), ignored: sources.length - feedSources.length }, 'polling feeds')
      for (const p of pollers) p.start()
    },
    async stop (): Promise<void> {
      await Promise.all(pollers.map(async (p) => { await p.stop() }))
    },
  }
}

export type App = ReturnType<typeof createApp>
