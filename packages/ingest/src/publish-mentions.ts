import type { Producer } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import { encodeEvent, type Mention, messageKeyFor, topics } from '@earshot/contracts'
import type { Logger } from '@earshot/observability'
import type { IngestItem } from './connector.js'
import type { IngestMetrics } from './metrics.js'
import { filterReason, type SourceConfig } from './source.js'

/** One normalised item and the source it came from (a webhook delivery may span sources and tenants). */
export interface SourcedItem {
  source: SourceConfig
  item: IngestItem
}

export interface PublishMentionsOptions {
  producer: Producer
  cache: Cache
  metrics: IngestMetrics
  logger: Logger
  /** How long a published mention id is remembered for dedupe (default 7 days). */
  dedupeTtlMs?: number
}

export interface PublishMentionsResult {
  published: number
  /** Already published earlier (dedupe cache) or repeated within these items. */
  duplicates: number
  filtered: number
  /** Broke the mentions.v1 contract: logged, counted, skipped. */
  malformed: number
}

const DAY = 24 * 60 * 60 * 1000

/** The same key SourcePoller remembers published ids under, so pollers and webhooks dedupe together. */
export function mentionDedupeKey (mention: Pick<Mention, 'tenantId' | 'id'>): string {
  return `mention:${mention.tenantId}:${mention.id}`
}

type Labels = { tenant: string, source: string, platform: string }

function labelsOf (source: SourceConfig): Labels {
  return { tenant: source.tenantId, source: source.sourceId, platform: source.platform }
}

/** Oldest first; within one second, numeric ids (X snowflakes) order by length, then lexically. */
export function chronological (a: Mention, b: Mention): number {
  const byTime = Date.parse(a.createdAt) - Date.parse(b.createdAt)
  if (byTime !== 0) return byTime
  return a.nativeId.length - b.nativeId.length || (a.nativeId < b.nativeId ? -1 : a.nativeId > b.nativeId ? 1 : 0)
}

/** Counts per source, added to the metrics once per call rather than once per mention (the hot path of every ingest). */
class SourceTally {
  private readonly counts = new Map<SourceConfig, { fetched: number, duplicates: number, published: number }>()
  private entry (source: SourceConfig) {
    let entry = this.counts.get(source)
    if (entry === undefined) {
      entry = { fetched: 0, duplicates: 0, published: 0 }
      this.counts.set(source, entry)
    }
    return entry
  }

  add (source: SourceConfig, kind: 'fetched' | 'duplicates' | 'published'): void {
    this.entry(source)[kind]++
  }

  flush (metrics: IngestMetrics, kinds: ReadonlyArray<'fetched' | 'duplicates' | 'published'>): void {
    for (const [source, counts] of this.counts) {
      const labels = labelsOf(source)
      for (const kind of kinds) {
        if (counts[kind] > 0) metrics[kind].inc(labels, counts[kind])
        counts[kind] = 0
      }
    }
  }
}

/**
 * The publish step every ingest shares (SourcePoller, StreamRunner, webhooks): drop what policy
 * filters, skip ids already published, publish the rest oldest first, and only after the broker
 * acknowledged remember their ids. Throws if the broker or the cache fails; then nothing was
 * remembered, so the caller's retry publishes everything again (at worst a duplicate that the
 * router's unique mention id removes). Callers move their checkpoint only after it returned.
 */
export async function publishMentions (items: readonly SourcedItem[], options: PublishMentionsOptions): Promise<PublishMentionsResult> {
  const { producer, cache, metrics, logger } = options
  const result: PublishMentionsResult = { published: 0, duplicates: 0, filtered: 0, malformed: 0 }
  const tally = new SourceTally()
  const candidates = new Map<string, { source: SourceConfig, mention: Mention }>()
  for (const { source, item } of items) {
    tally.add(source, 'fetched')
    const reason = filterReason(source, item)
    if (reason !== undefined) {
      result.filtered++
      metrics.filtered.inc({ ...labelsOf(source), reason })
      continue
    }
    const key = mentionDedupeKey(item.mention)
    if (candidates.has(key)) {
      result.duplicates++
      tally.add(source, 'duplicates')
    } else {
      candidates.set(key, { source, mention: item.mention })
    }
  }
  tally.flush(metrics, ['fetched'])

  const ordered = [...candidates.entries()].sort(([, a], [, b]) => chronological(a.mention, b.mention))
  const seen = ordered.length === 0 ? [] : await cache.claimedMany(ordered.map(([key]) => key))
  const messages = []
  const publishedKeys: string[] = []
  const publishedSources: SourceConfig[] = []
  for (const [index, [key, { source, mention }]] of ordered.entries()) {
    if (seen[index] === true) {
      result.duplicates++
      tally.add(source, 'duplicates')
      continue
    }
    try {
      messages.push({ key: messageKeyFor(mention), value: encodeEvent(topics.mentions, mention) })
      publishedKeys.push(key)
      publishedSources.push(source)
    } catch (err) {
      result.malformed++
      metrics.errors.inc({ ...labelsOf(source), kind: 'malformed' })
      logger.warn({ err, tenantId: mention.tenantId, mentionId: mention.id }, 'skipping a mention that breaks the mentions.v1 contract')
    }
  }
  tally.flush(metrics, ['duplicates'])
  if (messages.length > 0) await producer.send(topics.mentions, messages)
  // Only now, with the broker's acknowledgement, is it safe to remember the ids.
  if (publishedKeys.length > 0) await cache.claimMany(publishedKeys, options.dedupeTtlMs ?? 7 * DAY)
  for (const source of publishedSources) tally.add(source, 'published')
  tally.flush(metrics, ['published'])
  result.published = publishedKeys.length
  return result
}
