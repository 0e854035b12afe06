import type { PollContext, PollingConnector, PollPage } from '@earshot/ingest'
import { RateLimitedError, SourceRejectedError, SourceUnavailableError } from '@earshot/ingest'
import { z } from 'zod'
import { SourceSettingsError } from './errors.js'
import { normaliseComment, normaliseThread } from './normalise.js'
import type { QuotaBudget } from './quota.js'
import { QuotaExceededError, type YouTubeClient } from './youtube-client.js'

export const youtubeSourceSettingsSchema = z.strictObject({
  /** Every comment thread on the channel's videos (`allThreadsRelatedToChannelId`). */
  kind: z.literal('channel'),
  channelId: z.string().regex(/^UC[0-9A-Za-z_-]{22}$/, 'expected a channel id: "UC" and 22 letters, digits, "-" or "_"'),
  /** Units this source may spend per Pacific day (default YOUTUBE_SOURCE_DAILY_UNITS). */
  dailyUnits: z.int().min(1).max(10_000_000).optional(),
})

export type YouTubeSourceSettings = z.output<typeof youtubeSourceSettingsSchema>

export function parseYouTubeSourceSettings (settings: unknown, where: string): YouTubeSourceSettings {
  const result = youtubeSourceSettingsSchema.safeParse(settings)
  if (result.success) return result.data
  const lines = result.error.issues.map((issue) => `${[where, 'settings', ...issue.path.map(String)].join('.')}: ${issue.message}`)
  throw new SourceSettingsError(`invalid YouTube source settings:\n  ${lines.join('\n  ')}\n  expected { "kind": "channel", "channelId": "UC…", "dailyUnits"?: 2000 }`)
}

/** The newest top-level publishedAt read (epoch ms) and the thread ids published at that instant. */
export interface Mark {
  at: number
  ids: string[]
}

/**
 * The checkpoint. `done` is what every poll has read down to. While a backlog is being read across
 * polls (the budget or page limit ran out), `resume` is the page token to continue from and `top`
 * the newest thread seen since `done`; when the backlog reaches `done`, `top` becomes the new `done`.
 */
export interface YouTubeCursor {
  done?: Mark
  resume?: { pageToken: string, top?: Mark }
}

const maxIdsAtInstant = 100

export function encodeCursor (cursor: YouTubeCursor): string {
  return JSON.stringify(cursor)
}

export function decodeCursor (value: string | undefined): YouTubeCursor {
  if (value === undefined) return {}
  try {
    const parsed = JSON.parse(value) as YouTubeCursor
    return typeof parsed === 'object' && parsed !== null ? parsed : {}
  } catch {
    return {}
  }
}

function isMark (value: Mark | undefined): value is Mark {
  return value !== undefined && typeof value.at === 'number' && Array.isArray(value.ids)
}

export interface YouTubeConnectorOptions {
  client: YouTubeClient
  budget: QuotaBudget
  unitsPerDay: number
  tenantId: string
  sourceId: string
  settings: YouTubeSourceSettings
  /** Threads per page (1..100); every page costs one unit. */
  pageSize?: number
  /** Pages per poll at most; the rest of a backlog continues on the next poll. */
  maxPages?: number
  now?: () => number
}

/**
 * commentThreads.list has no since-cursor: each poll reads pages newest first (`order=time`) until a
 * thread at or before the checkpoint (its newest `publishedAt`, plus the ids seen at that instant).
 * Before each page one unit is taken from the source's daily budget (kept in the cache); when it is
 * spent, or YouTube says `quotaExceeded`, nothing more is requested until midnight Pacific. A poll
 * cut short after its first page keeps what it read and remembers the next page token, so the
 * backlog continues where it stopped instead of being re-read from the top every day. A new thread
 * whose replies are not all carried gets the rest from comments.list (one unit a page).
 */
export function createYouTubeConnector (options: YouTubeConnectorOptions): PollingConnector {
  const { client, budget, settings } = options
  const now = options.now ?? Date.now
  const pageSize = options.pageSize ?? 100
  const maxPages = options.maxPages ?? 50
  const brandChannelId = settings.channelId

  type Spent = 'granted' | 'spent'

  /** One unit from the budget (or the API's quota) for the next call; 'spent' when none is left today. */
  async function take (reportRateLimit: PollContext['reportRateLimit']): Promise<Spent> {
    const grant = await budget.spend(1, now())
    reportRateLimit({ limit: options.unitsPerDay, remaining: grant.remaining, resetAt: grant.resetAt })
    return grant.granted ? 'granted' : 'spent'
  }

  async function quotaGone (reportRateLimit: PollContext['reportRateLimit']): Promise<void> {
    const spent = await budget.exhaust(now())
    reportRateLimit({ limit: options.unitsPerDay, remaining: 0, resetAt: spent.resetAt })
  }

  /**
   * The replies a thread does not carry, from comments.list (one unit a page). 'spent' when the
   * budget or quota ran out before the last page.
   */
  async function moreReplies (threadId: string, context: PollContext): Promise<{ comments: unknown[], outcome: Spent }> {
    const comments: unknown[] = []
    let pageToken: string | undefined
    do {
      if (context.signal.aborted) throw new SourceUnavailableError('poll aborted while reading replies')
      if (await take(context.reportRateLimit) === 'spent') return { comments, outcome: 'spent' }
      let body: unknown
      try {
        body = await client.list('comments', { part: 'snippet', parentId: threadId, maxResults: 100, textFormat: 'plainText', pageToken }, context.signal)
      } catch (err) {
        if (!(err instanceof QuotaExceededError)) throw err
        await quotaGone(context.reportRateLimit)
        return { comments, outcome: 'spent' }
      }
      const response = body as { items?: unknown, nextPageToken?: unknown } | null
      if (typeof response !== 'object' || response === null || !Array.isArray(response.items)) throw new SourceUnavailableError('YouTube answered a page of replies without items')
      comments.push(...response.items)
      pageToken = typeof response.nextPageToken === 'string' && response.nextPageToken !== '' ? response.nextPageToken : undefined
    } while (pageToken !== undefined)
    return { comments, outcome: 'granted' }
  }

  return {
    async * poll (pollContext: PollContext): AsyncIterable<PollPage> {
      const { cursor, signal, reportRateLimit } = pollContext
      const state = decodeCursor(cursor)
      const done = isMark(state.done) ? state.done : undefined
      let token = state.resume?.pageToken
      let newest = token !== undefined && isMark(state.resume?.top) ? state.resume.top : done
      const pause = (nextToken: string | undefined): PollPage => done === undefined || nextToken === undefined
        // A first poll reads recent history only; a backlog without a token to continue from is read again from the top.
        ? { items: [], ...(newest === undefined || done !== undefined ? {} : { cursor: encodeCursor({ done: newest }) }) }
        : { items: [], cursor: encodeCursor({ done, resume: { pageToken: nextToken, ...(newest === undefined ? {} : { top: newest }) } }) }

      for (let page = 1; ; page++) {
        if (signal.aborted) throw new SourceUnavailableError('poll aborted before its last page')
        if (await take(reportRateLimit) === 'spent') {
          if (page === 1) {
            const { resetAt } = await budget.state(now())
            throw new RateLimitedError(resetAt, `daily budget of ${options.unitsPerDay} units spent until midnight Pacific`)
          }
          yield pause(token)
          return
        }
        let body: unknown
        try {
          body = await client.list('commentThreads', {
            part: 'snippet,replies',
            allThreadsRelatedToChannelId: settings.channelId,
            maxResults: pageSize,
            order: 'time',
            textFormat: 'plainText',
            pageToken: token,
          }, signal)
        } catch (err) {
          if (err instanceof QuotaExceededError) {
            await quotaGone(reportRateLimit)
            if (page === 1) throw err
            yield pause(token)
            return
          }
          if (err instanceof SourceRejectedError && err.status === 400 && token !== undefined && /invalidPageToken/.test(err.message)) {
            // The saved token expired: read the backlog again from the top (dedupe drops what was published).
            token = undefined
            continue
          }
          throw err
        }
        const response = body as { items?: unknown, nextPageToken?: unknown } | null
        if (typeof response !== 'object' || response === null || !Array.isArray(response.items)) throw new SourceUnavailableError('YouTube answered a page without items')
        const context = { tenantId: options.tenantId, sourceId: options.sourceId, receivedAt: new Date(now()).toISOString(), brandChannelId }
        const result: PollPage = { items: [], malformed: [] }
        let reached = false
        for (const raw of response.items) {
          const thread = normaliseThread(raw, context)
          if (!('normalised' in thread)) {
            result.malformed?.push({ reason: thread.reason, ...(thread.nativeId === undefined ? {} : { nativeId: thread.nativeId }) })
            continue
          }
          const known = done !== undefined && (thread.publishedAt < done.at || (thread.publishedAt === done.at && done.ids.includes(thread.id)))
          if (known) reached = true
          if (newest === undefined || thread.publishedAt > newest.at) newest = { at: thread.publishedAt, ids: [thread.id] }
          else if (thread.publishedAt === newest.at && !newest.ids.includes(thread.id) && newest.ids.length < maxIdsAtInstant) newest = { at: newest.at, ids: [...newest.ids, thread.id] }
          const normalised = [...thread.normalised]
          let repliesCut = false
          if (!known && thread.totalReplyCount > thread.carriedReplyIds.length) {
            const more = await moreReplies(thread.id, pollContext)
            for (const reply of more.comments) {
              const id = (reply as { id?: unknown } | null)?.id
              if (typeof id !== 'string' || !thread.carriedReplyIds.includes(id)) normalised.push(normaliseComment(reply, context, undefined, thread.id))
            }
            repliesCut = more.outcome === 'spent'
          }
          for (const item of normalised) {
            if (item.ok) result.items.push(item.item)
            else result.malformed?.push({ reason: item.reason, ...(item.nativeId === undefined ? {} : { nativeId: item.nativeId }) })
          }
          if (repliesCut) {
            // Out of units inside this page: keep what was read and read this page again after the reset.
            yield result
            yield pause(token)
            return
          }
        }
        yield result
        const nextToken = typeof response.nextPageToken === 'string' && response.nextPageToken !== '' ? response.nextPageToken : undefined
        if (reached || nextToken === undefined) {
          if (newest !== undefined) yield { items: [], cursor: encodeCursor({ done: newest }) }
          return
        }
        if (page >= maxPages) {
          yield pause(nextToken)
          return
        }
        token = nextToken
      }
    },
  }
}
