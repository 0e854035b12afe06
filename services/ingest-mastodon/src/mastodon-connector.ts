import { type IngestItem, type PollContext, type PollingConnector, type PollPage, SourceUnavailableError } from '@earshot/ingest'
import type { MastodonClient } from './mastodon-client.js'
import { type MastodonStatusFacts, type Normalised, normaliseNotification, normaliseStatus, qualifiedHandle } from './normalise.js'
import type { MastodonSourceSettings } from './sources.js'

export interface MastodonConnectorOptions {
  client: MastodonClient
  tenantId: string
  sourceId: string
  settings: MastodonSourceSettings
  /** The brand's own accounts (`user` on the instance, or `user@domain`): their posts are filtered by policy. */
  brandAccounts?: readonly string[]
  /** Items per page (notifications ≤ 80, hashtag timelines ≤ 40). */
  pageLimit?: number
  /** Catch-up pages per poll; the rest follow on the next poll. */
  maxPagesPerPoll?: number
  now?: () => number
  /** Told about each item a source filter dropped (language, visibility, bot). */
  onFiltered?: (reason: FilterReason) => void
}

export type FilterReason = 'language' | 'visibility' | 'bot'

const idPattern = /^[0-9]{1,20}$/

function compareIds (a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
}

function itemId (item: unknown): string | undefined {
  const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined
  return typeof id === 'string' && idPattern.test(id) ? id : undefined
}

/** The source's filters, in the order a reason is reported. */
export function sourceFilterReason (settings: MastodonSourceSettings, facts: MastodonStatusFacts): FilterReason | undefined {
  const { languages, visibilities, skipBots } = settings.filters
  if (languages !== undefined && facts.language !== undefined && !languages.some((l) => l.toLowerCase() === facts.language?.toLowerCase())) return 'language'
  if (visibilities !== undefined && !(visibilities as readonly string[]).includes(facts.visibility)) return 'visibility'
  if (skipBots && facts.bot) return 'bot'
  return undefined
}

/** The first request of a poll: the endpoint, page size and (when catching up) min_id. */
export function firstPagePath (settings: MastodonSourceSettings, pageLimit: number, minId?: string): string {
  const base = settings.kind === 'notifications'
    ? `/api/v1/notifications?types[]=mention&limit=${Math.min(pageLimit, 80)}`
    : `/api/v1/timelines/tag/${encodeURIComponent(settings.hashtag)}?limit=${Math.min(pageLimit, 40)}`
  return minId === undefined ? base : `${base}&min_id=${minId}`
}

export interface ItemNormaliser {
  /** One list item or stream payload: an ingest item, a reason it is damaged, or nothing (not a mention / filtered). */
  (raw: unknown, receivedAt: string): { item?: IngestItem, malformed?: { reason: string, nativeId?: string } }
}

/** Normalises notifications (keeping only mentions) or statuses for one source and applies its filters. */
export function createItemNormaliser (options: Pick<MastodonConnectorOptions, 'tenantId' | 'sourceId' | 'settings' | 'brandAccounts' | 'onFiltered'> & { instanceHost: string }): ItemNormaliser {
  const brandAccounts = new Set((options.brandAccounts ?? []).map((a) => qualifiedHandle(a, options.instanceHost).toLowerCase()))
  return (raw, receivedAt) => {
    const context = { tenantId: options.tenantId, sourceId: options.sourceId, instanceHost: options.instanceHost, receivedAt, brandAccounts }
    const result: Normalised | { ok: 'skip' } = options.settings.kind === 'notifications' ? normaliseNotification(raw, context) : normaliseStatus(raw, context)
    if (result.ok === 'skip') return {}
    if (!result.ok) return { malformed: { reason: result.reason, ...(result.nativeId === undefined ? {} : { nativeId: result.nativeId }) } }
    const reason = sourceFilterReason(options.settings, result.status)
    if (reason !== undefined) {
      options.onFiltered?.(reason)
      return {}
    }
    return { item: result.item }
  }
}

/**
 * Mentions of the token's account (notifications, types[]=mention) or a hashtag timeline, from a
 * checkpoint that is the newest notification (or status) id published. With a checkpoint, a poll
 * asks for `min_id=<checkpoint>` — the page immediately newer — and follows `rel="prev"` links
 * (newer again) until an empty page, so pages arrive oldest first and stopping after any page
 * leaves no gap. Without one (first run) it reads the newest page and `backfillPages - 1` older
 * ones through `rel="next"`, and the checkpoint becomes the newest id of that first page.
 */
export function createMastodonConnector (options: MastodonConnectorOptions): PollingConnector {
  const { client, settings } = options
  const now = options.now ?? Date.now
  const pageLimit = options.pageLimit ?? 80
  const maxPagesPerPoll = options.maxPagesPerPoll ?? 50
  const normalise = createItemNormaliser({ ...options, instanceHost: client.instanceHost })

  function toPage (items: unknown[], cursor: string | undefined): PollPage {
    const receivedAt = new Date(now()).toISOString()
    const page: PollPage & { malformed: NonNullable<PollPage['malformed']> } = { items: [], malformed: [], ...(cursor === undefined ? {} : { cursor }) }
    for (const raw of items) {
      const { item, malformed } = normalise(raw, receivedAt)
      if (item !== undefined) page.items.push(item)
      if (malformed !== undefined) page.malformed.push(malformed)
    }
    return page
  }

  function newestId (items: unknown[], fallbackLink: string | undefined): string | undefined {
    let newest: string | undefined
    for (const item of items) {
      const id = itemId(item)
      if (id !== undefined && (newest === undefined || compareIds(id, newest) > 0)) newest = id
    }
    if (newest !== undefined || fallbackLink === undefined) return newest
    const linked = new URLSearchParams(fallbackLink.split('?')[1] ?? '').get('min_id')
    return linked !== null && idPattern.test(linked) ? linked : undefined
  }

  return {
    async * poll ({ cursor, signal, reportRateLimit }: PollContext): AsyncIterable<PollPage> {
      const fetchPage = async (path: string) => {
        if (signal.aborted) throw new SourceUnavailableError('poll aborted before its last page')
        const page = await client.getPage(path, signal)
        if (page.rateLimit !== undefined) reportRateLimit(page.rateLimit)
        return page
      }

      if (cursor === undefined) {
        if (settings.backfillPages === 0) {
          const probe = await fetchPage(firstPagePath(settings, 1))
          const newest = newestId(probe.items, probe.links.prev)
          yield { items: [], ...(newest === undefined ? {} : { cursor: newest }) }
          return
        }
        let path: string | undefined = firstPagePath(settings, pageLimit)
        let newest: string | undefined
        for (let pages = 0; path !== undefined && pages < settings.backfillPages; pages++) {
          const page = await fetchPage(path)
          if (pages === 0) newest = newestId(page.items, page.links.prev)
          if (page.items.length === 0) break
          yield toPage(page.items, newest)
          path = page.links.next
        }
        return
      }

      let position = cursor
      let path: string | undefined = firstPagePath(settings, pageLimit, cursor)
      for (let pages = 0; path !== undefined && pages < maxPagesPerPoll; pages++) {
        const page = await fetchPage(path)
        if (page.items.length === 0) return
        const newest = newestId(page.items, page.links.prev)
        // A server whose paging does not move forward would loop for ever: stop, keeping what was read.
        if (newest === undefined || compareIds(newest, position) <= 0) {
          yield toPage(page.items, undefined)
          return
        }
        position = newest
        yield toPage(page.items, newest)
        path = page.links.prev
      }
    },
  }
}
