import { createKafkaBus, type KafkaBus, type Producer } from '@earshot/bus'
import { type Cache, createRedisCache } from '@earshot/cache'
import { decodeEvent, type Mention, topics } from '@earshot/contracts'
import type { SourceDefinition } from '@earshot/ingest'
import { createLogger, createMetrics, type Metrics } from '@earshot/observability'
import { testEnvironment, uniqueName } from '@earshot/testing'
import { type FakeReddit, startFakeReddit } from '@earshot/testing/fakes/reddit-server'
import { type App, createApp } from '../src/app.js'
import { createRedditClient } from '../src/reddit-client.js'

export const userAgent = 'server:earshot-test:0.1.0 (by /u/earshot_tests)'
export const logger = createLogger({ level: 'silent', name: 'ingest-reddit-test' })

export function tenantName (): string {
  return uniqueName('t').toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40)
}

export function redisCache (label: string): Cache {
  const env = testEnvironment()
  return createRedisCache({ url: env.redisUrl, prefix: `${env.redisKeyPrefix}${uniqueName(label)}:` })
}

export async function kafka (): Promise<{ bus: KafkaBus, producer: Producer }> {
  const bus = createKafkaBus({ brokers: testEnvironment().kafkaBrokers, clientId: 'ingest-reddit-test' })
  await bus.ensureTopics([{ name: topics.mentions, partitions: 3 }])
  return { bus, producer: bus.producer() }
}

export async function publishedFor (bus: KafkaBus, tenantId: string): Promise<Mention[]> {
  // Other suites share mentions.v1 (some write invalid events on purpose): decode this tenant's keys only.
  return (await bus.readAll(topics.mentions)).filter((m) => m.key?.startsWith(`${tenantId}:`) === true).map((m) => decodeEvent(topics.mentions, m.value))
}

export async function fakeReddit (options: Parameters<typeof startFakeReddit>[0] = {}): Promise<FakeReddit> {
  // A budget far above what the tests spend, so polls are not spread out to save it (tests of the limit set their own).
  return await startFakeReddit({ clientId: 'test-client', clientSecret: 'test-secret', rateLimit: { limit: 100_000, windowMs: 600_000 }, ...options })
}

export interface Harness {
  app: App
  metrics: Metrics
  source: SourceDefinition
}

/** The service's app over real Kafka and Redis, reading the fake Reddit server through the real client. */
export function buildApp (reddit: FakeReddit, producer: Producer, cache: Cache, source: Partial<SourceDefinition> & { tenantId: string }, clientSecret = 'test-secret'): Harness {
  const metrics = createMetrics({ service: 'ingest-reddit-test' })
  const full: SourceDefinition = {
    sourceId: 'reddit-search',
    platform: 'reddit',
    pollIntervalMs: 20,
    maxGapMs: 60_000,
    includeReposts: false,
    brandAccounts: [],
    settings: { kind: 'search', query: 'acme' },
    ...source,
  }
  const app = createApp({
    config: { REDDIT_PAGE_SIZE: 25, REDDIT_MAX_PAGES: 100, INGEST_DEDUPE_TTL: 3_600_000 },
    sources: [full],
    client: createRedditClient({ clientId: 'test-client', clientSecret, userAgent, apiBaseUrl: reddit.url, tokenUrl: reddit.tokenUrl, requestTimeoutMs: 5_000 }),
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

/**
 * Brand mentions in `subreddit`, one second apart: the first `conversations` are posts, later ones
 * comments on them round-robin (every third replying to the post's previous comment).
 */
export function threadWriter (reddit: FakeReddit, { conversations = 37, subreddit = 'acmeusers', base = Date.now() - 7_200_000 } = {}) {
  const posts: string[] = []
  const lastComment = new Map<string, string>()
  let k = 0
  return {
    posts,
    add (n: number): string[] {
      const names: string[] = []
      for (let i = 0; i < n; i++, k++) {
        const createdAt = base + k * 1000
        if (k < conversations) {
          const post = reddit.state.addPost({ subreddit, title: `Acme problem ${k}`, selftext: `details ${k}`, author: `user_${k % 20}`, createdAt })
          names.push(post.data.name)
          posts.push(post.data.name)
          continue
        }
        const linkId = posts[k % conversations] as string
        const previous = lastComment.get(linkId)
        const comment = reddit.state.addComment({ linkId, ...(k % 3 === 0 && previous !== undefined ? { parentId: previous } : {}), body: `acme reply ${k}`, author: `user_${k % 20}`, createdAt })
        lastComment.set(linkId, comment.data.name)
        names.push(comment.data.name)
      }
      return names
    },
  }
}
