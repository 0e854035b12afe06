import type { KafkaBus, Producer } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import { waitFor } from '@earshot/testing'
import type { FakeReddit } from '@earshot/testing/fakes/reddit-server'
import type { App } from '../src/app.js'
import { buildApp, counterValue, fakeReddit, kafka, publishedFor, redisCache, tenantName, threadWriter, userAgent } from './helpers.js'

describe('ingest-reddit against the fake Reddit API, real Kafka and Redis', () => {
  let bus: KafkaBus
  let producer: Producer
  let reddit: FakeReddit
  const caches: Cache[] = []
  const apps: App[] = []

  beforeAll(async () => { ({ bus, producer } = await kafka()) })
  beforeEach(async () => { reddit = await fakeReddit() })
  afterEach(async () => {
    await Promise.all(apps.splice(0).map(async (app) => { await app.stop() }))
    await Promise.all(caches.splice(0).map(async (cache) => { await cache.close() }))
    await reddit.close()
  })
  afterAll(async () => { await bus.close() })

  function setup (source: Parameters<typeof buildApp>[3], secret?: string) {
    const cache = redisCache('ingest-reddit')
    caches.push(cache)
    const harness = buildApp(reddit, producer, cache, source, secret)
    apps.push(harness.app)
    return { ...harness, cache, poller: harness.app.pollers[0] as NonNullable<App['pollers'][number]> }
  }

  const apiRequests = () => reddit.state.requests().filter((r) => r.route !== '/api/v1/access_token')

  test('1,000 posts and comments over many pages reach mentions.v1 exactly once, in order per conversation', async () => {
    const tenantId = tenantName()
    const { app, poller, cache } = setup({ tenantId })
    const threads = threadWriter(reddit)
    const first = threads.add(600)
    app.start()
    await waitFor(async () => (await publishedFor(bus, tenantId)).length >= 600, { timeoutMs: 30_000, message: '600 mentions' })
    const later = threads.add(400)
    await waitFor(async () => (await publishedFor(bus, tenantId)).length >= 1000, { timeoutMs: 30_000, message: '1000 mentions' })
    await app.stop()
    expect((await poller.pollOnce()).published).toBe(0)

    const mentions = await publishedFor(bus, tenantId)
    expect(mentions).toHaveLength(1000)
    expect(new Set(mentions.map((m) => m.nativeId))).toEqual(new Set([...first, ...later]))
    const byConversation = new Map<string, string[]>()
    for (const m of mentions) byConversation.set(m.conversationId, [...(byConversation.get(m.conversationId) ?? []), m.createdAt])
    expect(byConversation.size).toBe(37)
    for (const [conversation, times] of byConversation) {
      expect(times).toEqual([...times].sort())
      expect(mentions.find((m) => m.createdAt === times[0] && m.conversationId === conversation)?.nativeId).toBe(conversation.slice('reddit:'.length))
    }
    const reply = mentions.find((m) => m.nativeId === later[1])
    expect(reply).toMatchObject({ platform: 'reddit', id: `reddit:${later[1]}`, inReplyToId: expect.stringMatching(/^reddit:t[13]_/), url: expect.stringMatching(/^https:\/\/www\.reddit\.com\/r\/acmeusers\/comments\//) })
    expect(await cache.getCheckpoint(`ingest:${tenantId}:reddit-search`)).toMatch(new RegExp(`^${later.at(-1) ?? ''}@\\d+$`))
    // 25 per page: 24 pages for the first 600, at least 16 for the next 400; every request says who we are.
    expect(apiRequests().filter((r) => r.query.after !== undefined).length).toBeGreaterThanOrEqual(38)
    expect(apiRequests().every((r) => r.query.limit === '25' && r.query.sort === 'new' && r.query.type === 'link,comment' && r.userAgent === userAgent)).toBe(true)
  })

  test('the token is renewed before it expires and once after a 401, and nothing is lost', async () => {
    reddit.state.setTokenLifetime(2)
    const tenantId = tenantName()
    const { app } = setup({ tenantId })
    const threads = threadWriter(reddit)
    const names = threads.add(50)
    app.start()
    await waitFor(async () => (await publishedFor(bus, tenantId)).length === 50, { timeoutMs: 15_000, message: '50 mentions' })
    await waitFor(() => reddit.state.requests('/api/v1/access_token').length >= 2, { timeoutMs: 10_000, message: 'a renewed token' })
    expect(apiRequests().filter((r) => r.status === 401)).toHaveLength(0)

    reddit.state.failNext({ kind: 'revoke-tokens' })
    const more = threads.add(30)
    await waitFor(async () => (await publishedFor(bus, tenantId)).length === 80, { timeoutMs: 15_000, message: '80 mentions after a revoked token' })
    const revoked = apiRequests().findIndex((r) => r.fault === 'revoke-tokens')
    expect(apiRequests()[revoked]?.status).toBe(401)
    expect(apiRequests()[revoked + 1]?.status).toBe(200)
    expect(new Set((await publishedFor(bus, tenantId)).map((m) => m.nativeId))).toEqual(new Set([...names, ...more]))
  })

  test('a 429 makes it wait for X-Ratelimit-Reset: no request before the reset, then it recovers', async () => {
    const tenantId = tenantName()
    const { app } = setup({ tenantId })
    threadWriter(reddit).add(30)
    const resetAt = Date.now() + 1500
    reddit.state.failNext({ kind: 'rate-limit', resetAt })
    app.start()
    await waitFor(async () => (await publishedFor(bus, tenantId)).length === 30, { timeoutMs: 15_000, message: '30 mentions after the reset' })
    const requests = apiRequests()
    expect(requests[0]?.status).toBe(429)
    expect(requests.length).toBeGreaterThan(1)
    for (const request of requests.slice(1)) expect(request.at).toBeGreaterThanOrEqual(resetAt)
  })

  test('when X-Ratelimit-Remaining reaches 0 mid-poll it waits for the window to reset instead of collecting a 429', async () => {
    reddit.state.setRateLimit({ limit: 4, windowMs: 1500 })
    const tenantId = tenantName()
    const { poller } = setup({ tenantId })
    const names = threadWriter(reddit).add(200)
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', published: 200 })
    const requests = apiRequests()
    expect(requests).toHaveLength(8)
    expect(requests.every((r) => r.status === 200)).toBe(true)
    expect((requests[4]?.at ?? 0) - (requests[0]?.at ?? 0)).toBeGreaterThanOrEqual(1500)
    expect(new Set((await publishedFor(bus, tenantId)).map((m) => m.nativeId))).toEqual(new Set(names))
  })

  test('503 pages and dropped connections back off and recover, and are counted', async () => {
    const tenantId = tenantName()
    const { app, metrics } = setup({ tenantId })
    const names = threadWriter(reddit).add(60)
    reddit.state.failNext({ kind: 'unavailable' }, 2)
    reddit.state.failNext({ kind: 'socket' }, 2)
    app.start()
    await waitFor(async () => (await publishedFor(bus, tenantId)).length === 60, { timeoutMs: 15_000, message: '60 mentions after recovery' })
    expect(new Set((await publishedFor(bus, tenantId)).map((m) => m.nativeId))).toEqual(new Set(names))
    expect(await counterValue(metrics, 'ingest_errors_total', { tenant: tenantId, kind: 'unavailable' })).toBe(4)
    const times = apiRequests().slice(0, 5).map((r) => r.at)
    for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(5)
  })

  test('a cut-off page stores no checkpoint and publishes nothing, so the next poll publishes everything once', async () => {
    const tenantId = tenantName()
    const { poller, cache } = setup({ tenantId })
    const names = threadWriter(reddit).add(100)
    reddit.state.failNext({ kind: 'malformed-json' }, 1, { after: 1 })
    expect((await poller.pollOnce()).status).toBe('unavailable')
    expect(await cache.getCheckpoint(`ingest:${tenantId}:reddit-search`)).toBeUndefined()
    expect(await publishedFor(bus, tenantId)).toHaveLength(0)
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', published: 100 })
    expect(await publishedFor(bus, tenantId)).toHaveLength(100)
    expect(new Set((await publishedFor(bus, tenantId)).map((m) => m.nativeId))).toEqual(new Set(names))
  })

  test('damaged items are counted and skipped, the brand\'s own posts filtered, the rest published', async () => {
    const tenantId = tenantName()
    const { poller, metrics } = setup({ tenantId, brandAccounts: ['AcmeSupport'] })
    const good = threadWriter(reddit).add(20)
    const noAuthor = reddit.state.addPost({ subreddit: 'acmeusers', title: 'acme without author', author: 'x', omit: ['author'] })
    const noTime = reddit.state.addPost({ subreddit: 'acmeusers', title: 'acme without time', author: 'y', omit: ['created_utc'] })
    const own = reddit.state.addPost({ subreddit: 'acmeusers', title: 'Acme status update', author: 'AcmeSupport' })
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', malformed: 2, filtered: 1, published: 20 })
    expect(await counterValue(metrics, 'ingest_errors_total', { tenant: tenantId, kind: 'malformed' })).toBe(2)
    const published = (await publishedFor(bus, tenantId)).map((m) => m.nativeId)
    expect(new Set(published)).toEqual(new Set(good))
    for (const skipped of [noAuthor, noTime, own]) expect(published).not.toContain(skipped.data.name)
  })

  test('a subreddit\'s comment listing is read with after paging', async () => {
    const tenantId = tenantName()
    const { poller } = setup({ tenantId, sourceId: 'reddit-comments', settings: { kind: 'subreddit', subreddit: 'acmeusers', listing: 'comments' } })
    const names = threadWriter(reddit, { conversations: 3 }).add(63)
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', published: 60 })
    expect(new Set((await publishedFor(bus, tenantId)).map((m) => m.nativeId))).toEqual(new Set(names.slice(3)))
    expect(reddit.state.requests('/r/:subreddit/comments').map((r) => r.query.after)).toEqual([undefined, expect.stringMatching(/^t1_/), expect.stringMatching(/^t1_/)])
  })

  test('a wrong client secret is reported as rejected, not retried as an outage', async () => {
    const tenantId = tenantName()
    const { poller } = setup({ tenantId }, 'wrong-secret')
    expect((await poller.pollOnce()).status).toBe('rejected')
    expect(apiRequests()).toHaveLength(0)
  })
})
