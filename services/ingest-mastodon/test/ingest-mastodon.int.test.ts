import type { KafkaBus, Producer } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import { waitFor } from '@earshot/testing'
import type { FakeMastodon } from '@earshot/testing/fakes/mastodon-server'
import type { App } from '../src/app.js'
import { buildApp, counterValue, fakeMastodon, kafka, mastodonSource, publishedFor, redisCache, tenantName } from './helpers.js'

describe('ingest-mastodon against the fake Mastodon server, real Kafka and Redis', () => {
  let bus: KafkaBus
  let producer: Producer
  let mastodon: FakeMastodon
  const caches: Cache[] = []
  const apps: App[] = []

  beforeAll(async () => { ({ bus, producer } = await kafka()) })
  beforeEach(async () => { mastodon = await fakeMastodon() })
  afterEach(async () => {
    await Promise.all(apps.splice(0).map(async (app) => { await app.stop() }))
    await Promise.all(caches.splice(0).map(async (cache) => { await cache.close() }))
    await mastodon.close()
  })
  afterAll(async () => { await bus.close() })

  function setup (source: Parameters<typeof mastodonSource>[1], accessToken?: string) {
    const cache = redisCache('ingest-mastodon')
    caches.push(cache)
    const harness = buildApp([mastodonSource(mastodon, source)], producer, cache, accessToken)
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
      const status = mastodon.state.addStatus({
        account: `customer${k % 20}`,
        text: `@acme mention ${k}\nline two`,
        mentions: ['acme'],
        createdAt: new Date(base + k * 1000).toISOString(),
        ...(root === undefined ? {} : { inReplyTo: root }),
      })
      if (k < conversations) roots.push(status.id)
      ids.push(status.id)
    }
    return ids
  }

  const nativeIds = (ids: string[]): Set<string> => new Set(ids.map((id) => `mastodon.example/${id}`))
  const hostOf = (fake: FakeMastodon): string => new URL(fake.url).host

  test('1,000 mentions over many Link-paged pages reach mentions.v1 exactly once, in order per conversation', async () => {
    const tenantId = tenantName()
    const { app, poller } = setup({ tenantId })
    // Unrelated notifications must not be read as mentions.
    mastodon.state.addNotification('favourite', 'customer1')
    const first = addMentions(600)
    app.start()
    await waitFor(async () => (await publishedFor(bus, tenantId)).length >= 600, { timeoutMs: 60_000, message: '600 mentions' })
    const later = addMentions(400, 37, 600)
    await waitFor(async () => (await publishedFor(bus, tenantId)).length >= 1000, { timeoutMs: 60_000, message: '1000 mentions' })
    await app.stop()
    expect((await poller.pollOnce()).published).toBe(0)

    const mentions = await publishedFor(bus, tenantId)
    expect(mentions).toHaveLength(1000)
    const host = hostOf(mastodon)
    expect(new Set(mentions.map((m) => m.nativeId))).toEqual(new Set([...first, ...later].map((id) => `${host}/${id}`)))
    const byConversation = new Map<string, bigint[]>()
    for (const m of mentions) byConversation.set(m.conversationId, [...(byConversation.get(m.conversationId) ?? []), BigInt(m.nativeId.split('/')[1] ?? '0')])
    expect(byConversation.size).toBe(37)
    for (const order of byConversation.values()) expect(order).toEqual([...order].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
    const sample = mentions.find((m) => m.nativeId === `${host}/${later[0]}`)
    expect(sample).toMatchObject({
      platform: 'mastodon',
      // The HTML's <br /> is a line break again.
      text: '@acme mention 600\nline two',
      author: { handle: `customer0@${host}`, name: 'Customer 0', followers: 0 },
      inReplyToId: `mastodon:${host}/${roots[600 % 37]}`,
      conversationId: `mastodon:${host}/${roots[600 % 37]}`,
      url: `https://mastodon.example/@customer0/${later[0]}`,
      lang: 'en',
    })
    // The second batch was caught up with min_id and rel="prev" links (20 per page), never with since_id.
    const requests = mastodon.state.requests('/api/v1/notifications')
    expect(requests.filter((r) => r.query.min_id !== undefined).length).toBeGreaterThanOrEqual(20)
    expect(requests.every((r) => r.query['types[]'] === 'mention' && r.query.limit === '20' && r.query.since_id === undefined)).toBe(true)
  }, 150_000)

  test('a 429 makes it wait for X-RateLimit-Reset: no request before the reset, then it recovers', async () => {
    const tenantId = tenantName()
    const { app } = setup({ tenantId })
    addMentions(30)
    const resetAt = Date.now() + 1200
    mastodon.state.failNext({ kind: 'rate-limit', resetAt })
    app.start()
    await waitFor(async () => (await publishedFor(bus, tenantId)).length === 30, { timeoutMs: 15_000, message: '30 mentions after the reset' })
    const requests = mastodon.state.requests('/api/v1/notifications')
    expect(requests[0]?.status).toBe(429)
    expect(requests.length).toBeGreaterThan(1)
    for (const request of requests.slice(1)) expect(request.at).toBeGreaterThanOrEqual(resetAt)
  })

  test('503s and dropped connections back off and recover, and are counted', async () => {
    const tenantId = tenantName()
    const { app, metrics } = setup({ tenantId })
    const ids = addMentions(60)
    mastodon.state.failNext({ kind: 'unavailable' }, 2)
    mastodon.state.failNext({ kind: 'socket' }, 2)
    app.start()
    await waitFor(async () => (await publishedFor(bus, tenantId)).length === 60, { timeoutMs: 15_000, message: '60 mentions after recovery' })
    expect(new Set((await publishedFor(bus, tenantId)).map((m) => m.nativeId.replace(/^[^/]+/, 'mastodon.example')))).toEqual(nativeIds(ids))
    expect(await counterValue(metrics, 'ingest_errors_total', { tenant: tenantId, kind: 'unavailable' })).toBe(4)
    const times = mastodon.state.requests('/api/v1/notifications').slice(0, 5).map((r) => r.at)
    for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(5)
  })

  test('a failure on a later page stores no checkpoint and publishes nothing, so the next poll publishes everything once', async () => {
    const tenantId = tenantName()
    const { poller, cache } = setup({ tenantId })
    const ids = addMentions(100)
    mastodon.state.failNext({ kind: 'malformed-json' }, 1, { after: 1 })
    expect((await poller.pollOnce()).status).toBe('unavailable')
    expect(await cache.getCheckpoint(`ingest:${tenantId}:mastodon-mentions`)).toBeUndefined()
    expect(await publishedFor(bus, tenantId)).toHaveLength(0)
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', published: 100 })
    const newest = mastodon.state.notifications().at(-1)?.id
    expect(await cache.getCheckpoint(`ingest:${tenantId}:mastodon-mentions`)).toBe(newest)
    expect((await publishedFor(bus, tenantId)).map((m) => m.nativeId.split('/')[1])).toEqual(expect.arrayContaining(ids))
  })

  test('damaged statuses are counted and skipped; boosts, the brand\'s own posts and filtered languages are dropped; the rest published', async () => {
    const tenantId = tenantName()
    const { poller, metrics } = setup({ tenantId, brandAccounts: ['acme'], settings: { filters: { languages: ['en'] } } })
    const good = addMentions(20)
    const broken = mastodon.state.addStatus({ account: 'customer2', text: '@acme no account', mentions: ['acme'], omit: ['account'] })
    const boost = mastodon.state.addStatus({ account: 'customer3', mentions: ['acme'], reblogOf: good[0] })
    const own = mastodon.state.addStatus({ account: 'acme', text: '@acme note to self', mentions: ['acme'] })
    const french = mastodon.state.addStatus({ account: 'customer4', text: '@acme bonjour', mentions: ['acme'], language: 'fr' })
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', fetched: 22, filtered: 2, malformed: 1, published: 20 })
    expect(await counterValue(metrics, 'ingest_errors_total', { tenant: tenantId, kind: 'malformed' })).toBe(1)
    expect(await counterValue(metrics, 'ingest_filtered_total', { tenant: tenantId, reason: 'language' })).toBe(1)
    expect(await counterValue(metrics, 'ingest_filtered_total', { tenant: tenantId, reason: 'repost' })).toBe(1)
    expect(await counterValue(metrics, 'ingest_filtered_total', { tenant: tenantId, reason: 'brand_own_post' })).toBe(1)
    const published = (await publishedFor(bus, tenantId)).map((m) => m.nativeId.split('/')[1])
    expect(new Set(published)).toEqual(new Set(good))
    for (const skipped of [broken, boost, own, french]) expect(published).not.toContain(skipped.id)
  })

  test('several tenants on one process: a notifications source and a hashtag source, each with its own checkpoint', async () => {
    const mentionsTenant = tenantName()
    const hashtagTenant = tenantName()
    const cache = redisCache('ingest-mastodon-multi')
    caches.push(cache)
    const { app } = buildApp([
      mastodonSource(mastodon, { tenantId: mentionsTenant }),
      mastodonSource(mastodon, { tenantId: hashtagTenant, sourceId: 'mastodon-tag', settings: { kind: 'hashtag', hashtag: 'AcmeRail' } }),
    ], producer, cache)
    apps.push(app)
    const mentions = addMentions(45)
    const tagged = Array.from({ length: 45 }, (_, i) => mastodon.state.addStatus({ account: `customer${i % 20}`, text: `late again #AcmeRail ${i}`, tags: ['AcmeRail'] }).id)
    mastodon.state.addStatus({ account: 'customer1', text: 'quiet #AcmeRail', tags: ['AcmeRail'], visibility: 'unlisted' })
    app.start()
    await waitFor(async () => (await publishedFor(bus, mentionsTenant)).length === 45 && (await publishedFor(bus, hashtagTenant)).length === 45, { timeoutMs: 60_000, message: 'both tenants' })
    expect(new Set((await publishedFor(bus, hashtagTenant)).map((m) => m.nativeId.split('/')[1]))).toEqual(new Set(tagged))
    expect(new Set((await publishedFor(bus, mentionsTenant)).map((m) => m.nativeId.split('/')[1]))).toEqual(new Set(mentions))
    expect((await publishedFor(bus, hashtagTenant))[0]?.text).toMatch(/^late again #AcmeRail \d+$/)
    expect(mastodon.state.requests('/api/v1/timelines/tag/:hashtag').every((r) => r.query.limit === '20')).toBe(true)
  }, 120_000)

  test('a rejected token is reported as rejected, not retried as an outage', async () => {
    const tenantId = tenantName()
    const { poller } = setup({ tenantId }, 'wrong-token')
    expect((await poller.pollOnce()).status).toBe('rejected')
    expect(mastodon.state.requests('/api/v1/notifications')[0]?.status).toBe(401)
  })

  test('streaming: mentions arrive over the user stream; after a mid-stream disconnect it reconnects and a poll fills the gap, once each', async () => {
    const tenantId = tenantName()
    const { app, cache } = setup({ tenantId, settings: { streaming: true } })
    app.start()
    await waitFor(() => mastodon.state.openStreams() === 1, { message: 'the user stream open' })
    const streamed = addMentions(5)
    await waitFor(async () => (await publishedFor(bus, tenantId)).length === 5, { message: '5 streamed mentions' })
    expect(mastodon.state.requests('/api/v1/notifications')).toHaveLength(0)
    expect(await cache.getCheckpoint(`ingest:${tenantId}:mastodon-mentions`)).toBe(mastodon.state.notifications().at(-1)?.id)

    // Drop the stream and refuse the next reconnects, so these mentions can only arrive through the backfill poll.
    mastodon.state.failNext({ kind: 'unavailable' }, 3)
    mastodon.state.disconnectStreams()
    await waitFor(() => mastodon.state.openStreams() === 0, { message: 'the stream dropped' })
    const missed = addMentions(30, 37, 5)
    await waitFor(async () => (await publishedFor(bus, tenantId)).length === 35, { timeoutMs: 15_000, message: '30 mentions backfilled after reconnect' })
    expect(mastodon.state.streamConnects()).toBeGreaterThanOrEqual(2)
    expect(mastodon.state.requests('/api/v1/notifications').some((r) => r.query.min_id !== undefined)).toBe(true)

    const live = addMentions(3, 37, 35)
    await waitFor(async () => (await publishedFor(bus, tenantId)).length === 38, { message: 'live mentions after reconnect' })
    const published = (await publishedFor(bus, tenantId)).map((m) => m.nativeId.split('/')[1])
    expect(published).toHaveLength(38)
    expect(new Set(published)).toEqual(new Set([...streamed, ...missed, ...live]))
  }, 120_000)
})
