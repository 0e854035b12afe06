import { type Producer, sleep } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import { errorMessage } from '@earshot/errors'
import type { Logger } from '@earshot/observability'
import type { BreakerOptions } from './circuit-breaker.js'
import type { IngestItem, PollingConnector, StreamEvent, StreamingConnector } from './connector.js'
import { RateLimitedError, SourceRejectedError, SourceUnavailableError } from './errors.js'
import type { IngestMetrics } from './metrics.js'
import { publishMentions, type SourcedItem } from './publish-mentions.js'
import { SourceHealth } from './source-health.js'
import { sourceCheckpointName, SourcePoller } from './source-poller.js'
import type { SourceConfig } from './source.js'

/** Why a connection attempt failed, which picks the backoff ladder. */
export type DisconnectKind = 'network' | 'http' | 'rate_limit'

/**
 * How long to wait before reconnecting. The first reconnect after an established connection dropped
 * is immediate; each failed attempt after it waits per ladder, and a successful connection resets it.
 * Defaults are X's documented filtered-stream policy (docs.x.com, "Handling disconnections"):
 * network errors +250 ms per attempt up to 16 s (250, 500, 750 … 16 000 ms); HTTP errors 5 s
 * doubling up to 320 s (5, 10, 20 … 320 s); HTTP 429 1 min doubling (60, 120, 240 … s, capped at
 * the 15-minute rate window), and never before the platform's reset time.
 */
export interface ReconnectPolicy {
  network: { stepMs: number, maxMs: number }
  http: { initialMs: number, maxMs: number }
  rateLimit: { initialMs: number, maxMs: number }
}

export const defaultReconnectPolicy: ReconnectPolicy = {
  network: { stepMs: 250, maxMs: 16_000 },
  http: { initialMs: 5_000, maxMs: 320_000 },
  rateLimit: { initialMs: 60_000, maxMs: 15 * 60_000 },
}

/** The wait before connection attempt number `failures + 1`, where `failures` attempts in a row have failed (≥ 1). */
export function reconnectDelay (policy: ReconnectPolicy, kind: DisconnectKind, failures: number): number {
  const n = Math.max(1, failures)
  if (kind === 'network') return Math.min(policy.network.maxMs, policy.network.stepMs * n)
  const ladder = kind === 'http' ? policy.http : policy.rateLimit
  return Math.min(ladder.maxMs, ladder.initialMs * 2 ** (n - 1))
}

/** Rate limits wait for their ladder; answers with a status (5xx, 401/403/400) are HTTP errors; everything else is the network. */
export function disconnectKind (err: unknown): DisconnectKind {
  if (err instanceof RateLimitedError) return 'rate_limit'
  if (err instanceof SourceRejectedError) return 'http'
  if (err instanceof SourceUnavailableError && err.status !== undefined) return 'http'
  return 'network'
}

/** One source fed by the stream connection. */
export interface StreamSource {
  source: SourceConfig
  /**
   * Polled after every (re)connect from the source's checkpoint, so mentions that arrived while the
   * stream was down are published; dedupe removes the overlap with what the stream delivers. X: a
   * recent search since the newest streamed id. Skipped while the source has no checkpoint yet.
   */
  backfill?: PollingConnector
}

export interface StreamRunnerOptions {
  /** Every source this one connection feeds (X: one filtered-stream connection per app, tenants told apart by rule tags). */
  sources: StreamSource[]
  connector: StreamingConnector
  producer: Producer
  cache: Cache
  metrics: IngestMetrics
  logger: Logger
  /** Connection name in logs (e.g. `x-filtered-stream`). */
  name?: string
  /**
   * No event (items or keep-alive) for this long aborts the connection and reconnects. Default 21 s:
   * X sends a keep-alive every 20 s and says to treat 20 s of silence as a drop; keep-alives often
   * arrive marginally late, so 1 s of slack avoids needless reconnects (each costs one of 50 connects per 15 min).
   */
  keepAliveTimeoutMs?: number
  reconnect?: ReconnectPolicy
  /** How long a published mention id is remembered for dedupe (default 7 days). */
  dedupeTtlMs?: number
  /** For the backfill pollers. */
  backoff?: { initialMs: number, maxMs: number }
  breaker?: BreakerOptions
  now?: () => number
}

interface SourceState {
  source: SourceConfig
  key: string
  checkpointName: string
  health: SourceHealth
  backfill: SourcePoller | undefined
  /** Backfills asked for (one per connect) and completed; while behind, the stream does not move the checkpoint past the gap. */
  requested: number
  completed: number
  running: Promise<void> | undefined
}

function sourceKey (tenantId: string, sourceId: string): string {
  return `${tenantId}/${sourceId}`
}

/**
 * The loop around one push connection (StreamRunner is to a StreamingConnector what SourcePoller is
 * to a PollingConnector). Each items event goes through the same publish step as polls
 * (`publishMentions`: policy filter, dedupe, publish, remember ids once the broker acknowledged),
 * then the event's cursor becomes the checkpoint of every source it fed. When the connection ends,
 * throws, or stays silent past `keepAliveTimeoutMs`, the runner reconnects per `ReconnectPolicy`,
 * and after every connect polls each source's `backfill` connector from its checkpoint to fill the
 * gap. `source.gap` and the per-source metrics behave as for SourcePoller (a keep-alive counts as a
 * successful read). Usage: `new StreamRunner({ sources, connector, producer, cache, metrics, logger }).start()`,
 * then `await runner.stop()`.
 */
export class StreamRunner {
  private readonly log: Logger
  private readonly now: () => number
  private readonly policy: ReconnectPolicy
  private readonly keepAliveTimeoutMs: number
  private readonly states = new Map<string, SourceState>()
  private readonly abort = new AbortController()
  private loop: Promise<void> | undefined
  private gapTimer: NodeJS.Timeout | undefined
  private connections = 0
  private publishing: Promise<unknown> = Promise.resolve()

  constructor (private readonly options: StreamRunnerOptions) {
    if (options.sources.length === 0) throw new TypeError('StreamRunner needs at least one source')
    this.now = options.now ?? Date.now
    this.policy = options.reconnect ?? defaultReconnectPolicy
    this.keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? 21_000
    this.log = options.logger.child({ component: 'stream-runner', stream: options.name ?? 'stream' })
    for (const { source, backfill } of options.sources) {
      const log = options.logger.child({ tenantId: source.tenantId, sourceId: source.sourceId, platform: source.platform })
      const key = sourceKey(source.tenantId, source.sourceId)
      this.states.set(key, {
        source,
        key,
        checkpointName: sourceCheckpointName(source),
        health: new SourceHealth(source, options.metrics, log, this.now),
        backfill: backfill === undefined
          ? undefined
          : new SourcePoller({
            source,
            connector: backfill,
            producer: options.producer,
            cache: options.cache,
            metrics: options.metrics,
            logger: options.logger,
            now: this.now,
            ...(options.dedupeTtlMs === undefined ? {} : { dedupeTtlMs: options.dedupeTtlMs }),
            ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
            ...(options.breaker === undefined ? {} : { breaker: options.breaker }),
            exclusive: async (step) => await this.exclusive(step),
          }),
        requested: 0,
        completed: 0,
        running: undefined,
      })
    }
  }

  /** Connections the platform accepted so far. */
  get connectionCount (): number {
    return this.connections
  }

  start (): void {
    if (this.loop !== undefined) return
    const every = Math.max(100, Math.min(1_000, ...[...this.states.values()].map((s) => s.source.maxGapMs)))
    this.gapTimer = setInterval(() => { for (const state of this.states.values()) state.health.checkGap() }, every)
    this.gapTimer.unref()
    this.loop = this.run()
  }

  async stop (): Promise<void> {
    this.abort.abort()
    clearInterval(this.gapTimer)
    await this.loop
    await Promise.all([...this.states.values()].map(async (state) => { await state.running }))
  }

  private async run (): Promise<void> {
    const { signal } = this.abort
    let failures = 0
    let delayMs = 0
    while (!signal.aborted) {
      if (delayMs > 0) await sleep(delayMs, signal)
      if (signal.aborted) break
      const { connected, error, publishFailed } = await this.connectOnce()
      if (signal.aborted) break
      const kind = disconnectKind(error)
      if (connected && !publishFailed) {
        failures = 0
        delayMs = 0
        this.count('disconnected')
        this.log.warn({ err: error }, `stream connection dropped: ${error === undefined ? 'ended by the platform' : errorMessage(error)}; reconnecting now`)
        continue
      }
      if (publishFailed) {
        // The broker or the cache failed, not the platform: nothing was checkpointed, so the backfill after reconnecting re-reads it.
        failures++
        delayMs = reconnectDelay(this.policy, 'network', failures)
        this.count('publish_failed')
        this.log.warn({ err: error, failures, retryInMs: delayMs }, `publishing streamed mentions failed: ${errorMessage(error)}; reconnecting`)
        continue
      }
      failures++
      delayMs = reconnectDelay(this.policy, kind, failures)
      if (error instanceof RateLimitedError) delayMs = Math.max(delayMs, error.resetAt - this.now())
      this.count(kind === 'rate_limit' ? 'rate_limited' : error instanceof SourceRejectedError ? 'rejected' : 'unavailable')
      const log = error instanceof SourceRejectedError ? this.log.error.bind(this.log) : this.log.warn.bind(this.log)
      log({ err: error, kind, failures, retryInMs: delayMs }, `stream connect failed: ${error === undefined ? 'ended before connecting' : errorMessage(error)}`)
    }
  }

  private count (kind: string): void {
    for (const { source } of this.states.values()) {
      this.options.metrics.errors.inc({ tenant: source.tenantId, source: source.sourceId, platform: source.platform, kind })
    }
  }

  /** One connection, from connect to drop. Never throws: says whether the platform accepted it and why it ended. */
  private async connectOnce (): Promise<{ connected: boolean, error: unknown, publishFailed?: boolean }> {
    const connection = new AbortController()
    const stopConnection = (): void => { connection.abort() }
    this.abort.signal.addEventListener('abort', stopConnection, { once: true })
    let connected = false
    let iterator: AsyncIterator<StreamEvent> | undefined
    try {
      iterator = this.options.connector.stream({ signal: connection.signal })[Symbol.asyncIterator]()
      for (;;) {
        const next = await this.watch(iterator.next(), connection)
        if (next.done === true) return { connected, error: undefined }
        const event = next.value
        if (event.kind === 'connected') {
          connected = true
          this.connections++
          this.log.info({ connections: this.connections }, 'stream connected')
          for (const state of this.states.values()) {
            state.health.succeeded()
            this.requestBackfill(state)
          }
        } else if (event.kind === 'heartbeat') {
          for (const state of this.states.values()) state.health.succeeded()
        } else {
          try {
            await this.publish(event)
          } catch (err) {
            return { connected, error: err, publishFailed: true }
          }
        }
      }
    } catch (err) {
      return { connected, error: err }
    } finally {
      connection.abort()
      this.abort.signal.removeEventListener('abort', stopConnection)
      iterator?.return?.().catch(() => {})
    }
  }

  /** The keep-alive watchdog: silence for `keepAliveTimeoutMs` aborts the connection. */
  private async watch<T> (pending: Promise<T>, connection: AbortController): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const silence = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        connection.abort()
        reject(new SourceUnavailableError(`no data or keep-alive for ${this.keepAliveTimeoutMs} ms: the connection is presumed dead`))
      }, this.keepAliveTimeoutMs)
    })
    try {
      return await Promise.race([pending, silence])
    } finally {
      clearTimeout(timer)
    }
  }

  /** One publish at a time (stream events and backfill polls), so both never claim the same id at once and publish it twice. */
  private async exclusive<T> (step: () => Promise<T>): Promise<T> {
    const run = this.publishing.then(step, step)
    this.publishing = run.catch(() => undefined)
    return await run
  }

  private async publish (event: Extract<StreamEvent, { kind: 'items' }>): Promise<void> {
    await this.exclusive(async () => { await this.publishEvent(event) })
  }

  private async publishEvent (event: Extract<StreamEvent, { kind: 'items' }>): Promise<void> {
    const first = this.states.values().next().value as SourceState
    const sourced: SourcedItem[] = []
    const fed = new Map<SourceState, IngestItem[]>()
    for (const item of event.items) {
      const state = this.states.get(sourceKey(item.mention.tenantId, item.mention.sourceId))
      if (state === undefined) {
        this.log.warn({ tenantId: item.mention.tenantId, sourceId: item.mention.sourceId, mentionId: item.mention.id }, 'skipping a streamed mention for a source this stream does not serve')
        continue
      }
      sourced.push({ source: state.source, item })
      const items = fed.get(state) ?? []
      items.push(item)
      fed.set(state, items)
    }
    for (const bad of event.malformed ?? []) {
      const state = (bad.tenantId === undefined || bad.sourceId === undefined ? undefined : this.states.get(sourceKey(bad.tenantId, bad.sourceId))) ?? first
      this.options.metrics.errors.inc({ tenant: state.source.tenantId, source: state.source.sourceId, platform: state.source.platform, kind: 'malformed' })
      this.log.warn({ tenantId: state.source.tenantId, nativeId: bad.nativeId, reason: bad.reason }, 'skipping a malformed platform item')
    }
    if (sourced.length > 0) {
      await publishMentions(sourced, {
        producer: this.options.producer,
        cache: this.options.cache,
        metrics: this.options.metrics,
        logger: this.log,
        ...(this.options.dedupeTtlMs === undefined ? {} : { dedupeTtlMs: this.options.dedupeTtlMs }),
      })
    }
    for (const [state, items] of fed) {
      state.health.succeeded(items)
      if (event.cursor === undefined) continue
      // While a backfill is owed, the checkpoint stays before the gap so a failed backfill retries from there
      // (with no checkpoint yet there is no gap to protect: the first streamed id starts one).
      const owed = state.completed < state.requested
      if (!owed || await this.options.cache.getCheckpoint(state.checkpointName) === undefined) await this.options.cache.setCheckpoint(state.checkpointName, event.cursor)
    }
    for (const state of this.states.values()) if (!fed.has(state)) state.health.succeeded()
  }

  private requestBackfill (state: SourceState): void {
    if (state.backfill === undefined) return
    state.requested++
    this.ensureBackfill(state)
  }

  private ensureBackfill (state: SourceState): void {
    if (state.running !== undefined) return
    state.running = this.backfill(state)
      .catch((err: unknown) => { this.log.error({ err, tenantId: state.source.tenantId, sourceId: state.source.sourceId }, 'backfill crashed') })
      .finally(() => {
        state.running = undefined
        if (state.completed < state.requested && !this.abort.signal.aborted) this.ensureBackfill(state)
      })
  }

  /** Polls until a poll that started after the latest connect succeeded. */
  private async backfill (state: SourceState): Promise<void> {
    const poller = state.backfill
    if (poller === undefined) return
    const { signal } = this.abort
    while (!signal.aborted && state.completed < state.requested) {
      const target = state.requested
      if (await this.options.cache.getCheckpoint(state.checkpointName) === undefined) {
        // Nothing was ever streamed for this source: no known gap, and a poll from nothing would read the platform's whole history.
        state.completed = target
        break
      }
      const outcome = await poller.pollOnce()
      if (outcome.status === 'ok') {
        state.completed = target
        this.log.info({ tenantId: state.source.tenantId, sourceId: state.source.sourceId, published: outcome.published, duplicates: outcome.duplicates }, 'backfill done')
      } else {
        await sleep(Math.max(0, outcome.nextAt - this.now()), signal)
      }
    }
  }
}
