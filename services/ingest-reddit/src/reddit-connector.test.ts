import type { PollPage } from '@earshot/ingest'
import { SourceUnavailableError } from '@earshot/ingest'
import { SourceSettingsError } from './errors.js'
import type { RedditClient } from './reddit-client.js'
import { createRedditConnector, decodeCursor, listingRequest, parseRedditSourceSettings } from './reddit-connector.js'

function post (n: number) {
  return { kind: 't3', data: { name: `t3_${n.toString(36)}`, subreddit: 'acme', title: `post ${n}`, author: 'dave', created_utc: 1_700_000_000 + n } }
}

/** A listing of posts numbered newest first, paged by `after` like Reddit. */
function stubClient (numbers: number[], pageSize: number) {
  const calls: Array<Record<string, string | number | undefined>> = []
  const client: RedditClient = {
    async get (_path, query) {
      calls.push(query)
      const start = query.after === undefined ? 0 : numbers.findIndex((n) => `t3_${n.toString(36)}` === query.after) + 1
      const page = numbers.slice(start, start + pageSize)
      const after = start + pageSize < numbers.length ? `t3_${(page.at(-1) ?? 0).toString(36)}` : null
      return { kind: 'Listing', data: { after, before: null, children: page.map(post) } }
    },
  }
  return { client, calls }
}

async function collect (pages: AsyncIterable<PollPage>): Promise<PollPage[]> {
  const out: PollPage[] = []
  for await (const page of pages) out.push(page)
  return out
}

const settings = parseRedditSourceSettings({ kind: 'subreddit', subreddit: 'acme', listing: 'new' }, 'sources[0]')
const context = (cursor: string | undefined) => ({ cursor, signal: new AbortController().signal, reportRateLimit: () => {} })

test('the first poll reads the whole listing and carries the newest fullname with its time as the cursor', async () => {
  const { client, calls } = stubClient([50, 49, 48, 47, 46, 45, 44], 3)
  const pages = await collect(createRedditConnector({ client, tenantId: 'acme', sourceId: 's', settings, pageSize: 3 }).poll(context(undefined)))
  expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1])
  expect(calls.map((c) => c.after)).toEqual([undefined, 't3_1c', 't3_19'])
  expect(pages.at(-1)?.cursor).toBe(`t3_1e@${1_700_000_050}`)
})

test('a later poll stops at the page that reaches the checkpoint', async () => {
  const { client, calls } = stubClient([60, 59, 58, 57, 56, 55, 50, 49, 48], 3)
  const pages = await collect(createRedditConnector({ client, tenantId: 'acme', sourceId: 's', settings, pageSize: 3 }).poll(context(`t3_1e@${1_700_000_050}`)))
  expect(calls).toHaveLength(3)
  expect(pages.at(-1)?.cursor).toBe(`t3_1o@${1_700_000_060}`)
})

test('a deleted checkpoint item still stops the poll, at the first older item', async () => {
  const { client, calls } = stubClient([60, 59, 58, 49, 48, 47, 46], 3)
  await collect(createRedditConnector({ client, tenantId: 'acme', sourceId: 's', settings, pageSize: 3 }).poll(context(`t3_1e@${1_700_000_050}`)))
  expect(calls).toHaveLength(2)
})

test('maxPages bounds one poll, and stopping short of the checkpoint is reported as a possible gap', async () => {
  const { client, calls } = stubClient(Array.from({ length: 30 }, (_, i) => 100 - i), 3)
  const warnings: unknown[] = []
  const logger = { warn: (obj: unknown) => { warnings.push(obj) } }
  await collect(createRedditConnector({ client, tenantId: 'acme', sourceId: 's', settings, pageSize: 3, maxPages: 4, logger }).poll(context(undefined)))
  expect(calls).toHaveLength(4)
  expect(warnings).toHaveLength(0)
  await collect(createRedditConnector({ client, tenantId: 'acme', sourceId: 's', settings, pageSize: 3, maxPages: 4, logger }).poll(context(`t3_1e@${1_700_000_050}`)))
  expect(warnings).toEqual([expect.objectContaining({ event: 'reddit.listing_gap', pages: 4, listingEnded: false })])
  // A short listing that ends before the (deleted) checkpoint is complete: no warning.
  const short = stubClient([60, 59], 3)
  await collect(createRedditConnector({ client: short.client, tenantId: 'acme', sourceId: 's', settings, pageSize: 3, logger }).poll(context(`t3_zz@${1_700_000_050}`)))
  expect(warnings).toHaveLength(1)
})

test('an answer that is not a Listing fails the poll as retriable', async () => {
  const client: RedditClient = { get: async () => ({ kind: 't3' }) }
  await expect(collect(createRedditConnector({ client, tenantId: 'acme', sourceId: 's', settings }).poll(context(undefined)))).rejects.toBeInstanceOf(SourceUnavailableError)
})

test('search settings map to /search or a restricted subreddit search, sorted new', () => {
  expect(listingRequest(parseRedditSourceSettings({ kind: 'search', query: 'acme' }, 's'))).toEqual({ path: '/search', query: { q: 'acme', sort: 'new', type: 'link,comment' } })
  expect(listingRequest(parseRedditSourceSettings({ kind: 'search', query: 'acme', subreddit: 'trains', types: ['link'] }, 's')))
    .toEqual({ path: '/r/trains/search', query: { q: 'acme', sort: 'new', type: 'link', restrict_sr: '1' } })
})

test('bad settings name the field and say what is expected', () => {
  expect(() => parseRedditSourceSettings({ kind: 'subreddit', subreddit: 'r/acme', listing: 'hot' }, 'sources[2] (acme/r)'))
    .toThrow(SourceSettingsError)
  expect(() => parseRedditSourceSettings({ kind: 'subreddit', subreddit: 'r/acme', listing: 'new' }, 'sources[2] (acme/r)'))
    .toThrow(/sources\[2\] \(acme\/r\)\.settings\.subreddit: expected a subreddit name without "r\/"/)
})

test('cursors decode with and without their time', () => {
  expect(decodeCursor('t1_abc@1700000000')).toEqual({ name: 't1_abc', createdUtc: 1_700_000_000 })
  expect(decodeCursor('t3_abc')).toEqual({ name: 't3_abc', createdUtc: 0 })
  expect(decodeCursor('garbage')).toBeUndefined()
})
