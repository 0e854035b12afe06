import type { Producer } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import { createIngestMetrics, type SourceDefinition, SourcePoller, type SourcePollerOptions } from '@earshot/ingest'
import type { Logger, Metrics } from '@earshot/observability'
import type { Config } from './config.js'
import { createXConnector, parseXSourceSettings } from './x-connector.js'
import type { XClient } from './x-client.js'

export interface AppDeps {
  config: Pick<Config, 'X_MAX_RESULTS' | 'X_REQUEST_TIMEOUT' | 'INGEST_DEDUPE_TTL'>
  sources: SourceDefinition[]
  client: XClient
  producer: Producer
  cache: Cache
  metrics: Metrics
  logger: Logger
  /** Tests shorten backoff and breaker timings. */
  poller?: Pick<SourcePollerOptions, 'backoff' | 'breaker' | 'now'>
}

/** One SourcePoller per configured X source, built without I/O; `start()` begins polling, `stop()` ends it. */
export function createApp ({ config, sources, client, producer, cache, metrics, logger, poller }: AppDeps) {
  const log = logger.child({ component: 'ingest-x' })
  const ingestMetrics = createIngestMetrics(metrics)
  const xSources = sources.filter((source) => source.platform === 'x')
  const pollers = xSources.map((source, index) => {
    const settings = parseXSourceSettings(source.settings, `sources[${index}] (${source.tenantId}/${source.sourceId})`)
    const connector = createXConnector({
      client,
      tenantId: source.tenantId,
      sourceId: source.sourceId,
      settings,
      maxResults: settings.kind === 'search' ? Math.max(10, config.X_MAX_RESULTS) : config.X_MAX_RESULTS,
      requestTimeoutMs: config.X_REQUEST_TIMEOUT,
      ...(poller?.now === undefined ? {} : { now: poller.now }),
    })
    return new SourcePoller({ source, connector, producer, cache, metrics: ingestMetrics, logger, dedupeTtlMs: config.INGEST_DEDUPE_TTL, ...poller })
  })

  return {
    pollers,
    start (): void {
      log.info({ sources: xSources.map((s) => `${s.tenantId}/${s.sourceId}`), ignored: sources.length - xSources.length }, 'polling X sources')
      for (const p of pollers) p.start()
    },
    async stop (): Promise<void> {
      await Promise.all(pollers.map(async (p) => { await p.stop() }))
    },
  }
}

export type App = ReturnType<typeof createApp>
