import { createKafkaBus, type KafkaBus, type Producer } from '@earshot/bus'
import { type Cache, createRedisCache } from '@earshot/cache'
import { decodeEvent, type Mention, topics } from '@earshot/contracts'
import { createLogger, createMetrics, type Metrics } from '@earshot/observability'
import { testEnvironment, uniqueName } from '@earshot/testing'
import { type FakeMastodon, startFakeMastodon } from '@earshot/testing/fakes/mastodon-server'
import { type App, createApp } from '../src/app.js'
import { sourceKey } from '../src/config.js'
import { type MastodonSource, parseMastodonSourceSettings } from '../src/sources.js'

export const token = 'test-token'
export const logger = createLogger({ level: 'silent', name: 'ingest-mastodon-test' })

export function tenantName (): string {
  return uniqueName('t').toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40)
}

export function redisCache (label: string): Cache {
  const env = testEnvironment()
  return createRedisCache({ url: env.redisUrl, prefix: `${env.redisKeyPrefix}${uniqueName(label)}:` })
}

export async function kafka (): Promise<{ bus: KafkaBus, producer: Producer }> {
  const bus = createKafkaBus({ brokers: testEnvironment().kafkaBrokers, clientId: 'ingest-mastodon-test' })
  await bus.ensureTopics([{ name: topics.mentions, partitions: 3 }])
  return { bus, producer: bus.producer() }
}

export async function publishedFor (bus: KafkaBus, tenantId: string): Promise<Mention[]> {
  // Other suites share mentions.v1 (some write invalid events on purpose): decode this tenant's keys only.
  return (await bus.readAll(topics.mentions)).filter((m) => m.key?.startsWith(`${tenantId}:`) === true).map((m) => decodeEvent(topics.mentions, m.value))
}

/** A fake instance whose Link headers name a public domain other than the address we reach it by, as real instances do. */
export async function fakeMastodon (): Promise<FakeMastodon> {
  const mastodon = await startFakeMastodon({ accessToken: token, publicUrl: 'https://mastodon.example', rateLimit: { limit: 100_000, windowMs: 5 * 60_000 }, heartbeatMs: 200 })
  for (let i = 0; i < 20; i++) {
    mastodon.state.addAccount({ username: `customer${i}`, ...(i % 2 === 0 ? {} : { domain: 'other.example' }), displayName: `Customer ${i}`, followers: i * 10 })
  }
  return mastodon
}

export interface Harness {
  app: App
  metrics: Metrics
  source: MastodonSource
}

export function mastodonSource (mastodon: FakeMastodon, source: { tenantId: string, sourceId?: string, settings?: Record<string, unknown>, brandAccounts?: string[] }): MastodonSource {
  const settings = { kind: 'notifications', instanceUrl: mastodon.url, accessTokenEnv: 'MASTODON_TOKEN_TEST', backfillPages: 100, ...source.settings }
  return {
    tenantId: source.tenantId,
    sourceId: source.sourceId ?? 'mastodon-mentions',
    platform: 'mastodon',
    pollIntervalMs: 20,
    maxGapMs: 60_000,
    includeReposts: false,
    brandAccounts: source.brandAccounts ?? [],
    settings,
    mastodon: parseMastodonSourceSettings(settings, 'test source'),
  }
}

/** The service's app over real Kafka and Redis, reading the fake Mastodon server through the service's fetch client. */
export function buildApp (sources: MastodonSource[], producer: Producer, cache: Cache, accessToken = token): Harness {
  const metrics = createMetrics({ service: 'ingest-mastodon-test' })
  const app = createApp({
    config: { MASTODON_REQUEST_TIMEOUT: 2_000, MASTODON_PAGE_LIMIT: 20, MASTODON_MAX_PAGES_PER_POLL: 1000, INGEST_DEDUPE_TTL: 3_600_000 },
    sources,
    tokens: new Map(sources.map((s) => [sourceKey(s), accessToken])),
    producer,
    cache,
    metrics,
    logger,
    poller: { backoff: { initialMs: 20, maxMs: 200 }, breaker: { failureThreshold: 100, openMs: 50 } },
    stream: {
      keepAliveTimeoutMs: 2_000,
      reconnect: { network: { stepMs: 20, maxMs: 100 }, http: { initialMs: 20, maxMs: 100 }, rateLimit: { initialMs: 50, maxMs: 200 } },
    },
  })
  return { app, metrics, source: sources[0] as MastodonSource }
}

export async function counterValue (metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === `earshot_${name}`)
  return (metric?.values ?? [])
    .filter((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l))
    .reduce((sum, v) => sum + v.value, 0)
}
