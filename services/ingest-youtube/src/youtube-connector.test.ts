import { createMemoryCache, type MemoryCache } from '@earshot/cache'
import { type PollPage, RateLimitedError, SourceRejectedError } from '@earshot/ingest'
import { createQuotaBudget } from './quota.js'
import { QuotaExceededError, type YouTubeClient } from './youtube-client.js'
import { createYouTubeConnector, decodeCursor, parseYouTubeSourceSettings } from './youtube-connector.js'

const channelId = 'UCacmeacmeacmeacmeacme12'
const settings = parseYouTubeSourceSettings({ kind: 'channel', channelId }, 'sources[0]')
const clock = { at: Date.parse('2026-01-15T12:00:00Z') }
const base = Date.parse('2026-01-15T10:00:00Z')

function thread (n: number) {
  const id = `thread${n}`
  const snippet = { videoId: 'vid1', textOriginal: `comment ${n}`, authorDisplayName: `@user${n}`, authorChannelId: { value: `UCuser${n}` }, publishedAt: new Date(base + n * 1000).toISOString(), likeCount: n }
  return { id, snippet: { channelId, videoId: 'vid1', totalReplyCount: 0, topLevelComment: { id, snippet } } }
}

/** Threads numbered newest first; page tokens are offsets. Scripted errors replace the answer to a given call. */
function stubClient (threads: () => number[], pageSize: number, errors: Map<number, Error> = new Map()) {
  const calls: Array<string | number | undefined> = []
  const client: YouTubeClient = {
    async list (_resource, query) {
      calls.push(query.pageToken)
      const error = errors.get(calls.length)
      if (error !== undefined) throw error
      const numbers = threads()
      const start = query.pageToken === undefined ? 0 : Number(query.pageToken)
      const next = start + pageSize < numbers.length ? String(start + pageSize) : undefined
      return { items: numbers.slice(start, start + pageSize).map(thread), ...(next === undefined ? {} : { nextPageToken: next }) }
    },
  }
  return { client, calls }
}

async function poll (connector: ReturnType<typeof createYouTubeConnector>, cursor: string | undefined): Promise<{ pages: PollPage[], cursor: string | undefined, ids: string[] }> {
  const pages: PollPage[] = []
  for await (const page of connector.poll({ cursor, signal: new AbortController().signal, reportRateLimit: () => {} })) pages.push(page)
  const last = pages.map((p) => p.cursor).filter((c) => c !== undefined).at(-1)
  return { pages, cursor: last ?? cursor, ids: pages.flatMap((p) => p.items.map((i) => i.mention.nativeId)) }
}

let cache: MemoryCache
beforeEach(() => { cache = createMemoryCache({ now: () => clock.at }) })
afterEach(async () => { await cache.close() })

function connector (client: YouTubeClient, unitsPerDay: number, maxPages = 50) {
  const budget = createQuotaBudget({ cache, name: 'acme:yt', unitsPerDay })
  return createYouTubeConnector({ client, budget, unitsPerDay, tenantId: 'acme', sourceId: 'yt', settings, pageSize: 2, maxPages, now: () => clock.at })
}

const range = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => from - i)

test('reads newest first until the checkpoint, and checkpoints on the newest publishedAt', async () => {
  let numbers = range(10, 1)
  const { client, calls } = stubClient(() => numbers, 2)
  const yt = connector(client, 1000)
  const first = await poll(yt, undefined)
  expect(first.ids).toHaveLength(10)
  expect(decodeCursor(first.cursor)).toEqual({ done: { at: base + 10_000, ids: ['thread10'] } })
  numbers = range(15, 1)
  calls.length = 0
  const second = await poll(yt, first.cursor)
  expect(calls).toEqual([undefined, '2', '4'])
  expect(second.ids).toEqual(expect.arrayContaining(['thread15', 'thread14', 'thread13', 'thread12', 'thread11']))
  expect(decodeCursor(second.cursor).done?.at).toBe(base + 15_000)
})

test('when the daily budget runs out mid-poll it keeps what it read and continues from the page token after the reset', async () => {
  let numbers = range(10, 1)
  const { client, calls } = stubClient(() => numbers, 2)
  const yt = connector(client, 3)
  const first = await poll(yt, undefined)
  expect(first.ids).toEqual(['thread10', 'thread9', 'thread8', 'thread7', 'thread6', 'thread5'])
  numbers = range(20, 1)
  clock.at = Date.parse('2026-01-16T08:00:00Z')
  const backlog = await poll(yt, first.cursor)
  expect(backlog.ids).toEqual(range(20, 15).map((n) => `thread${n}`))
  expect(decodeCursor(backlog.cursor)).toEqual({ done: { at: base + 10_000, ids: ['thread10'] }, resume: { pageToken: '6', top: { at: base + 20_000, ids: ['thread20'] } } })
  await expect(poll(yt, backlog.cursor)).rejects.toBeInstanceOf(RateLimitedError)
  clock.at = Date.parse('2026-01-17T08:00:00Z')
  calls.length = 0
  const rest = await poll(yt, backlog.cursor)
  expect(calls).toEqual(['6', '8', '10'])
  expect(rest.ids).toEqual(expect.arrayContaining(['thread14', 'thread13', 'thread12', 'thread11']))
  expect(decodeCursor(rest.cursor)).toEqual({ done: { at: base + 20_000, ids: ['thread20'] } })
})

test('quotaExceeded on the first page is a rate limit until midnight Pacific and uses up the day\'s budget', async () => {
  clock.at = Date.parse('2026-01-15T12:00:00Z')
  const reset = Date.parse('2026-01-16T08:00:00Z')
  const { client, calls } = stubClient(() => range(4, 1), 2, new Map([[1, new QuotaExceededError(reset)]]))
  const yt = connector(client, 100)
  const error = await poll(yt, undefined).catch((err: unknown) => err)
  expect(error).toBeInstanceOf(QuotaExceededError)
  expect((error as RateLimitedError).resetAt).toBe(reset)
  await expect(poll(yt, undefined)).rejects.toThrow(/daily budget of 100 units spent/)
  expect(calls).toHaveLength(1)
})

test('an expired resume token falls back to reading from the top', async () => {
  const { client, calls } = stubClient(() => range(6, 1), 2, new Map([[1, new SourceRejectedError('YouTube answered 400 invalidPageToken: bad', 400)]]))
  const yt = connector(client, 100)
  const cursor = JSON.stringify({ done: { at: base + 3000, ids: ['thread3'] }, resume: { pageToken: 'stale', top: { at: base + 6000, ids: ['thread6'] } } })
  const result = await poll(yt, cursor)
  expect(calls).toEqual(['stale', undefined, '2'])
  expect(decodeCursor(result.cursor)).toEqual({ done: { at: base + 6000, ids: ['thread6'] } })
})

test('threads published in the same second as the checkpoint are new unless their id was seen', async () => {
  const same = base + 5000
  const threads = ['a', 'b', 'c'].map((id) => ({ ...thread(5), id, snippet: { ...thread(5).snippet, topLevelComment: { id, snippet: { ...thread(5).snippet.topLevelComment.snippet, publishedAt: new Date(same).toISOString() } } } }))
  const client: YouTubeClient = { list: async () => ({ items: threads }) }
  const result = await poll(connector(client, 100), JSON.stringify({ done: { at: same, ids: ['a'] } }))
  expect(decodeCursor(result.cursor)).toEqual({ done: { at: same, ids: ['a', 'b', 'c'] } })
})

test('a thread with more replies than it carries gets them from comments.list; running out of units there re-reads the page after the reset', async () => {
  const withReplies = { ...thread(3), snippet: { ...thread(3).snippet, totalReplyCount: 3 } }
  const reply = (n: number) => ({ id: `thread3.r${n}`, snippet: { ...thread(3).snippet.topLevelComment.snippet, parentId: 'thread3', textOriginal: `reply ${n}` } })
  const calls: string[] = []
  const client: YouTubeClient = {
    async list (resource, query) {
      calls.push(`${resource}:${String(query.pageToken ?? '')}`)
      if (resource === 'comments') return query.pageToken === undefined ? { items: [reply(1), reply(2)], nextPageToken: 'p2' } : { items: [reply(3)] }
      return { items: [withReplies, thread(2)] }
    },
  }
  const full = await poll(connector(client, 100), undefined)
  expect(full.ids).toEqual(['thread3', 'thread3.r1', 'thread3.r2', 'thread3.r3', 'thread2'])
  expect(calls).toEqual(['commentThreads:', 'comments:', 'comments:p2'])
  await cache.close()
  cache = createMemoryCache({ now: () => clock.at })
  const cut = await poll(connector(client, 2), JSON.stringify({ done: { at: base, ids: ['thread0'] } }))
  expect(cut.ids).toEqual(['thread3', 'thread3.r1', 'thread3.r2'])
  expect(decodeCursor(cut.cursor)).toEqual({ done: { at: base, ids: ['thread0'] } })
})

test('settings need a channel id', () => {
  expect(() => parseYouTubeSourceSettings({ kind: 'channel', channelId: 'acme' }, 'sources[1] (acme/yt)'))
    .toThrow(/sources\[1\] \(acme\/yt\)\.settings\.channelId: expected a channel id/)
})
