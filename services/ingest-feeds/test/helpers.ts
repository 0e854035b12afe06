import { createKafkaBus, type KafkaBus, type Producer } from '@earshot/bus'
import { type Cache, createRedisCache } from '@earshot/cache'
import { decodeEvent, type Mention, topics } from '@earshot/contracts'
import type { SourceDefinition } from '@earshot/ingest'
import { createLogger, createMetrics, type Metrics } from '@earshot/observability'
import { testEnvironment, uniqueName } from '@earshot/testing'
import { type FakeFeedServer, startFakeFeedServer } from '@earshot/testing/fakes/feed-server'
import { type App, type AppDeps, createApp } from '../src/app.js'

export const logger = createLogger({ level: 'silent', name: 'ingest-feeds-test' })

export function tenantName (): string {
  return uniqueName('t').toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40)
}

export function redisCache (label: string): Cache {
  const env = testEnvironment()
  return createRedisCache({ url: env.redisUrl, prefix: `${env.redisKeyPrefix}${uniqueName(label)}:` })
}

export async function kafka (): Promise<{ bus: KafkaBus, producer: Producer }> {
  const bus = createKafkaBus({ brokers: testEnvironment().kafkaBrokers, clientId: 'ingest-feeds-test' })
  await bus.ensureTopics([{ name: topics.mentions, partitions: 3 }])
  return { bus, producer: bus.producer() }
}

export async function publishedFor (bus: KafkaBus, tenantId: string): Promise<Mention[]> {
  // Other suites share mentions.v1 (some write invalid events on purpose): decode this tenant's keys only.
  return (await bus.readAll(topics.mentions)).filter((m) => m.key?.startsWith(`${tenantId}:`) === true).map((m) => decodeEvent(topics.mentions, m.value))
}

export async function fakeFeeds (): Promise<FakeFeedServer> {
  return await startFakeFeedServer()
}

export const testConfig: AppDeps['config'] = {
  FEEDS_ALLOWED_HOSTS: ['127.0.0.1'],
  FEEDS_REQUEST_TIMEOUT: 5_000,
  FEEDS_MAX_BODY_BYTES: 1024 * 1024,
  FEEDS_MAX_REDIRECTS: 5,
  FEEDS_USER_AGENT: 'Earshot-Feeds-Test/1',
  FEEDS_MAX_ITEM_AGE: 2 * 24 * 3_600_000,
  INGEST_DEDUPE_TTL: 3 * 24 * 3_600_000,
}

export interface Harness {
  app: App
  metrics: Metrics
  source: SourceDefinition
}

/** The service's app over real Kafka and Redis, polling the fake feed server over real HTTP. */
export function buildApp (producer: Producer, cache: Cache, source: Partial<SourceDefinition> & { tenantId: string, settings: Record<string, unknown> },
  overrides: { config?: Partial<AppDeps['config']>, resolve?: AppDeps['resolve'] } = {}): Harness {
  const metrics = createMetrics({ service: 'ingest-feeds-test' })
  const full: SourceDefinition = {
    sourceId: 'forum',
    platform: 'feed',
    pollIntervalMs: 20,
    maxGapMs: 60_000,
    includeReposts: false,
    brandAccounts: [],
    ...source,
  }
  const app = createApp({
    config: { ...testConfig, ...overrides.config },
    sources: [full],
    producer,
    cache,
    metrics,
    logger,
    ...(overrides.resolve === undefined ? {} : { resolve: overrides.resolve }),
    poller: { backoff: { initialMs: 20, maxMs: 200 }, breaker: { failureThreshold: 100, openMs: 50 } },
  })
  return { app, metrics, source: full }
}

export async function counterValue (metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === `earshot_${name}`)
  return (metric?.values ?? [])
    .filter((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l))
    .reduce((sum, v) => sum + v.value, 0)
}
