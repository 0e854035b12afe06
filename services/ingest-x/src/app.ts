import type { Producer } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import {
  createIngestMetrics, type ReconnectPolicy, type SourceDefinition, SourcePoller, type SourcePollerOptions, StreamRunner, type StreamSource,
} from '@earshot/ingest'
import type { Logger, Metrics } from '@earshot/observability'
import type { XClient } from '@earshot/platform-x'
import type { Config } from './config.js'
import { createXConnector, parseXSourceSettings } from './x-connector.js'
import { createXBackfillConnector, createXStreamConnector, type XStreamSource } from './x-stream.js'

export interface AppDeps {
  config: Pick<Config, 'X_MAX_RESULTS' | 'X_REQUEST_TIMEOUT' | 'INGEST_DEDUPE_TTL'> & Partial<Pick<Config, 'X_STREAM_KEEPALIVE_TIMEOUT'>>
  sources: SourceDefinition[]
  client: XClient
  producer: Producer
  cache: Cache
  metrics: Metrics
  logger: Logger
  /** Tests shorten backoff and breaker timings. */
  poller?: Pick<SourcePollerOptions, 'backoff' | 'breaker' | 'now'>
  /** Tests shorten X's reconnect ladders. */
  reconnect?: ReconnectPolicy
}

/**
 * One SourcePoller per mentions/search source and one StreamRunner for every `stream` source
 * (X allows one filtered-stream connection per app), built without I/O; `start()` begins, `stop()` ends.
 */
export function createApp ({ config, sources, client, producer, cache, metrics, logger, poller, reconnect }: AppDeps) {
  const log = logger.child({ component: 'ingest-x' })
  const ingestMetrics = createIngestMetrics(metrics)
  const xSources = sources.filter((source) => source.platform === 'x')
  const pollers: SourcePoller[] = []
  const polled: SourceDefinition[] = []
  const streamSources: Array<StreamSource & { x: XStreamSource }> = []
  for (const [index, source] of xSources.entries()) {
    const settings = parseXSourceSettings(source.settings, `sources[${index}] (${source.tenantId}/${source.sourceId})`)
    const now = poller?.now === undefined ? {} : { now: poller.now }
    if (settings.kind === 'stream') {
      const x: XStreamSource = { tenantId: source.tenantId, sourceId: source.sourceId, rules: settings.rules }
      const backfill = createXBackfillConnector({ client, source: x, maxResults: config.X_MAX_RESULTS, requestTimeoutMs: config.X_REQUEST_TIMEOUT, ...now })
      streamSources.push({ source, backfill, x })
      continue
    }
    const connector = createXConnector({
      client,
      tenantId: source.tenantId,
      sourceId: source.sourceId,
      settings,
      maxResults: settings.kind === 'search' ? Math.max(10, config.X_MAX_RESULTS) : config.X_MAX_RESULTS,
      requestTimeoutMs: config.X_REQUEST_TIMEOUT,
      ...now,
    })
    polled.push(source)
    pollers.push(new SourcePoller({ source, connector, producer, cache, metrics: ingestMetrics, logger, dedupeTtlMs: config.INGEST_DEDUPE_TTL, ...poller }))
  }

  const stream = streamSources.length === 0
    ? undefined
    : new StreamRunner({
      name: 'x-filtered-stream',
      sources: streamSources.map(({ source, backfill }) => ({ source, backfill })),
      connector: createXStreamConnector({ client, sources: streamSources.map((s) => s.x), logger, ...(poller?.now === undefined ? {} : { now: poller.now }) }),
      producer,
      cache,
      metrics: ingestMetrics,
      logger,
      dedupeTtlMs: config.INGEST_DEDUPE_TTL,
      ...(config.X_STREAM_KEEPALIVE_TIMEOUT === undefined ? {} : { keepAliveTimeoutMs: config.X_STREAM_KEEPALIVE_TIMEOUT }),
      ...(reconnect === undefined ? {} : { reconnect }),
      ...(poller?.backoff === undefined ? {} : { backoff: poller.backoff }),
      ...(poller?.breaker === undefined ? {} : { breaker: poller.breaker }),
      ...(poller?.now === undefined ? {} : { now: poller.now }),
    })

  return {
    pollers,
    /** The filtered-stream runner, when any source has `kind: "stream"`. */
    stream,
    start (): void {
      log.info({
        polled: polled.map((s) => `${s.tenantId}/${s.sourceId}`),
        streamed: streamSources.map((s) => `${s.source.tenantId}/${s.source.sourceId}`),
        ignored: sources.length - xSources.length,
      }, 'reading X sources')
      for (const p of pollers) p.start()
      stream?.start()
    },
    async stop (): Promise<void> {
      await Promise.all([...pollers.map(async (p) => { await p.stop() }), stream?.stop()])
    },
  }
}

export type App = ReturnType<typeof createApp>
