import { backoffDelay, type Producer, sleep } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import { errorMessage } from '@earshot/errors'
import type { Logger } from '@earshot/observability'
import { type BreakerOptions, CircuitBreaker } from './circuit-breaker.js'
import type { IngestItem, PollingConnector, RateLimitInfo } from './connector.js'
import { RateLimitedError, SourceRejectedError } from './errors.js'
import type { IngestMetrics } from './metrics.js'
import { nextPollAt } from './schedule.js'
import { publishMentions } from './publish-mentions.js'
import { SourceHealth } from './source-health.js'
import type { SourceConfig } from './source.js'

export type PollStatus = 'ok' | 'rate_limited' | 'unavailable' | 'rejected' | 'circuit_open' | 'publish_failed'

export interface PollOutcome {
  status: PollStatus
  fetched: number
  published: number
  duplicates: number
  filtered: number
  malformed: number
  /** When the next poll may run (rate limits, backoff, breaker, interval). */
  nextAt: number
}

export interface SourcePollerOptions {
  source: SourceConfig
  connector: PollingConnector
  producer: Producer
  cache: Cache
  metrics: IngestMetrics
  logger: Logger
  now?: () => number
  /** How long a published mention id is remembered for dedupe (default 7 days). */
  dedupeTtlMs?: number
  backoff?: { initialMs: number, maxMs: number }
  breaker?: BreakerOptions
  /** Runs the publish-and-checkpoint step; StreamRunner passes a lock so its backfill and the stream never publish at once. */
  exclusive?: <T>(step: () => Promise<T>) => Promise<T>
}

/** Where a source's cursor is stored in the cache; SourcePoller and StreamRunner share it. */
export function sourceCheckpointName (source: Pick<SourceConfig, 'tenantId' | 'sourceId'>): string {
  return `ingest:${source.tenantId}:${source.sourceId}`
}

/**
 * The loop around one source. Each poll: read every page newer than the checkpoint, drop what
 * policy filters, skip ids already published (dedupe in the cache), publish the rest oldest first,
 * and only once the broker acknowledged, remember their ids and move the checkpoint. A crash at any
 * point re-reads rather than skips: the worst case is a duplicate on the topic, which the router's
 * unique mention id removes.
 */
export class SourcePoller {
  private readonly source: SourceConfig
  private readonly log: Logger
  private readonly now: () => number
  private readonly breaker: CircuitBreaker
  private readonly labels: { tenant: string, source: string, platform: string }
  private rateLimitedUntil = 0
  private lastRate: RateLimitInfo | undefined
  private attempts = 0
  private readonly health: SourceHealth
  private readonly abort = new AbortController()
  private loop: Promise<void> | undefined

  constructor (private readonly options: SourcePollerOptions) {
    this.source = options.source
    this.now = options.now ?? Date.now
    this.log = options.logger.child({ tenantId: options.source.tenantId, sourceId: options.source.sourceId, platform: options.source.platform })
    this.breaker = new CircuitBreaker(options.breaker ?? { failureThreshold: 5, openMs: 60_000 })
    this.labels = { tenant: options.source.tenantId, source: options.source.sourceId, platform: options.source.platform }
    this.health = new SourceHealth(options.source, options.metrics, this.log, this.now)
  }

  private get checkpointName (): string {
    return sourceCheckpointName(this.source)
  }

  private failed (status: PollStatus, err: unknown, counts: Omit<PollOutcome, 'status' | 'nextAt'>): PollOutcome {
    const now = this.now()
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 1000, maxMs: 5 * 60_000 }
    this.attempts++
    let nextAt = now + Math.max(initialMs / 2, backoffDelay(this.attempts, initialMs, maxMs))
    if (status === 'unavailable' || status === 'rejected') {
      this.breaker.failure(now)
      nextAt = Math.max(nextAt, this.breaker.allowedAt(now))
    }
    this.options.metrics.errors.inc({ ...this.labels, kind: status })
    const log = status === 'rejected' ? this.log.error.bind(this.log) : this.log.warn.bind(this.log)
    log({ err, status, attempts: this.attempts, retryInMs: nextAt - now, breaker: this.breaker.state(now) }, `poll failed: ${errorMessage(err)}`)
    return { status, ...counts, nextAt }
  }

  /** One poll of the source; never throws. */
  async pollOnce (): Promise<PollOutcome> {
    const started = this.now()
    const counts = { fetched: 0, published: 0, duplicates: 0, filtered: 0, malformed: 0 }
    if (this.rateLimitedUntil > started) return { status: 'rate_limited', ...counts, nextAt: this.rateLimitedUntil }
    const allowedAt = this.breaker.allowedAt(started)
    if (allowedAt > started) return { status: 'circuit_open', ...counts, nextAt: allowedAt }

    const items: IngestItem[] = []
    let cursor: string | undefined
    let nextCursor: string | undefined
    let requests = 0
    try {
      cursor = await this.options.cache.getCheckpoint(this.checkpointName)
      nextCursor = cursor
      const pages = this.options.connector.poll({
        cursor,
        signal: this.abort.signal,
        reportRateLimit: (info) => { this.lastRate = info },
      })
      for await (const page of pages) {
        requests++
        items.push(...page.items)
        for (const bad of page.malformed ?? []) {
          counts.malformed++
          this.options.metrics.errors.inc({ ...this.labels, kind: 'malformed' })
          this.log.warn({ nativeId: bad.nativeId, reason: bad.reason }, 'skipping a malformed platform item')
        }
        if (page.cursor !== undefined) nextCursor = page.cursor
      }
    } catch (err) {
      if (err instanceof RateLimitedError) {
        this.rateLimitedUntil = err.resetAt
        this.options.metrics.errors.inc({ ...this.labels, kind: 'rate_limited' })
        this.log.warn({ resetAt: new Date(err.resetAt).toISOString() }, 'rate limited: no request before the reset')
        return { status: 'rate_limited', ...counts, nextAt: err.resetAt }
      }
      return this.failed(err instanceof SourceRejectedError ? 'rejected' : 'unavailable', err, counts)
    }

    counts.fetched = items.length
    try {
      const step = async (): Promise<void> => {
        const result = await publishMentions(items.map((item) => ({ source: this.source, item })), { ...this.options, logger: this.log })
        counts.published = result.published
        counts.duplicates = result.duplicates
        counts.filtered = result.filtered
        counts.malformed += result.malformed
        if (nextCursor !== undefined && nextCursor !== cursor) await this.options.cache.setCheckpoint(this.checkpointName, nextCursor)
      }
      await (this.options.exclusive === undefined ? step() : this.options.exclusive(step))
    } catch (err) {
      return this.failed('publish_failed', err, counts)
    }

    const now = this.now()
    this.health.succeeded(items)
    this.breaker.success()
    this.attempts = 0
    if (counts.published > 0 || counts.malformed > 0) {
      this.log.debug({ ...counts, durationMs: now - started }, 'poll done')
    }
    return { status: 'ok', ...counts, nextAt: nextPollAt(now, this.source.pollIntervalMs, this.lastRate, Math.max(1, requests)) }
  }

  /** Raises `source.gap` (log + metrics) once per episode of the source going unread for too long. */
  checkGap (): boolean {
    return this.health.checkGap()
  }

  start (): void {
    this.loop ??= this.run()
  }

  async stop (): Promise<void> {
    this.abort.abort()
    await this.loop
  }

  private async run (): Promise<void> {
    const { signal } = this.abort
    while (!signal.aborted) {
      const outcome = await this.pollOnce()
      this.checkGap()
      // Wake for the gap check too, so a long rate-limit wait still reports a gap on time.
      for (;;) {
        const now = this.now()
        const wakeAt = Math.min(outcome.nextAt, this.health.nextCheckAt())
        if (wakeAt > now) await sleep(wakeAt - now, signal)
        if (signal.aborted || this.now() >= outcome.nextAt) break
        this.checkGap()
      }
    }
  }
}
