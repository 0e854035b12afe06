import { createKafkaBus, type KafkaBus, type Producer } from '@earshot/bus'
import { type Cache, createRedisCache } from '@earshot/cache'
import { decodeEvent, type Mention, topics } from '@earshot/contracts'
import type { SourceDefinition } from '@earshot/ingest'
import { createLogger, createMetrics, type Metrics } from '@earshot/observability'
import { testEnvironment, uniqueName } from '@earshot/testing'
import { type FakeYouTube, type FakeYouTubeOptions, startFakeYouTube } from '@earshot/testing/fakes/youtube-server'
import { type App, createApp } from '../src/app.js'
import { createYouTubeClient } from '../src/youtube-client.js'

export const apiKey = 'AIza-test-key'
export const brandChannelId = 'UCacmeRailAcmeRailAcme01'
export const logger = createLogger({ level: 'silent', name: 'ingest-youtube-test' })

export function tenantName (): string {
  return uniqueName('t').toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40)
}

export function redisCache (label: string): Cache {
  const env = testEnvironment()
  return createRedisCache({ url: env.redisUrl, prefix: `${env.redisKeyPrefix}${uniqueName(label)}:` })
}

export async function kafka (): Promise<{ bus: KafkaBus, producer: Producer }> {
  const bus = createKafkaBus({ brokers: testEnvironment().kafkaBrokers, clientId: 'ingest-youtube-test' })
  await bus.ensureTopics([{ name: topics.mentions, partitions: 3 }])
  return { bus, producer: bus.producer() }
}

export async function publishedFor (bus: KafkaBus, tenantId: string): Promise<Mention[]> {
  // Other suites share mentions.v1 (some write invalid events on purpose): decode this tenant's keys only.
  return (await bus.readAll(topics.mentions)).filter((m) => m.key?.startsWith(`${tenantId}:`) === true).map((m) => decodeEvent(topics.mentions, m.value))
}

export async function fakeYouTube (options: FakeYouTubeOptions = {}): Promise<FakeYouTube> {
  return await startFakeYouTube({ apiKey, ...options })
}

export interface Harness {
  app: App
  metrics: Metrics
  source: SourceDefinition
}

/** The service's app over real Kafka and Redis, reading the fake YouTube API through the real client. */
export function buildApp (youtube: FakeYouTube, producer: Producer, cache: Cache, source: Partial<SourceDefinition> & { tenantId: string }, { key = apiKey, now }: { key?: string, now?: () => number } = {}): Harness {
  const metrics = createMetrics({ service: 'ingest-youtube-test' })
  const full: SourceDefinition = {
    sourceId: 'youtube-channel',
    platform: 'youtube',
    pollIntervalMs: 20,
    maxGapMs: 60_000,
    includeReposts: false,
    brandAccounts: [],
    settings: { kind: 'channel', channelId: brandChannelId },
    ...source,
  }
  const app = createApp({
    // A budget far above what the tests spend, so polls are not spread out to save it.
    config: { YOUTUBE_PAGE_SIZE: 25, YOUTUBE_MAX_PAGES: 1000, YOUTUBE_SOURCE_DAILY_UNITS: 10_000_000, INGEST_DEDUPE_TTL: 3_600_000 },
    sources: [full],
    client: createYouTubeClient({ apiKey: key, baseUrl: youtube.url, requestTimeoutMs: 5_000, ...(now === undefined ? {} : { now }) }),
    producer,
    cache,
    metrics,
    logger,
    poller: { backoff: { initialMs: 20, maxMs: 200 }, breaker: { failureThreshold: 100, openMs: 50 }, ...(now === undefined ? {} : { now }) },
  })
  return { app, metrics, source: full }
}

export async function counterValue (metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === `earshot_${name}`)
  return (metric?.values ?? [])
    .filter((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l))
    .reduce((sum, v) => sum + v.value, 0)
}

/** Comment threads on the brand's videos, one second apart, each with `repliesEach` replies a few seconds later. */
export function commentWriter (youtube: FakeYouTube, { base = Date.now() - 7_200_000 } = {}) {
  let k = 0
  return {
    add (threads: number, repliesEach = 0): string[] {
      const ids: string[] = []
      for (let i = 0; i < threads; i++, k++) {
        const at = base + k * 10_000
        const thread = youtube.state.addThread({
          channelId: brandChannelId, videoId: `video${k % 7}`, text: `Acme problem ${k}`, author: { displayName: `@user${k % 20}`, channelId: `UCuser${k % 20}` }, publishedAt: at,
        })
        ids.push(thread.id)
        for (let r = 0; r < repliesEach; r++) {
          ids.push(youtube.state.addReply({ threadId: thread.id, text: `me too ${k}.${r}`, author: { displayName: `@fan${r}`, channelId: `UCfan${r}` }, publishedAt: at + (r + 1) * 1000 }).id)
        }
      }
      return ids
    },
  }
}
