import type { PollContext, PollingConnector, PollPage } from '@earshot/ingest'
import type { Logger } from '@earshot/observability'
import { SourceUnavailableError } from '@earshot/ingest'
import { z } from 'zod'
import { SourceSettingsError } from './errors.js'
import { normaliseThing } from './normalise.js'
import type { RedditClient } from './reddit-client.js'

const subreddit = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_]{1,20}$/, 'expected a subreddit name without "r/", e.g. "acmeusers"')

export const redditSourceSettingsSchema = z.discriminatedUnion('kind', [
  /** Keyword search, site-wide or within one subreddit (`restrict_sr`), newest first. */
  z.strictObject({
    kind: z.literal('search'),
    query: z.string().min(1).max(512),
    subreddit: subreddit.optional(),
    types: z.array(z.enum(['link', 'comment'])).min(1).default(['link', 'comment']),
  }),
  /** Everything new in one subreddit (e.g. the brand's own): its posts (`new`) or its comments (`comments`). */
  z.strictObject({ kind: z.literal('subreddit'), subreddit, listing: z.enum(['new', 'comments']) }),
])

export type RedditSourceSettings = z.output<typeof redditSourceSettingsSchema>

export function parseRedditSourceSettings (settings: unknown, where: string): RedditSourceSettings {
  const result = redditSourceSettingsSchema.safeParse(settings)
  if (result.success) return result.data
  const lines = result.error.issues.map((issue) => `${[where, 'settings', ...issue.path.map(String)].join('.')}: ${issue.message}`)
  throw new SourceSettingsError(`invalid Reddit source settings:\n  ${lines.join('\n  ')}\n  expected { "kind": "search", "query": "…", "subreddit"?: "…" } or { "kind": "subreddit", "subreddit": "…", "listing": "new" | "comments" }`)
}

/** The checkpoint: the newest fullname read and its `created_utc`, as `t3_abc@1735725600`. */
export interface RedditCursor {
  name: string
  createdUtc: number
}

export function encodeCursor (cursor: RedditCursor): string {
  return `${cursor.name}@${cursor.createdUtc}`
}

export function decodeCursor (value: string | undefined): RedditCursor | undefined {
  const match = /^(t[13]_[0-9a-z]+)(?:@(\d+(?:\.\d+)?))?$/.exec(value ?? '')
  if (match === null) return undefined
  return { name: match[1] as string, createdUtc: match[2] === undefined ? 0 : Number(match[2]) }
}

function newer (a: RedditCursor, b: RedditCursor | undefined): boolean {
  if (b === undefined) return true
  if (a.createdUtc !== b.createdUtc) return a.createdUtc > b.createdUtc
  const [idA, idB] = [a.name.slice(3), b.name.slice(3)]
  return idA.length !== idB.length ? idA.length > idB.length : idA > idB
}

/** Reddit serves at most about this many items of any listing. */
const listingWindow = 1000

export interface RedditConnectorOptions {
  client: RedditClient
  tenantId: string
  sourceId: string
  settings: RedditSourceSettings
  /** Items per page, at most 100. */
  pageSize?: number
  /** Pages per poll at most (listings end at ~1,000 items). */
  maxPages?: number
  now?: () => number
  /** Told when a poll ends without reaching the checkpoint: older items may be missed. */
  logger?: Pick<Logger, 'warn'>
}

export function listingRequest (settings: RedditSourceSettings): { path: string, query: Record<string, string> } {
  if (settings.kind === 'subreddit') return { path: `/r/${settings.subreddit}/${settings.listing}`, query: {} }
  const query = { q: settings.query, sort: 'new', type: settings.types.join(',') }
  return settings.subreddit === undefined
    ? { path: '/search', query }
    : { path: `/r/${settings.subreddit}/search`, query: { ...query, restrict_sr: '1' } }
}

interface Listing {
  after: string | undefined
  children: unknown[]
}

function readListing (body: unknown): Listing {
  const listing = body as { kind?: unknown, data?: { after?: unknown, children?: unknown } } | null
  if (typeof listing !== 'object' || listing === null || listing.kind !== 'Listing' || typeof listing.data !== 'object' || listing.data === null) {
    throw new SourceUnavailableError('Reddit answered something other than a Listing')
  }
  if (!Array.isArray(listing.data.children)) throw new SourceUnavailableError('Reddit answered a Listing without children')
  const after = typeof listing.data.after === 'string' && listing.data.after !== '' ? listing.data.after : undefined
  return { after, children: listing.data.children }
}

/**
 * Reads a listing newest first, following `after`, until a page reaches the checkpoint (its
 * fullname, or anything older than it) or the listing ends. Paging forward with `before=<checkpoint>`
 * would be cheaper but returns nothing once that item is deleted or removed, so it is not used.
 * Search results are not strictly chronological: what an overlapping page repeats is removed by
 * the poller's dedupe on the fullname. The cursor carried by each page is the newest item so far.
 */
export function createRedditConnector (options: RedditConnectorOptions): PollingConnector {
  const { client, settings } = options
  const now = options.now ?? Date.now
  const pageSize = options.pageSize ?? 100
  const maxPages = options.maxPages ?? 10
  const request = listingRequest(settings)

  return {
    async * poll ({ cursor, signal, reportRateLimit }: PollContext): AsyncIterable<PollPage> {
      const checkpoint = decodeCursor(cursor)
      let newest = checkpoint
      let after: string | undefined
      let read = 0
      for (let page = 1; ; page++) {
        // Stopping between pages would store the newest item with older pages unread: fail the poll instead.
        if (signal.aborted) throw new SourceUnavailableError('poll aborted before its last page')
        const body = await client.get(request.path, { ...request.query, limit: pageSize, after, raw_json: 1 }, { signal, reportRateLimit })
        const listing = readListing(body)
        const context = { tenantId: options.tenantId, sourceId: options.sourceId, receivedAt: new Date(now()).toISOString() }
        const result: PollPage = { items: [], malformed: [] }
        let reached = false
        for (const child of listing.children) {
          const normalised = normaliseThing(child, context)
          if (!normalised.ok) {
            result.malformed?.push({ reason: normalised.reason, ...(normalised.nativeId === undefined ? {} : { nativeId: normalised.nativeId }) })
            continue
          }
          const seen = { name: normalised.item.mention.nativeId, createdUtc: normalised.createdUtc }
          if (checkpoint !== undefined && (seen.name === checkpoint.name || seen.createdUtc < checkpoint.createdUtc)) reached = true
          if (newer(seen, newest)) newest = seen
          result.items.push(normalised.item)
        }
        if (newest !== undefined) result.cursor = encodeCursor(newest)
        yield result
        after = listing.after
        read += listing.children.length
        if (reached) return
        if (after === undefined || page >= maxPages) {
          // A listing that ends early is complete; one cut by us, or by Reddit's ~1,000-item window, may hide older items.
          if (checkpoint !== undefined && (after !== undefined || read >= listingWindow)) {
            options.logger?.warn({ event: 'reddit.listing_gap', pages: page, read, checkpoint: cursor, listingEnded: after === undefined },
              'stopped before reaching the checkpoint: items between may be missed; poll more often')
          }
          return
        }
      }
    },
  }
}
