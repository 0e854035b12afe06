import { createKafkaBus, type KafkaBus, type Producer } from '@earshot/bus'
import { type Cache, createRedisCache } from '@earshot/cache'
import { decodeEvent, type Mention, sampleMention, topics } from '@earshot/contracts'
import { createLogger, createMetrics } from '@earshot/observability'
import { testEnvironment, uniqueName, waitFor } from '@earshot/testing'
import {
  createIngestMetrics, type IngestMetrics, type PollContext, type PollingConnector, type PollPage, RateLimitedError, SourcePoller,
  SourceUnavailableError, type SourceConfig,
} from '../src/index.js'

/** A platform timeline that pages newest first from a since-id cursor, as X's mention and search endpoints do. */
class FakeTimeline implements PollingConnector {
  readonly posts: Mention[] = []
  readonly calls: number[] = []
  readonly failures: Error[] = []
  reposts = new Set<string>()
  malformed = 0

  constructor (private readonly pageSize: number) {}

  async * poll ({ cursor, reportRateLimit }: PollContext): AsyncIterable<PollPage> {
    this.calls.push(Date.now())
    const failure = this.failures.shift()
    if (failure !== undefined) throw failure
    reportRateLimit({ limit: 10_000, remaining: 9_999, resetAt: Date.now() + 900_000 })
    const newer = this.posts.filter((p) => cursor === undefined || BigInt(p.nativeId) > BigInt(cursor)).reverse()
    const newest = newer[0]?.nativeId
    if (newer.length === 0) {
      yield { items: [] }
      return
    }
    for (let i = 0; i < newer.length; i += this.pageSize) {
      const page = newer.slice(i, i + this.pageSize)
      yield {
        items: page.map((mention) => ({ mention, isRepost: this.reposts.has(mention.id) })),
        malformed: i === 0 && this.malformed > 0 ? Array.from({ length: this.malformed }, (_, n) => ({ reason: `missing author ${n}` })) : [],
        cursor: newest,
      }
    }
  }
}

function post (tenantId: string, i: number, conversations = 37): Mention {
  const nativeId = String(1_900_000_000_000_000_000n + BigInt(i))
  return sampleMention({
    tenantId,
    nativeId,
    conversationId: `x:conversation-${i % conversations}`,
    url: undefined,
    createdAt: new Date(Date.UTC(2026, 10, 23, 8, 0, 0) + i * 1000).toISOString(),
    text: `mention ${i}`,
  })
}

describe('SourcePoller against real Kafka and Redis', () => {
  let bus: KafkaBus
  let producer: Producer
  const caches: Cache[] = []
  const pollers: SourcePoller[] = []
  const logger = createLogger({ level: 'silent', name: 'ingest-test' })

  beforeAll(async () => {
    bus = createKafkaBus({ brokers: testEnvironment().kafkaBrokers, clientId: 'ingest-test' })
    await bus.ensureTopics([{ name: topics.mentions, partitions: 3 }])
    producer = bus.producer()
  })
  afterEach(async () => {
    await Promise.all(pollers.splice(0).map(async (p) => { await p.stop() }))
    await Promise.all(caches.splice(0).map(async (c) => { await c.close() }))
  })
  afterAll(async () => { await bus.close() })

  function setup (options: Partial<SourceConfig> & { pageSize?: number, producer?: Producer } = {}) {
    const tenantId = uniqueName('t').toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40)
    const cache = createRedisCache({ url: testEnvironment().redisUrl, prefix: `${testEnvironment().redisKeyPrefix}${uniqueName('ingest')}:` })
    caches.push(cache)
    const timeline = new FakeTimeline(options.pageSize ?? 50)
    const metrics: IngestMetrics = createIngestMetrics(createMetrics({ service: 'ingest-test' }))
    const source: SourceConfig = { tenantId, sourceId: 'x-mentions', platform: 'x', pollIntervalMs: 20, maxGapMs: 60_000, ...options }
    const poller = new SourcePoller({
      source,
      connector: timeline,
      producer: options.producer ?? producer,
      cache,
      metrics,
      logger,
      backoff: { initialMs: 20, maxMs: 100 },
      breaker: { failureThreshold: 100, openMs: 50 },
    })
    pollers.push(poller)
    // Other suites share mentions.v1 (some write invalid events on purpose): decode this tenant's keys only.
    const published = async (): Promise<Mention[]> => (await bus.readAll(topics.mentions))
      .filter((m) => m.key?.startsWith(`${tenantId}:`) === true)
      .map((m) => decodeEvent(topics.mentions, m.value))
    return { tenantId, cache, timeline, metrics, poller, published, source }
  }

  async function counter (metric: IngestMetrics[keyof IngestMetrics], labels: Record<string, string> = {}): Promise<number> {
    const { values } = await metric.get()
    return values.filter((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l)).reduce((sum, v) => sum + v.value, 0)
  }

  test('1,000 mentions over many pages reach mentions.v1 exactly once, in order per conversation', async () => {
    const { tenantId, timeline, poller, published } = setup({ pageSize: 40 })
    for (let i = 0; i < 600; i++) timeline.posts.push(post(tenantId, i))
    expect((await poller.pollOnce()).published).toBe(600)
    for (let i = 600; i < 1000; i++) timeline.posts.push(post(tenantId, i))
    expect((await poller.pollOnce()).published).toBe(400)
    expect((await poller.pollOnce()).published).toBe(0)

    const mentions = await published()
    expect(mentions).toHaveLength(1000)
    expect(new Set(mentions.map((m) => m.id)).size).toBe(1000)
    const byConversation = new Map<string, number[]>()
    for (const m of mentions) byConversation.set(m.conversationId, [...(byConversation.get(m.conversationId) ?? []), Number(m.text.split(' ')[1])])
    for (const order of byConversation.values()) expect(order).toEqual([...order].sort((a, b) => a - b))
  })

  test('a poll whose publish failed moves neither checkpoint nor dedupe, so the next poll publishes everything once', async () => {
    let failNext = true
    const flaky: Producer = {
      send: async (topic, messages) => {
        if (failNext) {
          failNext = false
          throw new Error('broker unavailable')
        }
        await producer.send(topic, messages)
      },
      flush: async () => {},
      close: async () => {},
    }
    const { tenantId, timeline, poller, published, cache, source } = setup({ producer: flaky })
    for (let i = 0; i < 120; i++) timeline.posts.push(post(tenantId, i))
    expect((await poller.pollOnce()).status).toBe('publish_failed')
    expect(await cache.getCheckpoint(`ingest:${tenantId}:${source.sourceId}`)).toBeUndefined()
    await waitFor(async () => (await poller.pollOnce()).status === 'ok', { message: 'a successful poll' })
    const mentions = await published()
    expect(mentions).toHaveLength(120)
    expect(await cache.getCheckpoint(`ingest:${tenantId}:${source.sourceId}`)).toBe(timeline.posts.at(-1)?.nativeId)
  })

  test('a restart after the broker acknowledged but before the checkpoint moved re-reads, and dedupe removes the repeats', async () => {
    const { tenantId, timeline, poller, published, cache, source } = setup()
    for (let i = 0; i < 80; i++) timeline.posts.push(post(tenantId, i))
    await poller.pollOnce()
    // As if the process died right after publishing: the cursor is back where it was.
    await cache.setCheckpoint(`ingest:${tenantId}:${source.sourceId}`, String(1_900_000_000_000_000_000n - 1n))
    const again = await poller.pollOnce()
    expect(again).toMatchObject({ status: 'ok', fetched: 80, duplicates: 80, published: 0 })
    expect(await published()).toHaveLength(80)
  })

  test('a 429 makes the loop wait for the reset: no request before it', async () => {
    const { tenantId, timeline, poller, published } = setup()
    for (let i = 0; i < 10; i++) timeline.posts.push(post(tenantId, i))
    const resetAt = Date.now() + 600
    timeline.failures.push(new RateLimitedError(resetAt))
    poller.start()
    await waitFor(async () => (await published()).length === 10, { timeoutMs: 10_000, message: '10 mentions after the reset' })
    expect(timeline.calls.length).toBeGreaterThanOrEqual(2)
    expect(timeline.calls[1]).toBeGreaterThanOrEqual(resetAt)
  })

  test('503s and network errors back off and recover, and are counted', async () => {
    const { tenantId, timeline, poller, published, metrics } = setup()
    for (let i = 0; i < 10; i++) timeline.posts.push(post(tenantId, i))
    timeline.failures.push(new SourceUnavailableError('503 Service Unavailable'), new SourceUnavailableError('ECONNRESET'))
    poller.start()
    await waitFor(async () => (await published()).length === 10, { timeoutMs: 10_000, message: '10 mentions after recovery' })
    expect(await counter(metrics.errors, { tenant: tenantId, kind: 'unavailable' })).toBe(2)
    const gaps = timeline.calls.slice(1, 3).map((t, i) => t - (timeline.calls[i] ?? 0))
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(10)
  })

  test('malformed items are counted and skipped; reposts and the brand\'s own posts are filtered; the rest are published', async () => {
    const { tenantId, timeline, poller, published, metrics } = setup({ brandAccounts: ['@AcmeRail'] })
    for (let i = 0; i < 10; i++) timeline.posts.push(post(tenantId, i))
    timeline.posts.push(sampleMention({ tenantId, nativeId: String(1_900_000_000_000_000_100n), author: { id: '1', handle: 'AcmeRail' } }))
    timeline.reposts.add(timeline.posts[3]?.id ?? '')
    timeline.malformed = 2
    const outcome = await poller.pollOnce()
    expect(outcome).toMatchObject({ status: 'ok', fetched: 11, filtered: 2, malformed: 2, published: 9 })
    expect((await published()).map((m) => m.text)).not.toContain('mention 3')
    expect(await counter(metrics.filtered, { tenant: tenantId, reason: 'repost' })).toBe(1)
    expect(await counter(metrics.filtered, { tenant: tenantId, reason: 'brand_own_post' })).toBe(1)
    expect(await counter(metrics.errors, { tenant: tenantId, kind: 'malformed' })).toBe(2)
  })

  test('a source unread for longer than its allowed interval raises source.gap once, and clears when read again', async () => {
    const { timeline, poller, metrics, tenantId } = setup({ maxGapMs: 150 })
    for (let i = 0; i < 40; i++) timeline.failures.push(new SourceUnavailableError('503'))
    poller.start()
    await waitFor(async () => await counter(metrics.inGap, { tenant: tenantId }) === 1, { timeoutMs: 5_000, message: 'source.gap' })
    expect(await counter(metrics.gaps, { tenant: tenantId })).toBe(1)
    timeline.failures.length = 0
    await waitFor(async () => await counter(metrics.inGap, { tenant: tenantId }) === 0, { timeoutMs: 5_000, message: 'the gap to close' })
    expect(await counter(metrics.gaps, { tenant: tenantId })).toBe(1)
  })

  test('tenants are walled off: the same platform ids for two tenants are two mentions with their own checkpoints', async () => {
    const a = setup()
    const b = setup()
    for (let i = 0; i < 5; i++) {
      a.timeline.posts.push(post(a.tenantId, i))
      b.timeline.posts.push(post(b.tenantId, i))
    }
    await a.poller.pollOnce()
    await b.poller.pollOnce()
    expect(await a.published()).toHaveLength(5)
    expect(await b.published()).toHaveLength(5)
  })
})
