import type { IngestItem, IngestMetrics, PollContext, PollingConnector, PollPage, SourceConfig } from '@earshot/ingest'
import { z } from 'zod'
import { SourceSettingsError } from './errors.js'
import { AddressRefusedError, type FeedFetcher } from './feed-fetcher.js'
import { parseFeed } from './feed-parser.js'
import { createKeywordFilter } from './keyword-filter.js'
import type { FeedMetrics } from './metrics.js'
import { normaliseEntry } from './normalise.js'

export const feedSourceSettingsSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'expected the feed\'s absolute http(s) URL' }).max(2048),
  include: z.array(z.string().trim().min(1)).max(200).default([]),
  exclude: z.array(z.string().trim().min(1)).max(200).default([]),
})

export type FeedSourceSettings = z.output<typeof feedSourceSettingsSchema>

export function parseFeedSourceSettings (settings: unknown, where: string): FeedSourceSettings {
  const result = feedSourceSettingsSchema.safeParse(settings)
  if (result.success) return result.data
  const lines = result.error.issues.map((issue) => `${[where, 'settings', ...issue.path.map(String)].join('.')}: ${issue.message}`)
  throw new SourceSettingsError(`invalid feed source settings:\n  ${lines.join('\n  ')}\n  expected { "url": "https://…", "include": ["…"], "exclude": ["…"] }`)
}

/** What is stored as the source's checkpoint: the validators of the last feed published, and where it moved. */
export interface FeedCheckpoint {
  /** The configured URL these validators belong to; a different configured URL starts afresh. */
  url: string
  /** Where 301/308 redirects said the feed now lives. */
  location?: string
  etag?: string
  lastModified?: string
}

export function decodeCheckpoint (cursor: string | undefined, configuredUrl: string): FeedCheckpoint {
  if (cursor === undefined) return { url: configuredUrl }
  try {
    const value = JSON.parse(cursor) as Partial<FeedCheckpoint>
    if (value.url !== configuredUrl) return { url: configuredUrl }
    return {
      url: configuredUrl,
      ...(typeof value.location === 'string' ? { location: value.location } : {}),
      ...(typeof value.etag === 'string' ? { etag: value.etag } : {}),
      ...(typeof value.lastModified === 'string' ? { lastModified: value.lastModified } : {}),
    }
  } catch {
    return { url: configuredUrl }
  }
}

export function encodeCheckpoint (checkpoint: FeedCheckpoint): string {
  return JSON.stringify(checkpoint)
}

export interface FeedConnectorOptions {
  fetcher: Pick<FeedFetcher, 'fetchFeed'>
  source: Pick<SourceConfig, 'tenantId' | 'sourceId' | 'pollIntervalMs' | 'maxGapMs'>
  settings: FeedSourceSettings
  metrics: FeedMetrics
  ingestMetrics: Pick<IngestMetrics, 'filtered'>
  /** Items dated earlier than this before now are skipped (counted as filtered `too_old`); keep it below the dedupe TTL. */
  maxItemAgeMs: number
  now?: () => number
}

const maxHonouredMaxAgeMs = 60 * 60_000

/**
 * One feed as a PollingConnector: one conditional GET per poll (stored ETag / Last-Modified sent
 * verbatim). 304 yields nothing and parses nothing; 200 is parsed, items normalised, too-old and
 * keyword-filtered items counted and dropped, and the new validators handed back as the cursor —
 * stored by the poller only once the items are on the broker. A document that is not RSS/Atom is
 * reported as malformed with no cursor, so the same validators are sent again next time.
 * `Cache-Control: max-age` longer than the poll interval delays the next poll (capped at an hour
 * and half the gap alarm).
 */
export function createFeedConnector (options: FeedConnectorOptions): PollingConnector {
  const { fetcher, source, settings, metrics } = options
  const now = options.now ?? Date.now
  const labels = { tenant: source.tenantId, source: source.sourceId }
  const filterLabels = { ...labels, platform: 'feed' }
  const keywords = createKeywordFilter(settings)

  return {
    async * poll ({ cursor, signal, reportRateLimit }: PollContext): AsyncIterable<PollPage> {
      const checkpoint = decodeCheckpoint(cursor, settings.url)
      let response
      try {
        response = await fetcher.fetchFeed({
          url: checkpoint.location ?? settings.url,
          signal,
          ...(checkpoint.etag === undefined ? {} : { etag: checkpoint.etag }),
          ...(checkpoint.lastModified === undefined ? {} : { lastModified: checkpoint.lastModified }),
        })
      } catch (err) {
        if (err instanceof AddressRefusedError) metrics.refused.inc({ ...labels, range: err.range })
        throw err
      }
      const fetchedAt = now()
      if (response.maxAgeMs !== undefined && response.maxAgeMs > source.pollIntervalMs) {
        const waitMs = Math.min(response.maxAgeMs, maxHonouredMaxAgeMs, Math.max(source.pollIntervalMs, source.maxGapMs / 2))
        reportRateLimit({ limit: 1, remaining: 0, resetAt: fetchedAt + waitMs })
      }
      const location = response.movedTo ?? checkpoint.location
      if (response.movedTo !== undefined && response.movedTo !== checkpoint.location) metrics.moved.inc(labels)

      if (response.status === 'not_modified') {
        metrics.notModified.inc(labels)
        yield { items: [], ...(location === checkpoint.location ? {} : { cursor: encodeCheckpoint({ ...checkpoint, ...(location === undefined ? {} : { location }) }) }) }
        return
      }

      metrics.parsed.inc(labels)
      const parsed = parseFeed(response.body)
      if (!parsed.ok) {
        metrics.malformedDocuments.inc(labels)
        yield { items: [], malformed: [{ reason: `${response.finalUrl}: ${parsed.reason}` }] }
        return
      }
      const receivedAt = new Date(fetchedAt).toISOString()
      const context = { tenantId: source.tenantId, sourceId: source.sourceId, feedUrl: response.finalUrl, receivedAt }
      const items: IngestItem[] = []
      const malformed: NonNullable<PollPage['malformed']> = []
      for (const entry of parsed.entries) {
        if ('malformed' in entry) {
          malformed.push({ reason: entry.malformed })
          continue
        }
        const normalised = normaliseEntry(entry, context)
        if (!normalised.ok) {
          malformed.push({ reason: normalised.reason, ...(normalised.nativeId === undefined ? {} : { nativeId: normalised.nativeId }) })
          continue
        }
        const { mention } = normalised.item
        if (normalised.dated && Date.parse(mention.createdAt) < fetchedAt - options.maxItemAgeMs) {
          options.ingestMetrics.filtered.inc({ ...filterLabels, reason: 'too_old' })
          continue
        }
        const verdict = keywords(mention.text)
        if (verdict !== 'keep') {
          options.ingestMetrics.filtered.inc({ ...filterLabels, reason: verdict })
          continue
        }
        items.push(normalised.item)
      }
      const next: FeedCheckpoint = {
        url: settings.url,
        ...(location === undefined ? {} : { location }),
        ...(response.etag === undefined ? {} : { etag: response.etag }),
        ...(response.lastModified === undefined ? {} : { lastModified: response.lastModified }),
      }
      yield { items, malformed, cursor: encodeCheckpoint(next) }
    },
  }
}
