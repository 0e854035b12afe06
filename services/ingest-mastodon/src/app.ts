import type { Producer } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import { createIngestMetrics, type ReconnectPolicy, SourcePoller, type SourcePollerOptions, StreamRunner } from '@earshot/ingest'
import type { Logger, Metrics } from '@earshot/observability'
import { type AccessTokens, type Config, sourceKey } from './config.js'
import { createMastodonClient } from './mastodon-client.js'
import { createMastodonConnector } from './mastodon-connector.js'
import { createMastodonStreamConnector } from './mastodon-stream.js'
import type { MastodonSource } from './sources.js'

export interface AppDeps {
  config: Pick<Config, 'MASTODON_REQUEST_TIMEOUT' | 'MASTODON_PAGE_LIMIT' | 'MASTODON_MAX_PAGES_PER_POLL' | 'INGEST_DEDUPE_TTL'>
  sources: MastodonSource[]
  /** Access tokens by `tenantId/sourceId` (readAccessTokens). */
  tokens: AccessTokens
  producer: Producer
  cache: Cache
  metrics: Metrics
  logger: Logger
  /** Tests shorten backoff and breaker timings. */
  poller?: Pick<SourcePollerOptions, 'backoff' | 'breaker' | 'now'>
  /** Tests shorten the reconnect ladders and the keep-alive watchdog. */
  stream?: { reconnect?: ReconnectPolicy, keepAliveTimeoutMs?: number }
}

/**
 * Per Mastodon source, built without I/O: a SourcePoller over notifications or a hashtag timeline,
 * or, for `streaming: true` sources, a StreamRunner on the streaming API whose backfill after every
 * (re)connect is that same poll. Each source has its own instance, token and connection, so several
 * tenants (and instances) share one process. `start()` begins, `stop()` ends.
 */
export function createApp ({ config, sources, tokens, producer, cache, metrics, logger, poller, stream }: AppDeps) {
  const log = logger.child({ component: 'ingest-mastodon' })
  const ingestMetrics = createIngestMetrics(metrics)
  const now = poller?.now === undefined ? {} : { now: poller.now }
  const pollers: SourcePoller[] = []
  const streams: StreamRunner[] = []

  for (const source of sources) {
    const token = tokens.get(sourceKey(source))
    if (token === undefined) throw new TypeError(`no access token for ${sourceKey(source)}: pass readAccessTokens(sources)`)
    const settings = source.mastodon
    const client = createMastodonClient({ instanceUrl: settings.instanceUrl, accessToken: token, requestTimeoutMs: config.MASTODON_REQUEST_TIMEOUT, ...now })
    const labels = { tenant: source.tenantId, source: source.sourceId, platform: source.platform }
    const common = {
      tenantId: source.tenantId,
      sourceId: source.sourceId,
      settings,
      brandAccounts: source.brandAccounts ?? [],
      onFiltered: (reason: string) => { ingestMetrics.filtered.inc({ ...labels, reason }) },
      ...now,
    }
    const connector = createMastodonConnector({ ...common, client, pageLimit: config.MASTODON_PAGE_LIMIT, maxPagesPerPoll: config.MASTODON_MAX_PAGES_PER_POLL })
    if (!settings.streaming) {
      pollers.push(new SourcePoller({ source, connector, producer, cache, metrics: ingestMetrics, logger, dedupeTtlMs: config.INGEST_DEDUPE_TTL, ...poller }))
      continue
    }
    streams.push(new StreamRunner({
      name: `mastodon-${settings.kind}:${sourceKey(source)}`,
      sources: [{ source, backfill: connector }],
      connector: createMastodonStreamConnector({ ...common, client }),
      producer,
      cache,
      metrics: ingestMetrics,
      logger,
      dedupeTtlMs: config.INGEST_DEDUPE_TTL,
      // Mastodon's streaming server sends `:thump` every 15 s or so; a little slack avoids needless reconnects.
      keepAliveTimeoutMs: stream?.keepAliveTimeoutMs ?? 45_000,
      ...(stream?.reconnect === undefined ? {} : { reconnect: stream.reconnect }),
      ...(poller?.backoff === undefined ? {} : { backoff: poller.backoff }),
      ...(poller?.breaker === undefined ? {} : { breaker: poller.breaker }),
      ...now,
    }))
  }

  return {
    pollers,
    streams,
    start (): void {
      log.info({
        polled: sources.filter((s) => !s.mastodon.streaming).map(sourceKey),
        streamed: sources.filter((s) => s.mastodon.streaming).map(sourceKey),
      }, 'reading Mastodon sources')
      for (const p of pollers) p.start()
      for (const s of streams) s.start()
    },
    async stop (): Promise<void> {
      await Promise.all([...pollers.map(async (p) => { await p.stop() }), ...streams.map(async (s) => { await s.stop() })])
    },
  }
}

export type App = ReturnType<typeof createApp>
