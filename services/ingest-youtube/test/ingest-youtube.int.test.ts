import type { KafkaBus, Producer } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import { waitFor } from '@earshot/testing'
import type { FakeYouTube, FakeYouTubeOptions } from '@earshot/testing/fakes/youtube-server'
import type { App } from '../src/app.js'
import { nextPacificMidnight } from '../src/pacific-time.js'
import { brandChannelId, buildApp, commentWriter, counterValue, fakeYouTube, kafka, publishedFor, redisCache, tenantName } from './helpers.js'

describe('ingest-youtube against the fake YouTube Data API, real Kafka and Redis', () => {
  let bus: KafkaBus
  let producer: Producer
  let youtube: FakeYouTube | undefined
  const caches: Cache[] = []
  const apps: App[] = []

  beforeAll(async () => { ({ bus, producer } = await kafka()) })
  afterEach(async () => {
    await Promise.all(apps.splice(0).map(async (app) => { await app.stop() }))
    await Promise.all(caches.splice(0).map(async (cache) => { await cache.close() }))
    await youtube?.close()
    youtube = undefined
  })
  afterAll(async () => { await bus.close() })

  async function start (options: FakeYouTubeOptions = {}): Promise<FakeYouTube> {
    youtube = await fakeYouTube(options)
    return youtube
  }

  function setup (yt: FakeYouTube, source: Parameters<typeof buildApp>[3], options: Parameters<typeof buildApp>[4] = {}, cache = redisCache('ingest-youtube')) {
    caches.push(cache)
    const harness = buildApp(yt, producer, cache, source, options)
    apps.push(harness.app)
    return { ...harness, cache, poller: harness.app.pollers[0] as NonNullable<App['pollers'][number]> }
  }

  /** A clock `msBefore` ahead of real time's distance to midnight Pacific: the reset comes in `msBefore` ms. */
  function clockBeforeMidnight (msBefore: number): { now: () => number, midnight: number } {
    const midnight = nextPacificMidnight(Date.now() + 60_000)
    const offset = midnight - msBefore - Date.now()
    return { now: () => Date.now() + offset, midnight }
  }

  test('1,000 comments and replies over many pages reach mentions.v1 exactly once, in order per conversation', async () => {
    const yt = await start({ replyPreviewCount: 5 })
    const tenantId = tenantName()
    const { app, poller, cache } = setup(yt, { tenantId })
    const writer = commentWriter(yt)
    const first = writer.add(150, 3)
    app.start()
    await waitFor(async () => (await publishedFor(bus, tenantId)).length >= 600, { timeoutMs: 30_000, message: '600 mentions' })
    const later = writer.add(100, 3)
    await waitFor(async () => (await publishedFor(bus, tenantId)).length >= 1000, { timeoutMs: 30_000, message: '1000 mentions' })
    await app.stop()
    expect((await poller.pollOnce()).published).toBe(0)

    const mentions = await publishedFor(bus, tenantId)
    expect(mentions).toHaveLength(1000)
    expect(new Set(mentions.map((m) => m.nativeId))).toEqual(new Set([...first, ...later]))
    const byConversation = new Map<string, string[]>()
    for (const m of mentions) byConversation.set(m.conversationId, [...(byConversation.get(m.conversationId) ?? []), m.nativeId])
    expect(byConversation.size).toBe(250)
    for (const [conversation, ids] of byConversation) {
      // The thread's top-level comment comes first, then its replies in the order they were written.
      const thread = yt.state.thread(conversation.slice('youtube:'.length))
      expect(ids).toEqual([thread?.id, ...(thread?.replies.map((r) => r.id) ?? [])])
    }
    expect(mentions.find((m) => m.nativeId === later[1])).toMatchObject({
      platform: 'youtube', inReplyToId: `youtube:${later[0] ?? ''}`, author: { handle: '@fan0', id: 'UCfan0' }, url: expect.stringMatching(/^https:\/\/www\.youtube\.com\/watch\?v=video\d&lc=/),
    })
    expect(JSON.parse(await cache.getCheckpoint(`ingest:${tenantId}:youtube-channel`) ?? '{}')).toEqual({ done: { at: Date.parse(yt.state.thread(later[later.length - 4] ?? '')?.topLevelComment.snippet.publishedAt ?? ''), ids: [later[later.length - 4]] } })
    const requests = yt.state.requests()
    expect(requests.every((r) => r.resource === 'commentThreads' && r.query.order === 'time' && r.query.allThreadsRelatedToChannelId === brandChannelId && r.query.part === 'snippet,replies' && r.query.maxResults === '25')).toBe(true)
    // 25 threads a page: 6 pages for the first 150, at least 4 more for the next 100.
    expect(requests.filter((r) => r.query.pageToken !== undefined).length).toBeGreaterThanOrEqual(9)
  })

  test('403 quotaExceeded pauses until midnight Pacific: no request before it, then the backlog continues where it stopped', async () => {
    const { now, midnight } = clockBeforeMidnight(2500)
    const yt = await start({ now, dailyQuota: 3 })
    const tenantId = tenantName()
    const { app, poller } = setup(yt, { tenantId }, { now })
    const writer = commentWriter(yt, { base: Date.now() - 7_200_000 })
    const ids = writer.add(10)
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', published: 10 })
    ids.push(...writer.add(100))
    app.start()
    await waitFor(async () => (await publishedFor(bus, tenantId)).length === 110, { timeoutMs: 15_000, message: '110 mentions after the reset' })
    const requests = yt.state.requests()
    const refused = requests.findIndex((r) => r.status === 403)
    expect(refused).toBe(3)
    expect(requests.slice(0, refused).every((r) => r.at < midnight)).toBe(true)
    // After the reset it continued from the refused page's token rather than from the top.
    expect(requests[refused + 1]?.query.pageToken).toBe(requests[refused]?.query.pageToken)
    for (const request of requests.slice(refused + 1)) expect(request.at).toBeGreaterThanOrEqual(midnight)
    expect(new Set((await publishedFor(bus, tenantId)).map((m) => m.nativeId))).toEqual(new Set(ids))
    expect((await publishedFor(bus, tenantId)).length).toBe(110)
  })

  test('a source stops when its own daily budget is spent, waits for midnight Pacific, and a restart remembers the spending', async () => {
    const { now, midnight } = clockBeforeMidnight(2500)
    const yt = await start({ now })
    const tenantId = tenantName()
    const cache = redisCache('ingest-youtube')
    const settings = { kind: 'channel', channelId: brandChannelId, dailyUnits: 3 }
    const { app, poller } = setup(yt, { tenantId, settings }, { now }, cache)
    const writer = commentWriter(yt, { base: Date.now() - 7_200_000 })
    const ids = writer.add(10)
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', published: 10 })
    ids.push(...writer.add(100))
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', published: 50 })
    expect(yt.state.requests()).toHaveLength(3)

    // A restarted process (a new app on the same cache) knows the budget is spent and asks nothing.
    const restarted = buildApp(yt, producer, cache, { tenantId, settings }, { now })
    apps.push(restarted.app)
    const outcome = await restarted.app.pollers[0]?.pollOnce()
    expect(outcome).toMatchObject({ status: 'rate_limited', nextAt: midnight })
    expect(yt.state.requests()).toHaveLength(3)

    app.start()
    await waitFor(async () => (await publishedFor(bus, tenantId)).length === 110, { timeoutMs: 15_000, message: '110 mentions after the reset' })
    const requests = yt.state.requests()
    expect(requests.every((r) => r.status === 200)).toBe(true)
    for (const request of requests.slice(3)) expect(request.at).toBeGreaterThanOrEqual(midnight)
    expect(new Set((await publishedFor(bus, tenantId)).map((m) => m.nativeId))).toEqual(new Set(ids))
  })

  test('replies beyond the few a thread carries are read with comments.list, once each', async () => {
    const yt = await start({ replyPreviewCount: 5 })
    const tenantId = tenantName()
    const { poller } = setup(yt, { tenantId })
    const writer = commentWriter(yt)
    const busy = writer.add(1, 230)
    const quiet = writer.add(3, 2)
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', published: 231 + 9, duplicates: 0 })
    const replyRequests = yt.state.requests().filter((r) => r.resource === 'comments')
    expect(replyRequests.map((r) => r.query.parentId)).toEqual([busy[0], busy[0], busy[0]])
    expect(replyRequests.every((r) => r.query.maxResults === '100' && r.query.textFormat === 'plainText')).toBe(true)
    const published = await publishedFor(bus, tenantId)
    expect(new Set(published.map((m) => m.nativeId))).toEqual(new Set([...busy, ...quiet]))
    expect(published.filter((m) => m.conversationId === `youtube:${busy[0] ?? ''}`)).toHaveLength(231)
  })

  test('503s and dropped connections back off and recover, and are counted', async () => {
    const yt = await start()
    const tenantId = tenantName()
    const { app, metrics } = setup(yt, { tenantId })
    const ids = commentWriter(yt).add(60)
    yt.state.failNext({ kind: 'unavailable' }, 2)
    yt.state.failNext({ kind: 'socket' }, 2)
    app.start()
    await waitFor(async () => (await publishedFor(bus, tenantId)).length === 60, { timeoutMs: 15_000, message: '60 mentions after recovery' })
    expect(new Set((await publishedFor(bus, tenantId)).map((m) => m.nativeId))).toEqual(new Set(ids))
    expect(await counterValue(metrics, 'ingest_errors_total', { tenant: tenantId, kind: 'unavailable' })).toBe(4)
    const times = yt.state.requests().slice(0, 5).map((r) => r.at)
    for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(5)
  })

  test('a cut-off page stores no checkpoint and publishes nothing, so the next poll publishes everything once', async () => {
    const yt = await start()
    const tenantId = tenantName()
    const { poller, cache } = setup(yt, { tenantId })
    const ids = commentWriter(yt).add(100)
    yt.state.failNext({ kind: 'malformed-json' }, 1, { after: 1 })
    expect((await poller.pollOnce()).status).toBe('unavailable')
    expect(await cache.getCheckpoint(`ingest:${tenantId}:youtube-channel`)).toBeUndefined()
    expect(await publishedFor(bus, tenantId)).toHaveLength(0)
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', published: 100 })
    expect(new Set((await publishedFor(bus, tenantId)).map((m) => m.nativeId))).toEqual(new Set(ids))
    expect(await publishedFor(bus, tenantId)).toHaveLength(100)
  })

  test('damaged comments are counted and skipped, the brand\'s own replies filtered, the rest published', async () => {
    const yt = await start()
    const tenantId = tenantName()
    const { poller, metrics } = setup(yt, { tenantId })
    const good = commentWriter(yt).add(20)
    const author = { displayName: '@dave', channelId: 'UCdave' }
    const noAuthor = yt.state.addThread({ channelId: brandChannelId, videoId: 'v', text: 'acme?', author, omit: ['authorChannelId'] })
    const answered = yt.state.addThread({ channelId: brandChannelId, videoId: 'v', text: 'acme!', author })
    const badReply = yt.state.addReply({ threadId: answered.id, text: 'no text', author, omit: ['textOriginal', 'textDisplay'] })
    const own = yt.state.addReply({ threadId: answered.id, text: 'Sorry to hear that, DM us', author: { displayName: '@AcmeRail', channelId: brandChannelId } })
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', malformed: 2, filtered: 1, published: 21 })
    expect(await counterValue(metrics, 'ingest_errors_total', { tenant: tenantId, kind: 'malformed' })).toBe(2)
    const published = (await publishedFor(bus, tenantId)).map((m) => m.nativeId)
    expect(new Set(published)).toEqual(new Set([...good, answered.id]))
    for (const skipped of [noAuthor.id, badReply.id, own.id]) expect(published).not.toContain(skipped)
  })

  test('an invalid API key is reported as rejected, not retried as an outage', async () => {
    const yt = await start()
    const tenantId = tenantName()
    const { poller } = setup(yt, { tenantId }, { key: 'wrong-key' })
    expect((await poller.pollOnce()).status).toBe('rejected')
  })
})
