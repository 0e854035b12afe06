import type { PollPage } from '@earshot/ingest'
import type { MastodonClient, MastodonPage } from './mastodon-client.js'
import { createMastodonConnector, firstPagePath, sourceFilterReason } from './mastodon-connector.js'
import { parseMastodonSourceSettings } from './sources.js'

const settings = parseMastodonSourceSettings({ kind: 'notifications', instanceUrl: 'https://mastodon.example', accessTokenEnv: 'T', backfillPages: 2 }, 'sources[0]')

function notification (id: number) {
  return {
    id: String(id),
    type: 'mention',
    status: { id: String(5000 + id), created_at: '2026-03-02T08:00:00.000Z', content: `<p>@acme ${id}</p>`, account: { id: '1', acct: 'ann@other.example' } },
  }
}

/** A client answering scripted pages by path, recording what was asked. */
function scriptedClient (pages: Record<string, MastodonPage>) {
  const asked: string[] = []
  const client: MastodonClient = {
    instanceHost: 'mastodon.example',
    getPage: async (path) => {
      asked.push(path)
      const page = pages[path]
      if (page === undefined) throw new Error(`unscripted ${path}`)
      return page
    },
    openStream: async () => { throw new Error('not streaming') },
  }
  return { client, asked }
}

async function collect (pages: AsyncIterable<PollPage>): Promise<PollPage[]> {
  const out: PollPage[] = []
  for await (const page of pages) out.push(page)
  return out
}

const context = (cursor: string | undefined) => ({ cursor, signal: new AbortController().signal, reportRateLimit: () => {} })

test('catching up asks for min_id = checkpoint and follows rel="prev" until an empty page; each page moves the cursor', async () => {
  const base = '/api/v1/notifications?types[]=mention&limit=2'
  const { client, asked } = scriptedClient({
    [`${base}&min_id=100`]: { items: [notification(102), notification(101)], links: { next: `${base}&max_id=101`, prev: `${base}&min_id=102` }, rateLimit: undefined },
    [`${base}&min_id=102`]: { items: [notification(104), notification(103)], links: { prev: `${base}&min_id=104` }, rateLimit: undefined },
    [`${base}&min_id=104`]: { items: [], links: {}, rateLimit: undefined },
  })
  const pages = await collect(createMastodonConnector({ client, tenantId: 'acme-rail', sourceId: 's', settings, pageLimit: 2 }).poll(context('100')))
  expect(asked).toEqual([`${base}&min_id=100`, `${base}&min_id=102`, `${base}&min_id=104`])
  expect(pages.map((p) => p.cursor)).toEqual(['102', '104'])
  expect(pages.flatMap((p) => p.items.map((i) => i.mention.nativeId))).toEqual(['mastodon.example/5102', 'mastodon.example/5101', 'mastodon.example/5104', 'mastodon.example/5103'])
})

test('catching up stops after maxPagesPerPoll pages; the cursor reached is gap-free because pages go oldest first', async () => {
  const base = '/api/v1/notifications?types[]=mention&limit=1'
  const { client, asked } = scriptedClient({
    [`${base}&min_id=100`]: { items: [notification(101)], links: { prev: `${base}&min_id=101` }, rateLimit: undefined },
  })
  const pages = await collect(createMastodonConnector({ client, tenantId: 'acme-rail', sourceId: 's', settings, pageLimit: 1, maxPagesPerPoll: 1 }).poll(context('100')))
  expect(asked).toHaveLength(1)
  expect(pages.at(-1)?.cursor).toBe('101')
})

test('the first poll reads the newest page and backfillPages - 1 older ones; the checkpoint is the newest id', async () => {
  const base = '/api/v1/notifications?types[]=mention&limit=2'
  const { client, asked } = scriptedClient({
    [base]: { items: [notification(9), notification(8)], links: { next: `${base}&max_id=8`, prev: `${base}&min_id=9` }, rateLimit: undefined },
    [`${base}&max_id=8`]: { items: [notification(7), notification(6)], links: { next: `${base}&max_id=6` }, rateLimit: undefined },
  })
  const pages = await collect(createMastodonConnector({ client, tenantId: 'acme-rail', sourceId: 's', settings, pageLimit: 2 }).poll(context(undefined)))
  expect(asked).toEqual([base, `${base}&max_id=8`])
  expect(pages.map((p) => p.cursor)).toEqual(['9', '9'])
  expect(pages.flatMap((p) => p.items)).toHaveLength(4)
})

test('backfillPages 0 starts from now: one probe, no items, the newest id as checkpoint', async () => {
  const { client } = scriptedClient({
    '/api/v1/notifications?types[]=mention&limit=1': { items: [notification(9)], links: {}, rateLimit: undefined },
  })
  const connector = createMastodonConnector({ client, tenantId: 'acme-rail', sourceId: 's', settings: { ...settings, backfillPages: 0 } })
  expect(await collect(connector.poll(context(undefined)))).toEqual([{ items: [], cursor: '9' }])
})

test('damaged items are reported with the page, other notification types skipped, and the cursor still moves past them', async () => {
  const base = '/api/v1/notifications?types[]=mention&limit=80'
  const { client } = scriptedClient({
    [`${base}&min_id=1`]: { items: [{ id: '4', type: 'mention', status: { id: '44' } }, { id: '3', type: 'favourite' }, notification(2)], links: { prev: `${base}&min_id=4` }, rateLimit: undefined },
    [`${base}&min_id=4`]: { items: [], links: {}, rateLimit: undefined },
  })
  const [page] = await collect(createMastodonConnector({ client, tenantId: 'acme-rail', sourceId: 's', settings }).poll(context('1')))
  expect(page?.items).toHaveLength(1)
  expect(page?.malformed).toEqual([{ nativeId: 'mastodon.example/44', reason: 'status lacks created_at, content, account' }])
  expect(page?.cursor).toBe('4')
})

test('rate-limit headers of every page are reported', async () => {
  const base = '/api/v1/notifications?types[]=mention&limit=80'
  const rateLimit = { limit: 300, remaining: 299, resetAt: 1 }
  const { client } = scriptedClient({ [`${base}&min_id=1`]: { items: [], links: {}, rateLimit } })
  const reported: unknown[] = []
  await collect(createMastodonConnector({ client, tenantId: 'acme-rail', sourceId: 's', settings }).poll({ ...context('1'), reportRateLimit: (info) => reported.push(info) }))
  expect(reported).toEqual([rateLimit])
})

test('hashtag sources read the tag timeline, whose page size caps at 40', () => {
  const hashtag = parseMastodonSourceSettings({ kind: 'hashtag', hashtag: 'AcmeRail', instanceUrl: 'https://mastodon.example', accessTokenEnv: 'T' }, 'sources[0]')
  expect(firstPagePath(hashtag, 80, '7')).toBe('/api/v1/timelines/tag/AcmeRail?limit=40&min_id=7')
  expect(firstPagePath(settings, 80)).toBe('/api/v1/notifications?types[]=mention&limit=80')
})

test('source filters drop by language, visibility and bots, each with its reason', () => {
  const filtered = { ...settings, filters: { languages: ['en', 'de'], visibilities: ['public' as const, 'direct' as const], skipBots: true } }
  expect(sourceFilterReason(filtered, { language: 'fr', visibility: 'public', bot: false })).toBe('language')
  expect(sourceFilterReason(filtered, { language: undefined, visibility: 'unlisted', bot: false })).toBe('visibility')
  expect(sourceFilterReason(filtered, { language: 'DE', visibility: 'direct', bot: true })).toBe('bot')
  expect(sourceFilterReason(filtered, { language: 'en', visibility: 'public', bot: false })).toBeUndefined()
  expect(sourceFilterReason(settings, { language: 'fr', visibility: 'private', bot: true })).toBeUndefined()
})
