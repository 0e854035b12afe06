import type { KafkaBus, Producer } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import { waitFor } from '@earshot/testing'
import type { FakeFeedServer } from '@earshot/testing/fakes/feed-server'
import type { App } from '../src/app.js'
import { decodeCheckpoint } from '../src/feed-connector.js'
import { feedNativeId } from '../src/normalise.js'
import { buildApp, counterValue, fakeFeeds, kafka, publishedFor, redisCache, tenantName } from './helpers.js'

describe('ingest-feeds against the fake feed server, real Kafka and Redis', () => {
  let bus: KafkaBus
  let producer: Producer
  let feeds: FakeFeedServer
  const caches: Cache[] = []
  const apps: App[] = []

  beforeAll(async () => { ({ bus, producer } = await kafka()) })
  beforeEach(async () => { feeds = await fakeFeeds() })
  afterEach(async () => {
    await Promise.all(apps.splice(0).map(async (app) => { await app.stop() }))
    await Promise.all(caches.splice(0).map(async (cache) => { await cache.close() }))
    await feeds.close()
  })
  afterAll(async () => { await bus.close() })

  function setup (path: string, settings: Record<string, unknown> = {}, source: { sourceId?: string } = {}, config: Parameters<typeof buildApp>[3] = {}) {
    const tenantId = tenantName()
    const cache = redisCache('ingest-feeds')
    caches.push(cache)
    const harness = buildApp(producer, cache, { tenantId, ...source, settings: { url: `${feeds.url}${path}`, ...settings } }, config)
    apps.push(harness.app)
    const poller = harness.app.pollers[0] as NonNullable<App['pollers'][number]>
    const checkpoint = async (): Promise<string | undefined> => await cache.getCheckpoint(`ingest:${tenantId}:${harness.source.sourceId}`)
    return { ...harness, tenantId, cache, poller, checkpoint }
  }

  // Whole seconds: RSS dates (RFC 822) carry no milliseconds.
  const base = Math.floor(Date.now() / 1000) * 1000 - 3_600_000
  /** Forum posts in `threads` threads (the RSS `comments` page), a second apart. */
  function addPosts (path: string, n: number, offset = 0, threads = 7): string[] {
    return Array.from({ length: n }, (_, i) => {
      const k = offset + i
      return feeds.state.addItem(path, {
        title: `Acme post ${k}`,
        html: `<p>The <b>acme</b> app &amp; site, post ${k}</p>`,
        author: `user${k % 5}`,
        publishedAt: new Date(base + k * 1000).toISOString(),
        comments: `${feeds.url}/t/${k % threads}`,
      }).id
    })
  }

  test.each(['rss', 'atom'] as const)('%s: items posted over time reach mentions.v1 exactly once, oldest first per thread', async (format) => {
    feeds.state.addFeed('/latest', { format, limit: 100 })
    const { app, tenantId, poller } = setup('/latest')
    const first = addPosts('/latest', 40)
    app.start()
    await waitFor(async () => (await publishedFor(bus, tenantId)).length >= 40, { timeoutMs: 20_000, message: '40 mentions' })
    const second = addPosts('/latest', 30, 40)
    await waitFor(async () => (await publishedFor(bus, tenantId)).length >= 70, { timeoutMs: 20_000, message: '70 mentions' })
    await app.stop()
    expect((await poller.pollOnce()).published).toBe(0)

    const mentions = await publishedFor(bus, tenantId)
    expect(mentions).toHaveLength(70)
    const ids = [...first, ...second]
    expect(new Set(mentions.map((m) => m.nativeId))).toEqual(new Set(ids.map((id) => feedNativeId(id, 'forum'))))
    const byThread = new Map<string, number[]>()
    for (const m of mentions) byThread.set(m.conversationId, [...(byThread.get(m.conversationId) ?? []), Date.parse(m.createdAt)])
    if (format === 'rss') expect(byThread.size).toBe(7)
    for (const times of byThread.values()) expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(mentions.find((m) => m.text.startsWith('Acme post 3\n'))).toMatchObject({
      platform: 'feed',
      text: 'Acme post 3\n\nThe acme app & site, post 3',
      author: { handle: 'user3' },
      createdAt: new Date(base + 3000).toISOString(),
    })
  })

  test('a 304 parses nothing and publishes nothing; the validators go back verbatim', async () => {
    feeds.state.addFeed('/etag', { format: 'rss' })
    const { poller, metrics, tenantId, checkpoint } = setup('/etag')
    addPosts('/etag', 5)
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', published: 5 })
    const stored = decodeCheckpoint(await checkpoint(), `${feeds.url}/etag`)
    expect(stored.etag).toMatch(/^W\/"v\d+"$/)
    const parsedBefore = await counterValue(metrics, 'feeds_documents_parsed_total', { tenant: tenantId })

    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', fetched: 0, published: 0 })
    const last = feeds.state.requests('/etag').at(-1)
    expect(last).toMatchObject({ status: 304, ifNoneMatch: stored.etag, ifModifiedSince: stored.lastModified })
    expect(await counterValue(metrics, 'feeds_not_modified_total', { tenant: tenantId })).toBe(1)
    expect(await counterValue(metrics, 'feeds_documents_parsed_total', { tenant: tenantId })).toBe(parsedBefore)
    expect(await publishedFor(bus, tenantId)).toHaveLength(5)

    addPosts('/etag', 2, 5)
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', published: 2 })
  })

  test('a feed with only Last-Modified gets If-Modified-Since and 304s too', async () => {
    feeds.state.addFeed('/lm', { format: 'atom', etag: false })
    const { poller, metrics, tenantId } = setup('/lm')
    addPosts('/lm', 3)
    await poller.pollOnce()
    await poller.pollOnce()
    expect(feeds.state.requests('/lm').map((r) => r.status)).toEqual([200, 304])
    expect(feeds.state.requests('/lm')[1]?.ifNoneMatch).toBeUndefined()
    expect(await counterValue(metrics, 'feeds_not_modified_total', { tenant: tenantId })).toBe(1)
  })

  test('503s and dropped connections back off and recover, and are counted', async () => {
    feeds.state.addFeed('/flaky', { format: 'rss', gzip: true })
    const { app, metrics, tenantId } = setup('/flaky')
    const ids = addPosts('/flaky', 20)
    feeds.state.failNext({ kind: 'unavailable' }, 2)
    feeds.state.failNext({ kind: 'socket' })
    feeds.state.failNext({ kind: 'drop-mid-body' })
    app.start()
    await waitFor(async () => (await publishedFor(bus, tenantId)).length === 20, { timeoutMs: 15_000, message: '20 mentions after recovery' })
    expect(new Set((await publishedFor(bus, tenantId)).map((m) => m.nativeId))).toEqual(new Set(ids.map((id) => feedNativeId(id, 'forum'))))
    expect(await counterValue(metrics, 'ingest_errors_total', { tenant: tenantId, kind: 'unavailable' })).toBe(4)
    const requests = feeds.state.requests('/flaky')
    expect(requests.slice(0, 4).map((r) => r.fault)).toEqual(['unavailable', 'unavailable', 'socket', 'drop-mid-body'])
    for (let i = 1; i < 5; i++) expect((requests[i]?.at ?? 0) - (requests[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(5)
    expect(requests.at(-1)?.acceptEncoding).toContain('gzip')
  })

  test('429 and 503 with Retry-After wait for it instead of hammering the site', async () => {
    feeds.state.addFeed('/busy', { format: 'rss' })
    const { poller } = setup('/busy')
    addPosts('/busy', 1)
    feeds.state.failNext({ kind: 'rate-limit', retryAfterSeconds: 30 })
    const before = Date.now()
    const outcome = await poller.pollOnce()
    expect(outcome.status).toBe('rate_limited')
    expect(outcome.nextAt).toBeGreaterThanOrEqual(before + 29_000)
    expect((await poller.pollOnce()).status).toBe('rate_limited')
    expect(feeds.state.requests('/busy')).toHaveLength(1)

    feeds.state.addFeed('/maintenance', { format: 'atom' })
    const maintenance = setup('/maintenance', {}, { sourceId: 'maintenance' })
    feeds.state.failNext({ kind: 'unavailable', status: 503, retryAfterSeconds: 120 })
    const waited = await maintenance.poller.pollOnce()
    expect(waited.status).toBe('rate_limited')
    expect(waited.nextAt).toBeGreaterThanOrEqual(before + 119_000)
  })

  test('a truncated or non-feed document is counted, publishes nothing and keeps the old validators; the next good one goes through', async () => {
    feeds.state.addFeed('/broken', { format: 'rss' })
    const { poller, metrics, tenantId, checkpoint } = setup('/broken')
    addPosts('/broken', 3)
    await poller.pollOnce()
    const stored = await checkpoint()
    addPosts('/broken', 4, 3)
    feeds.state.failNext({ kind: 'malformed-xml' })
    feeds.state.failNext({ kind: 'not-a-feed' })
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', malformed: 1, published: 0 })
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', malformed: 1, published: 0 })
    expect(await checkpoint()).toBe(stored)
    expect(await counterValue(metrics, 'feeds_documents_malformed_total', { tenant: tenantId })).toBe(2)
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', published: 4 })
    expect(await publishedFor(bus, tenantId)).toHaveLength(7)
  })

  test('malformed items are counted and skipped; the rest are published', async () => {
    feeds.state.addFeed('/items', { format: 'rss' })
    const { poller, metrics, tenantId } = setup('/items')
    const good = addPosts('/items', 3)
    feeds.state.addRawItem('/items', '<item><description>no guid, no link, no title</description></item>')
    feeds.state.addRawItem('/items', '<item></item>')
    feeds.state.addRawItem('/items', '<item><guid>tag:x,2026:empty</guid></item>')
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', fetched: 3, malformed: 3, published: 3 })
    expect(await counterValue(metrics, 'ingest_errors_total', { tenant: tenantId, kind: 'malformed' })).toBe(3)
    expect(new Set((await publishedFor(bus, tenantId)).map((m) => m.nativeId))).toEqual(new Set(good.map((id) => feedNativeId(id, 'forum'))))
  })

  test('keyword rules drop items before publishing, counted by reason', async () => {
    feeds.state.addFeed('/reviews', { format: 'atom' })
    const { poller, metrics, tenantId } = setup('/reviews', { include: ['acme rail'], exclude: ['sponsored'] })
    feeds.state.addItem('/reviews', { title: 'Acme Rail lost my bike', publishedAt: new Date(base).toISOString() })
    feeds.state.addItem('/reviews', { title: 'Sponsored: Acme Rail deals', publishedAt: new Date(base + 1000).toISOString() })
    feeds.state.addItem('/reviews', { title: 'Other Rail was fine', publishedAt: new Date(base + 2000).toISOString() })
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', published: 1 })
    expect((await publishedFor(bus, tenantId)).map((m) => m.text)).toEqual(['Acme Rail lost my bike'])
    expect(await counterValue(metrics, 'ingest_filtered_total', { tenant: tenantId, reason: 'keyword_excluded' })).toBe(1)
    expect(await counterValue(metrics, 'ingest_filtered_total', { tenant: tenantId, reason: 'keyword_missing' })).toBe(1)
  })

  test('a permanent redirect is followed and remembered; temporary ones are followed each time', async () => {
    feeds.state.addFeed('/new', { format: 'rss' })
    feeds.state.redirect('/old', '/moved', 301)
    feeds.state.redirect('/moved', '/new', 308)
    feeds.state.redirect('/temp', '/new', 302)
    const moved = setup('/old')
    addPosts('/new', 2)
    expect(await moved.poller.pollOnce()).toMatchObject({ status: 'ok', published: 2 })
    expect(decodeCheckpoint(await moved.checkpoint(), `${feeds.url}/old`).location).toBe(`${feeds.url}/new`)
    await moved.poller.pollOnce()
    expect(feeds.state.requests().map((r) => `${r.path} ${r.status}`)).toEqual(['/old 301', '/moved 308', '/new 200', '/new 304'])

    const temporary = setup('/temp', {}, { sourceId: 'temp' })
    expect(await temporary.poller.pollOnce()).toMatchObject({ status: 'ok', published: 2 })
    expect(decodeCheckpoint(await temporary.checkpoint(), `${feeds.url}/temp`).location).toBeUndefined()
  })

  test('redirect loops and chains longer than the limit are rejected, not retried as outages', async () => {
    feeds.state.addFeed('/end', { format: 'rss' })
    feeds.state.redirect('/loop-a', '/loop-b', 302)
    feeds.state.redirect('/loop-b', '/loop-a', 302)
    for (let i = 0; i < 6; i++) feeds.state.redirect(`/hop${i}`, i === 5 ? '/end' : `/hop${i + 1}`, 302)
    const loop = setup('/loop-a')
    expect((await loop.poller.pollOnce()).status).toBe('rejected')
    expect(feeds.state.requests().filter((r) => r.path.startsWith('/loop'))).toHaveLength(6)
    const chain = setup('/hop0', {}, { sourceId: 'chain' })
    expect((await chain.poller.pollOnce()).status).toBe('rejected')
    expect(feeds.state.requests('/end')).toHaveLength(0)
  })

  test('a body over the size limit is rejected and a slow one times out', async () => {
    feeds.state.addFeed('/big', { format: 'rss' })
    feeds.state.addFeed('/slow', { format: 'rss' })
    addPosts('/big', 1)
    addPosts('/slow', 1)
    feeds.state.failNext({ kind: 'oversized', bytes: 300_000 })
    const big = setup('/big', {}, {}, { config: { FEEDS_MAX_BODY_BYTES: 100_000 } })
    expect((await big.poller.pollOnce()).status).toBe('rejected')
    feeds.state.failNext({ kind: 'slow', chunkBytes: 64, intervalMs: 100 })
    const slow = setup('/slow', {}, { sourceId: 'slow' }, { config: { FEEDS_REQUEST_TIMEOUT: 300 } })
    const started = Date.now()
    expect((await slow.poller.pollOnce()).status).toBe('unavailable')
    expect(Date.now() - started).toBeLessThan(3_000)
    expect(await slow.poller.pollOnce()).toMatchObject({ status: 'ok', published: 1 })
  })
})
