import { backoffDelay, type Producer, sleep } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import { encodeEvent, type Mention, messageKeyFor, topics } from '@earshot/contracts'
import { errorMessage } from '@earshot/errors'
import type { Logger } from '@earshot/observability'
import { type BreakerOptions, CircuitBreaker } from './circuit-breaker.js'
import type { IngestItem, PollingConnector, RateLimitInfo } from './connector.js'
import { RateLimitedError, SourceRejectedError } from './errors.js'
import type { IngestMetrics } from './metrics.js'
import { nextPollAt } from './schedule.js'
import { filterReason, type SourceConfig } from './source.js'

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
}

const DAY = 24 * 60 * 60 * 1000

function chronological (a: Mention, b: Mention): number {
  const byTime = Date.parse(a.createdAt) - Date.parse(b.createdAt)
  if (byTime !== 0) return byTime
  // Same second: numeric ids (X snowflakes) order by length first, then lexically.
  return a.nativeId.length - b.nativeId.length || (a.nativeId < b.nativeId ? -1 : a.nativeId > b.nativeId ? 1 : 0)
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
  private lastSuccessAt: number
  private inGap = false
  private readonly abort = new AbortController()
  private loop: Promise<void> | undefined

  constructor (private readonly options: SourcePollerOptions) {
    this.source = options.source
    this.now = options.now ?? Date.now
    this.log = options.logger.child({ tenantId: options.source.tenantId, sourceId: options.source.sourceId, platform: options.source.platform })
    this.breaker = new CircuitBreaker(options.breaker ?? { failureThreshold: 5, openMs: 60_000 })
    this.labels = { tenant: options.source.tenantId, source: options.source.sourceId, platform: options.source.platform }
    this.lastSuccessAt = this.now()
  }

  private get checkpointName (): string {
    return `ingest:${this.source.tenantId}:${this.source.sourceId}`
  }

  private dedupeKey (mention: Mention): string {
    return `mention:${mention.tenantId}:${mention.id}`
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
    this.options.metrics.fetched.inc(this.labels, items.length)
    const candidates = new Map<string, Mention>()
    for (const item of items) {
      const reason = filterReason(this.source, item)
      if (reason !== undefined) {
        counts.filtered++
        this.options.metrics.filtered.inc({ ...this.labels, reason })
      } else {
        candidates.set(item.mention.id, item.mention)
      }
    }
    const ordered = [...candidates.values()].sort(chronological)

    try {
      const seen = await this.options.cache.claimedMany(ordered.map((m) => this.dedupeKey(m)))
      const fresh = ordered.filter((_, i) => seen[i] !== true)
      counts.duplicates = ordered.length - fresh.length + (items.length - counts.filtered - candidates.size)
      const messages = []
      const publishedMentions: Mention[] = []
      for (const mention of fresh) {
        try {
          messages.push({ key: messageKeyFor(mention), value: encodeEvent(topics.mentions, mention) })
          publishedMentions.push(mention)
        } catch (err) {
          counts.malformed++
          this.options.metrics.errors.inc({ ...this.labels, kind: 'malformed' })
          this.log.warn({ err, mentionId: mention.id }, 'skipping a mention that breaks the mentions.v1 contract')
        }
      }
      if (messages.length > 0) await this.options.producer.send(topics.mentions, messages)
      // Only now, with the broker's acknowledgement, is it safe to remember ids and move the cursor.
      if (publishedMentions.length > 0) await this.options.cache.claimMany(publishedMentions.map((m) => this.dedupeKey(m)), this.options.dedupeTtlMs ?? 7 * DAY)
      if (nextCursor !== undefined && nextCursor !== cursor) await this.options.cache.setCheckpoint(this.checkpointName, nextCursor)
      counts.published = publishedMentions.length
    } catch (err) {
      return this.failed('publish_failed', err, counts)
    }

    const now = this.now()
    this.options.metrics.published.inc(this.labels, counts.published)
    this.options.metrics.duplicates.inc(this.labels, counts.duplicates)
    const newest = items.reduce((max, item) => Math.max(max, Date.parse(item.mention.createdAt)), Number.NEGATIVE_INFINITY)
    if (Number.isFinite(newest)) this.options.metrics.lagSeconds.set(this.labels, Math.max(0, (now - newest) / 1000))
    this.options.metrics.lastSuccess.set(this.labels, now / 1000)
    this.breaker.success()
    this.attempts = 0
    this.lastSuccessAt = now
    if (this.inGap) {
      this.inGap = false
      this.options.metrics.inGap.set(this.labels, 0)
      this.log.info({ event: 'source.gap_closed' }, 'source read successfully again')
    }
    if (counts.published > 0 || counts.malformed > 0) {
      this.log.debug({ ...counts, durationMs: now - started }, 'poll done')
    }
    return { status: 'ok', ...counts, nextAt: nextPollAt(now, this.source.pollIntervalMs, this.lastRate, Math.max(1, requests)) }
  }

  /** Raises `source.gap` (log + metrics) once per episode of the source going unread for too long. */
  checkGap (): boolean {
    const now = this.now()
    const silentMs = now - this.lastSuccessAt
    if (silentMs <= this.source.maxGapMs || this.inGap) return this.inGap
    this.inGap = true
    this.options.metrics.gaps.inc(this.labels)
    this.options.metrics.inGap.set(this.labels, 1)
    this.log.warn({ event: 'source.gap', silentMs, maxGapMs: this.source.maxGapMs, lastSuccessAt: new Date(this.lastSuccessAt).toISOString() },
      'source.gap: not read successfully for longer than allowed; mentions may be waiting')
    return true
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
        const gapAt = this.inGap ? Number.POSITIVE_INFINITY : this.lastSuccessAt + this.source.maxGapMs + 1
        const wakeAt = Math.min(outcome.nextAt, gapAt)
        if (wakeAt > now) await sleep(wakeAt - now, signal)
        if (signal.aborted || this.now() >= outcome.nextAt) break
        this.checkGap()
      }
    }
  }
}
