import { createMemoryBus, type Producer } from '@earshot/bus'
import { createMemoryCache } from '@earshot/cache'
import { decodeEvent, type Mention, sampleMention, topics } from '@earshot/contracts'
import { createLogger, createMetrics } from '@earshot/observability'
import { createIngestMetrics } from './metrics.js'
import { mentionDedupeKey, publishMentions, type SourcedItem } from './publish-mentions.js'
import type { SourceConfig } from './source.js'

const source: SourceConfig = { tenantId: 'acme-rail', sourceId: 'fb', platform: 'facebook', pollIntervalMs: 60_000, maxGapMs: 300_000 }
const logger = createLogger({ level: 'silent', name: 'publish-mentions-test' })

function mention (nativeId: string, createdAt: string, overrides: Partial<Mention> = {}): SourcedItem {
  return { source, item: { mention: sampleMention({ platform: 'facebook', id: `facebook:${nativeId}`, nativeId, conversationId: 'post-1', createdAt, inReplyToId: undefined, ...overrides }) } }
}

async function setup () {
  const bus = createMemoryBus()
  await bus.ensureTopics([{ name: topics.mentions, partitions: 1 }])
  const cache = createMemoryCache()
  const options = { producer: bus.producer(), cache, metrics: createIngestMetrics(createMetrics({ service: 'test' })), logger }
  const published = async (): Promise<string[]> => (await bus.readAll(topics.mentions)).map((m) => decodeEvent(topics.mentions, m.value).nativeId)
  return { bus, cache, options, published }
}

test('publishes oldest first, once per id, and filters the brand\'s own posts', async () => {
  const { options, published } = await setup()
  const items = [
    mention('2', '2026-01-01T10:00:02Z'),
    mention('1', '2026-01-01T10:00:01Z'),
    mention('2', '2026-01-01T10:00:02Z'),
    mention('3', '2026-01-01T10:00:03Z', { author: { id: 'page', handle: 'Acme', isBrand: true } }),
  ]
  expect(await publishMentions(items, options)).toEqual({ published: 2, duplicates: 1, filtered: 1, malformed: 0 })
  expect(await publishMentions(items, options)).toEqual({ published: 0, duplicates: 3, filtered: 1, malformed: 0 })
  expect(await published()).toEqual(['1', '2'])
})

test('a mention breaking the contract is skipped and counted; the rest is published', async () => {
  const { options, published } = await setup()
  const result = await publishMentions([mention('1', '2026-01-01T10:00:01Z', { text: 'x'.repeat(50_000) }), mention('2', '2026-01-01T10:00:02Z')], options)
  expect(result).toEqual({ published: 1, duplicates: 0, filtered: 0, malformed: 1 })
  expect(await published()).toEqual(['2'])
})

test('when the broker fails, nothing is remembered, so the retry publishes', async () => {
  const { cache, options } = await setup()
  const failing: Producer = { send: async () => { throw new Error('broker down') }, flush: async () => {}, close: async () => {} }
  const item = mention('1', '2026-01-01T10:00:01Z')
  await expect(publishMentions([item], { ...options, producer: failing })).rejects.toThrow('broker down')
  expect(await cache.claimedMany([mentionDedupeKey(item.item.mention)])).toEqual([false])
  expect(await publishMentions([item], options)).toMatchObject({ published: 1 })
})
