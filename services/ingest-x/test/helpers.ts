import { createKafkaBus, type KafkaBus, type Producer } from '@earshot/bus'
import { type Cache, createRedisCache } from '@earshot/cache'
import { decodeEvent, type Mention, topics } from '@earshot/contracts'
import type { SourceDefinition } from '@earshot/ingest'
import { createLogger, createMetrics, type Metrics } from '@earshot/observability'
import { createXClient } from '@earshot/platform-x'
import { type FakeX, type FakeXOptions, startFakeX, testEnvironment, uniqueName } from '@earshot/testing'
import { type App, createApp } from '../src/app.js'

export const brandUserId = '1000'
export const logger = createLogger({ level: 'silent', name: 'ingest-x-test' })

export function tenantName (): string {
  return uniqueName('t').toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40)
}

export function redisCache (label: string): Cache {
  const env = testEnvironment()
  return createRedisCache({ url: env.redisUrl, prefix: `${env.redisKeyPrefix}${uniqueName(label)}:` })
}

export async function kafka (): Promise<{ bus: KafkaBus, producer: Producer }> {
  const bus = createKafkaBus({ brokers: testEnvironment().kafkaBrokers, clientId: 'ingest-x-test' })
  await bus.ensureTopics([{ name: topics.mentions, partitions: 3 }])
  return { bus, producer: bus.producer() }
}

export async function publishedFor (bus: KafkaBus, tenantId: string): Promise<Mention[]> {
  // Other suites share mentions.v1 (some write invalid events on purpose): decode this tenant's keys only.
  return (await bus.readAll(topics.mentions)).filter((m) => m.key?.startsWith(`${tenantId}:`) === true).map((m) => decodeEvent(topics.mentions, m.value))
}

export async function fakeX (options: Partial<FakeXOptions> = {}): Promise<FakeX> {
  const x = await startFakeX({ bearerToken: 'test-bearer', ownUserId: brandUserId, rateLimit: { limit: 100_000, windowMs: 15 * 60_000 }, ...options })
  x.state.addUser({ id: brandUserId, username: 'AcmeRail', name: 'Acme Rail', verified: true })
  for (let i = 0; i < 20; i++) {
    x.state.addUser({
      id: String(2000 + i),
      username: `customer_${i}`,
      name: `Customer ${i}`,
      public_metrics: { followers_count: i * 10, following_count: 0, tweet_count: 0, listed_count: 0 },
    })
  }
  return x
}

export interface Harness {
  app: App
  metrics: Metrics
  source: SourceDefinition
}

/** The service's app over real Kafka and Redis, reading the fake X server through the real twitter-api-v2 client. */
export function buildApp (x: FakeX, producer: Producer, cache: Cache, source: Partial<SourceDefinition> & { tenantId: string }, bearerToken = 'test-bearer'): Harness {
  const metrics = createMetrics({ service: 'ingest-x-test' })
  const full: SourceDefinition = {
    sourceId: 'x-mentions',
    platform: 'x',
    pollIntervalMs: 20,
    maxGapMs: 60_000,
    includeReposts: false,
    brandAccounts: [],
    settings: { kind: 'mentions', userId: brandUserId },
    ...source,
  }
  const app = createApp({
    config: { X_MAX_RESULTS: 25, X_REQUEST_TIMEOUT: 5_000, INGEST_DEDUPE_TTL: 3_600_000 },
    sources: [full],
    client: createXClient({ bearerToken, baseUrl: x.url }),
    producer,
    cache,
    metrics,
    logger,
    poller: { backoff: { initialMs: 20, maxMs: 200 }, breaker: { failureThreshold: 100, openMs: 50 } },
  })
  return { app, metrics, source: full }
}

export async function counterValue (metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === `earshot_${name}`)
  return (metric?.values ?? [])
    .filter((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l))
    .reduce((sum, v) => sum + v.value, 0)
}
