import type { KafkaBus, Producer } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import type { FakeX } from '@earshot/testing'
import { waitFor } from '@earshot/testing'
import type { App } from '../src/app.js'
import { brandUserId, buildApp, counterValue, fakeX, kafka, publishedFor, redisCache, tenantName } from './helpers.js'

describe('ingest-x against the fake X API, real Kafka and Redis', () => {
  let bus: KafkaBus
  let producer: Producer
  let x: FakeX
  const caches: Cache[] = []
  const apps: App[] = []

  beforeAll(async () => { ({ bus, producer } = await kafka()) })
  beforeEach(async () => { x = await fakeX() })
  afterEach(async () => {
    await Promise.all(apps.splice(0).map(async (app) => { await app.stop() }))
    await Promise.all(caches.splice(0).map(async (cache) => { await cache.close() }))
    await x.close()
  })
  afterAll(async () => { await bus.close() })

  function setup (source: Parameters<typeof buildApp>[3], bearer?: string) {
    const cache = redisCache('ingest-x')
    caches.push(cache)
    const harness = buildApp(x, producer, cache, source, bearer)
    apps.push(harness.app)
    return { ...harness, cache, poller: harness.app.pollers[0] as NonNullable<App['pollers'][number]> }
  }

  /** n mentions of the brand: the first `conversations` start threads, the rest reply into them round-robin. */
  let roots: string[] = []
  beforeEach(() => { roots = [] })

  function addMentions (n: number, conversations = 37, offset = 0): string[] {
    const ids: string[] = []
    const base = Date.now() - 3_600_000
    for (let i = 0; i < n; i++) {
      const k = offset + i
      const root = k < conversations ? undefined : roots[k % conversations]
      const tweet = x.state.addTweet({
        text: `@AcmeRail mention ${k}`,
        author: String(2000 + (k % 20)),
        mentions: [brandUserId],
        createdAt: new Date(base + k * 1000).toISOString(),
        ...(root === undefined ? {} : { inReplyTo: root }),
      })
      if (k < conversations) roots.push(tweet.id)
      ids.push(tweet.id)
    }
    return ids
  }

  test('1,000 mentions over many pages reach mentions.v1 exactly once, in order per conversation', async () => {
    const tenantId = tenantName()
    const { app, poller } = setup({ tenantId })
    const first = addMentions(600)
    app.start()
    await waitFor(async () => (await publishedFor(bus, tenantId)).length >= 600, { timeoutMs: 30_000, message: '600 mentions' })
    const later = addMentions(400, 37, 600)
    await waitFor(async () => (await publishedFor(bus, tenantId)).length >= 1000, { timeoutMs: 30_000, message: '1000 mentions' })
    await app.stop()
    // Polls after the last mention found nothing new: nothing is published twice.
    expect((await poller.pollOnce()).published).toBe(0)

    const mentions = await publishedFor(bus, tenantId)
    expect(mentions).toHaveLength(1000)
    expect(new Set(mentions.map((m) => m.nativeId))).toEqual(new Set([...first, ...later]))
    const byConversation = new Map<string, bigint[]>()
    for (const m of mentions) byConversation.set(m.conversationId, [...(byConversation.get(m.conversationId) ?? []), BigInt(m.nativeId)])
    expect(byConversation.size).toBe(37)
    for (const order of byConversation.values()) expect(order).toEqual([...order].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
    const sample = mentions.find((m) => m.nativeId === later[0])
    expect(sample).toMatchObject({ id: `x:${later[0]}`, platform: 'x', author: { handle: 'customer_0' }, inReplyToId: expect.stringMatching(/^x:/), url: `https://x.com/customer_0/status/${later[0]}` })
    // 25 per page: 24 pages for the first 600, 16 for the next 400, plus empty polls.
    const pages = x.state.requests('/2/users/:id/mentions').filter((r) => r.query.pagination_token !== undefined)
    expect(pages.length).toBeGreaterThanOrEqual(38)
    expect(x.state.requests('/2/users/:id/mentions').every((r) => r.query.max_results === '25')).toBe(true)
  })

  test('a 429 makes it wait for x-rate-limit-reset: no request before the reset, then it recovers', async () => {
    const tenantId = tenantName()
    const { app } = setup({ tenantId })
    addMentions(30)
    const resetAt = Date.now() + 1200
    x.state.failNext({ kind: 'rate-limit', resetAt })
    app.start()
    await waitFor(async () => (await publishedFor(bus, tenantId)).length === 30, { timeoutMs: 15_000, message: '30 mentions after the reset' })
    const requests = x.state.requests('/2/users/:id/mentions')
    expect(requests[0]?.status).toBe(429)
    const resetMs = Math.ceil(resetAt / 1000) * 1000
    expect(requests.slice(1).length).toBeGreaterThan(0)
    for (const request of requests.slice(1)) expect(request.at).toBeGreaterThanOrEqual(resetMs)
  })

  test('503s and dropped connections back off and recover, and are counted', async () => {
    const tenantId = tenantName()
    const { app, metrics } = setup({ tenantId })
    const ids = addMentions(60)
    x.state.failNext({ kind: 'unavailable' }, 2)
    x.state.failNext({ kind: 'socket' }, 2)
    app.start()
    await waitFor(async () => (await publishedFor(bus, tenantId)).length === 60, { timeoutMs: 15_000, message: '60 mentions after recovery' })
    expect(new Set((await publishedFor(bus, tenantId)).map((m) => m.nativeId))).toEqual(new Set(ids))
    expect(await counterValue(metrics, 'ingest_errors_total', { tenant: tenantId, kind: 'unavailable' })).toBe(4)
    const times = x.state.requests('/2/users/:id/mentions').slice(0, 5).map((r) => r.at)
    for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(5)
  })

  test('a failure on a later page stores no checkpoint and publishes nothing, so the next poll publishes everything once', async () => {
    const tenantId = tenantName()
    const { poller, cache } = setup({ tenantId })
    const ids = addMentions(100)
    x.state.failNext({ kind: 'malformed-json' }, 1, { after: 1 })
    expect((await poller.pollOnce()).status).toBe('unavailable')
    expect(await cache.getCheckpoint(`ingest:${tenantId}:x-mentions`)).toBeUndefined()
    expect(await publishedFor(bus, tenantId)).toHaveLength(0)
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', published: 100 })
    expect(await cache.getCheckpoint(`ingest:${tenantId}:x-mentions`)).toBe(ids.at(-1))
    expect(await publishedFor(bus, tenantId)).toHaveLength(100)
  })

  test('damaged tweets are counted and skipped, retweets and the brand\'s own posts filtered, the rest published', async () => {
    const tenantId = tenantName()
    const { poller, metrics, cache } = setup({ tenantId })
    const good = addMentions(20)
    const broken = x.state.addTweet({ text: '@AcmeRail no author', author: '2001', mentions: [brandUserId], omit: ['author_id'] })
    const retweet = x.state.addTweet({ text: 'RT @AcmeRail', author: '2002', mentions: [brandUserId], retweetOf: good[0] })
    const own = x.state.addTweet({ text: '@AcmeRail note to self', author: brandUserId, mentions: [brandUserId] })
    x.state.failNext({ kind: 'missing-fields', fields: ['created_at'] })
    const damagedPoll = await poller.pollOnce()
    expect(damagedPoll).toMatchObject({ status: 'ok', malformed: 23, published: 0 })
    // That page's tweets were lost to damage on X's side; a re-read (e.g. a since_id reset) finds them intact.
    await poller.pollOnce()
    expect(await counterValue(metrics, 'ingest_errors_total', { tenant: tenantId, kind: 'malformed' })).toBe(23)

    await cache.setCheckpoint(`ingest:${tenantId}:x-mentions`, '1')
    const reread = await poller.pollOnce()
    expect(reread).toMatchObject({ status: 'ok', fetched: 22, filtered: 2, malformed: 1, published: 20 })
    const published = (await publishedFor(bus, tenantId)).map((m) => m.nativeId)
    expect(new Set(published)).toEqual(new Set(good))
    expect(published).not.toContain(broken.id)
    expect(published).not.toContain(retweet.id)
    expect(published).not.toContain(own.id)
  })

  test('recent search reads its query with next_token paging', async () => {
    const tenantId = tenantName()
    const { poller } = setup({ tenantId, sourceId: 'x-search', settings: { kind: 'search', query: '"acme rail" -is:retweet' } })
    const matching = Array.from({ length: 30 }, (_, i) => x.state.addTweet({ text: `Acme Rail delay ${i}`, author: '2003' }).id)
    x.state.addTweet({ text: 'another brand', author: '2004' })
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', published: 30 })
    expect(x.state.requests('/2/tweets/search/recent').some((r) => r.query.next_token !== undefined)).toBe(true)
    expect(new Set((await publishedFor(bus, tenantId)).map((m) => m.nativeId))).toEqual(new Set(matching))
  })

  test('a rejected token is reported as rejected, not retried as an outage', async () => {
    const tenantId = tenantName()
    const { poller } = setup({ tenantId }, 'wrong-token')
    expect((await poller.pollOnce()).status).toBe('rejected')
  })
})
