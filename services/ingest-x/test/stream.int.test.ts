import type { KafkaBus, Producer } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import { defaultReconnectPolicy, type ReconnectPolicy, type SourceDefinition, sourceCheckpointName } from '@earshot/ingest'
import { createMetrics } from '@earshot/observability'
import { createXClient } from '@earshot/platform-x'
import { type FakeX, waitFor } from '@earshot/testing'
import { type App, createApp } from '../src/app.js'
import { fakeX, kafka, logger, publishedFor, redisCache, tenantName } from './helpers.js'

const streamRoute = '/2/tweets/search/stream'
/** X's ladders shortened for tests: network +50 ms, HTTP 300 ms doubling, 429 400 ms doubling. */
const testPolicy: ReconnectPolicy = {
  network: { stepMs: 50, maxMs: 500 },
  http: { initialMs: 300, maxMs: 2_000 },
  rateLimit: { initialMs: 400, maxMs: 4_000 },
}

describe('ingest-x filtered stream against the fake X API, real Kafka and Redis', () => {
  let bus: KafkaBus
  let producer: Producer
  let x: FakeX
  let cache: Cache
  let app: App | undefined

  beforeAll(async () => { ({ bus, producer } = await kafka()) })
  beforeEach(async () => {
    x = await fakeX({ keepAliveMs: 50 })
    cache = redisCache('ingest-x-stream')
  })
  afterEach(async () => {
    await app?.stop()
    app = undefined
    await cache.close()
    await x.close()
  })
  afterAll(async () => { await bus.close() })

  function streamSource (tenantId: string, rules: Array<{ value: string, tag: string }>, sourceId = 'x-stream'): SourceDefinition {
    return { tenantId, sourceId, platform: 'x', pollIntervalMs: 60_000, maxGapMs: 60_000, includeReposts: false, brandAccounts: [], settings: { kind: 'stream', rules } }
  }

  function start (sources: SourceDefinition[], keepAliveTimeoutMs = 2_000): App {
    app = createApp({
      config: { X_MAX_RESULTS: 25, X_REQUEST_TIMEOUT: 5_000, INGEST_DEDUPE_TTL: 3_600_000, X_STREAM_KEEPALIVE_TIMEOUT: keepAliveTimeoutMs },
      sources,
      client: createXClient({ bearerToken: 'test-bearer', baseUrl: x.url }),
      producer,
      cache,
      metrics: createMetrics({ service: 'ingest-x-stream-test' }),
      logger,
      poller: { backoff: { initialMs: 20, maxMs: 200 }, breaker: { failureThreshold: 100, openMs: 50 } },
      reconnect: testPolicy,
    })
    app.start()
    return app
  }

  async function nativeIds (tenantId: string): Promise<string[]> {
    return (await publishedFor(bus, tenantId)).map((m) => m.nativeId).sort()
  }

  test('the default reconnect policy is X\'s documented one', () => {
    expect(defaultReconnectPolicy).toEqual({
      network: { stepMs: 250, maxMs: 16_000 }, http: { initialMs: 5_000, maxMs: 320_000 }, rateLimit: { initialMs: 60_000, maxMs: 900_000 },
    })
  })

  test('streamed tweets reach mentions.v1 once each, for the tenants whose rules they match', async () => {
    const acme = tenantName()
    const burger = tenantName()
    start([streamSource(acme, [{ value: 'acme', tag: 'brand' }, { value: 'shared', tag: 'industry' }]), streamSource(burger, [{ value: 'burger', tag: 'brand' }, { value: 'shared', tag: 'topic' }])])
    await waitFor(() => x.state.streamOpen(), { timeoutMs: 10_000, message: 'stream connected' })
    const onlyAcme = x.state.addTweet({ text: 'acme train is late', author: '2001' })
    const onlyBurger = x.state.addTweet({ text: 'burger was cold', author: '2002' })
    const both = x.state.addTweet({ text: 'a shared complaint', author: '2003' })
    x.state.addTweet({ text: 'nothing relevant', author: '2004' })
    await waitFor(async () => (await nativeIds(acme)).length >= 2 && (await nativeIds(burger)).length >= 2, { timeoutMs: 30_000, message: 'streamed mentions published' })
    // Give a duplicate the time to show up before asserting there is none.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await nativeIds(acme)).toEqual([onlyAcme.id, both.id].sort())
    expect(await nativeIds(burger)).toEqual([onlyBurger.id, both.id].sort())
    const published = await publishedFor(bus, acme)
    expect(published.every((m) => m.sourceId === 'x-stream' && m.tenantId === acme)).toBe(true)
    expect(x.state.streamConnects()).toBe(1)
  })

  test('a mid-stream disconnect reconnects and backfills what arrived meanwhile, nothing lost or doubled', async () => {
    const tenantId = tenantName()
    const runner = start([streamSource(tenantId, [{ value: 'acme', tag: 'brand' }])]).stream
    await waitFor(() => x.state.streamOpen(), { timeoutMs: 10_000, message: 'stream connected' })
    const before = x.state.addTweet({ text: 'acme one', author: '2001' })
    await waitFor(async () => await cache.getCheckpoint(sourceCheckpointName({ tenantId, sourceId: 'x-stream' })) === before.id, { timeoutMs: 10_000, message: 'checkpoint at the streamed tweet' })

    x.state.failNext({ kind: 'unavailable', status: 503 })
    x.state.disconnectStream()
    const missed = [x.state.addTweet({ text: 'acme two', author: '2002' }), x.state.addTweet({ text: 'acme three', author: '2003' })]
    await waitFor(() => runner !== undefined && runner.connectionCount >= 2, { timeoutMs: 10_000, message: 'reconnected' })
    const after = x.state.addTweet({ text: 'acme four', author: '2004' })

    const expected = [before, ...missed, after].map((t) => t.id).sort()
    await waitFor(async () => (await nativeIds(tenantId)).length >= 4, { timeoutMs: 30_000, message: 'all four published' })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await nativeIds(tenantId)).toEqual(expected)
    const connects = x.state.requests(streamRoute)
    expect(connects.map((r) => r.status)).toEqual([200, 503, 200])
    // After a 503 the HTTP ladder starts at (the test's) 300 ms.
    expect((connects[2]?.at ?? 0) - (connects[1]?.at ?? 0)).toBeGreaterThanOrEqual(290)
    const backfill = x.state.requests('/2/tweets/search/recent')
    expect(backfill.at(-1)?.query).toMatchObject({ query: 'acme', since_id: before.id })
  })

  test('keep-alive silence longer than the timeout drops the connection and reconnects', async () => {
    const tenantId = tenantName()
    start([streamSource(tenantId, [{ value: 'acme', tag: 'brand' }])], 1_000)
    await waitFor(() => x.state.streamOpen(), { timeoutMs: 10_000, message: 'stream connected' })
    // Keep-alives every 50 ms keep a 1 s watchdog quiet.
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    expect(x.state.streamConnects()).toBe(1)
    const silencedAt = Date.now()
    x.state.silenceStream()
    await waitFor(() => x.state.streamConnects() >= 2, { timeoutMs: 10_000, message: 'reconnect after silence' })
    const reconnectedAt = x.state.requests(streamRoute).at(-1)?.at ?? 0
    // The watchdog counts from the last keep-alive, which came at most 50 ms before the silence began.
    expect(reconnectedAt - silencedAt).toBeGreaterThanOrEqual(1_000 - 50 - 10)
    const tweet = x.state.addTweet({ text: 'acme after the silence', author: '2005' })
    await waitFor(async () => (await nativeIds(tenantId)).includes(tweet.id), { timeoutMs: 30_000, message: 'streamed after reconnect' })
  })

  test('an in-band operational-disconnect reconnects at once (the first reconnect after a drop is immediate)', async () => {
    const tenantId = tenantName()
    start([streamSource(tenantId, [{ value: 'acme', tag: 'brand' }])])
    await waitFor(() => x.state.streamOpen(), { timeoutMs: 10_000, message: 'stream connected' })
    x.state.operationalDisconnect()
    await waitFor(() => x.state.streamConnects() >= 2 && x.state.streamOpen(), { timeoutMs: 10_000, message: 'reconnected' })
    const [first, second] = x.state.requests(streamRoute)
    expect([first?.status, second?.status]).toEqual([200, 200])
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeLessThan(5_000)
    const tweet = x.state.addTweet({ text: 'acme after maintenance', author: '2007' })
    await waitFor(async () => (await nativeIds(tenantId)).includes(tweet.id), { timeoutMs: 30_000, message: 'streamed after reconnect' })
  })

  test('a 429 on connect waits for the reset: no stream request before it', async () => {
    const tenantId = tenantName()
    const resetAt = Date.now() + 1_200
    // The first two requests sync the rules (GET, then POST add); the third is the stream connect.
    x.state.failNext({ kind: 'rate-limit', resetAt }, 1, { after: 2 })
    start([streamSource(tenantId, [{ value: 'acme', tag: 'brand' }])])
    await waitFor(() => x.state.streamOpen(), { timeoutMs: 10_000, message: 'stream connected after the reset' })
    const connects = x.state.requests(streamRoute)
    expect(connects.map((r) => r.status)).toEqual([429, 200])
    expect(connects[1]?.at ?? 0).toBeGreaterThanOrEqual(Math.ceil(resetAt / 1000) * 1000 - 5)
    const tweet = x.state.addTweet({ text: 'acme once connected', author: '2006' })
    await waitFor(async () => (await nativeIds(tenantId)).includes(tweet.id), { timeoutMs: 30_000, message: 'streamed' })
  })

  test('rules are synced from the configuration: stale ones deleted, missing ones added, kept ones untouched', async () => {
    const tenantId = tenantName()
    const headers = { authorization: 'Bearer test-bearer', 'content-type': 'application/json' }
    const kept = `${tenantId}/x-stream/brand`
    const response = await fetch(`${x.url}/2/tweets/search/stream/rules`, {
      method: 'POST', headers, body: JSON.stringify({ add: [{ value: 'acme', tag: kept }, { value: 'old campaign', tag: `${tenantId}/x-stream/old` }, { value: 'burger', tag: 'someone-else' }] }),
    })
    expect(response.status).toBe(201)
    const keptId = x.state.streamRules().find((r) => r.value === 'acme')?.id
    start([streamSource(tenantId, [{ value: 'acme', tag: 'brand' }, { value: 'delays', tag: 'ops' }])])
    await waitFor(() => x.state.streamOpen(), { timeoutMs: 10_000, message: 'stream connected' })
    const rules = x.state.streamRules()
    expect(rules.map((r) => ({ value: r.value, tag: r.tag })).sort((a, b) => a.value.localeCompare(b.value))).toEqual([
      { value: 'acme', tag: kept },
      { value: 'delays', tag: `${tenantId}/x-stream/ops` },
    ])
    expect(rules.find((r) => r.value === 'acme')?.id).toBe(keptId)
  })
})
