import type { Logger } from '@earshot/observability'
import type { IngestItem } from './connector.js'
import type { IngestMetrics } from './metrics.js'
import type { SourceConfig } from './source.js'

/**
 * When a source was last read successfully, and `source.gap` (log + metrics) once per episode of it
 * going unread for longer than `maxGapMs`. Shared by SourcePoller (a successful poll) and StreamRunner
 * (any byte from an open stream: items or a keep-alive).
 */
export class SourceHealth {
  private lastSuccessAt: number
  private inGap = false
  private readonly labels: { tenant: string, source: string, platform: string }

  constructor (private readonly source: SourceConfig, private readonly metrics: IngestMetrics, private readonly log: Logger, private readonly now: () => number) {
    this.labels = { tenant: source.tenantId, source: source.sourceId, platform: source.platform }
    this.lastSuccessAt = now()
  }

  /** The source was read; `items` (if any) set the lag gauge from the newest creation time. */
  succeeded (items: readonly IngestItem[] = []): void {
    const now = this.now()
    let newest = Number.NEGATIVE_INFINITY
    for (const item of items) newest = Math.max(newest, Date.parse(item.mention.createdAt))
    if (Number.isFinite(newest)) this.metrics.lagSeconds.set(this.labels, Math.max(0, (now - newest) / 1000))
    this.metrics.lastSuccess.set(this.labels, now / 1000)
    this.lastSuccessAt = now
    if (this.inGap) {
      this.inGap = false
      this.metrics.inGap.set(this.labels, 0)
      this.log.info({ event: 'source.gap_closed' }, 'source read successfully again')
    }
  }

  /** Raises `source.gap` once per episode; true while the source is in a gap. */
  checkGap (): boolean {
    const silentMs = this.now() - this.lastSuccessAt
    if (silentMs <= this.source.maxGapMs || this.inGap) return this.inGap
    this.inGap = true
    this.metrics.gaps.inc(this.labels)
    this.metrics.inGap.set(this.labels, 1)
    this.log.warn({ event: 'source.gap', silentMs, maxGapMs: this.source.maxGapMs, lastSuccessAt: new Date(this.lastSuccessAt).toISOString() },
      'source.gap: not read successfully for longer than allowed; mentions may be waiting')
    return true
  }

  /** When a gap check next has something to find (infinity while already in a gap). */
  nextCheckAt (): number {
    return this.inGap ? Number.POSITIVE_INFINITY : this.lastSuccessAt + this.source.maxGapMs + 1
  }
}
