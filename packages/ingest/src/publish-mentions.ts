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

function labelsOf (source: SourceConfig): { tenant: string, source: string, platform: string } {
  return { tenant: source.tenantId, source: source.sourceId, platform: source.platform }
}

function chronological (a: Mention, b: Mention): number {
  return Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.nativeId < b.nativeId ? -1 : a.nativeId > b.nativeId ? 1 : 0)
}

/**
 * Push-source counterpart of SourcePoller's publish step: drop what policy filters, skip ids
 * already published, publish the rest oldest first, and only after the broker acknowledged remember
 * their ids. Throws if the broker or the cache fails; then nothing was remembered, so the sender's
 * retry publishes everything again (at worst a duplicate that the router's unique mention id removes).
 */
export async function publishMentions (items: readonly SourcedItem[], options: PublishMentionsOptions): Promise<PublishMentionsResult> {
  const { producer, cache, metrics, logger } = options
  const result: PublishMentionsResult = { published: 0, duplicates: 0, filtered: 0, malformed: 0 }
  const candidates = new Map<string, { source: SourceConfig, mention: Mention }>()
  for (const { source, item } of items) {
    metrics.fetched.inc(labelsOf(source))
    const reason = filterReason(source, item)
    if (reason !== undefined) {
      result.filtered++
      metrics.filtered.inc({ ...labelsOf(source), reason })
      continue
    }
    const key = mentionDedupeKey(item.mention)
    if (candidates.has(key)) {
      result.duplicates++
      metrics.duplicates.inc(labelsOf(source))
    } else {
      candidates.set(key, { source, mention: item.mention })
    }
  }

  const ordered = [...candidates.entries()].sort(([, a], [, b]) => chronological(a.mention, b.mention))
  const seen = await cache.claimedMany(ordered.map(([key]) => key))
  const messages = []
  const publishedKeys: string[] = []
  const publishedSources: SourceConfig[] = []
  for (const [index, [key, { source, mention }]] of ordered.entries()) {
    if (seen[index] === true) {
      result.duplicates++
      metrics.duplicates.inc(labelsOf(source))
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
  if (messages.length > 0) await producer.send(topics.mentions, messages)
  // Only now, with the broker's acknowledgement, is it safe to remember the ids.
  if (publishedKeys.length > 0) await cache.claimMany(publishedKeys, options.dedupeTtlMs ?? 7 * DAY)
  for (const source of publishedSources) metrics.published.inc(labelsOf(source))
  result.published = publishedKeys.length
  return result
}
