import { createKafkaBus, type KafkaBus, type Producer } from '@earshot/bus'
import { type Cache, createRedisCache } from '@earshot/cache'
import { decodeEvent, type Mention, topics } from '@earshot/contracts'
import { parseSourcesConfig } from '@earshot/ingest'
import { createLogger, createMetrics, type Metrics } from '@earshot/observability'
import { createMetaWebhookSender, type MetaWebhookSender, testEnvironment, uniqueName } from '@earshot/testing'
import { type App, createApp } from '../src/app.js'
import { signGenericRequest } from '../src/signature.js'
import { resolveWebhookSources } from '../src/sources.js'

export const appSecret = 'meta-app-secret-for-tests'
export const verifyToken = 'verify-token-for-tests'
export const genericSecret = 'generic-secret-for-tests-0123456789'
export const logger = createLogger({ level: 'silent', name: 'ingest-webhook-test' })

let accountCounter = 0

export function tenantName (): string {
  return uniqueName('t').toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40)
}

/** Numeric ids unique to this run, so tests sharing the topic never see each other's accounts. */
export function accountId (): string {
  accountCounter++
  return `${Date.now()}${process.pid}${accountCounter}`
}

export function redisCache (): Cache {
  const env = testEnvironment()
  return createRedisCache({ url: env.redisUrl, prefix: `${env.redisKeyPrefix}${uniqueName('webhook')}:` })
}

export async function kafka (): Promise<KafkaBus> {
  const bus = createKafkaBus({ brokers: testEnvironment().kafkaBrokers, clientId: 'ingest-webhook-test' })
  await bus.ensureTopics([{ name: topics.mentions, partitions: 3 }])
  return bus
}

export async function publishedFor (bus: KafkaBus, tenantId: string): Promise<Array<{ key: string | null, mention: Mention }>> {
  // Other suites share the topic (some write invalid events on purpose): only this tenant's keys are decoded.
  return (await bus.readAll(topics.mentions))
    .filter((m) => m.key?.startsWith(`${tenantId}:`) === true)
    .map((m) => ({ key: m.key, mention: decodeEvent(topics.mentions, m.value) }))
}

export interface Tenant {
  tenantId: string
  pageId: string
  igAccountId: string
}

export function newTenant (): Tenant {
  return { tenantId: tenantName(), pageId: accountId(), igAccountId: accountId() }
}

export interface Harness {
  app: App
  metrics: Metrics
  baseUrl: string
  meta: MetaWebhookSender
  /** POSTs a generic webhook signed at `at` (epoch ms) with `secret`. */
  generic: (tenantId: string, sourceId: string, body: unknown, options?: { secret?: string, at?: number, headers?: Record<string, string> }) => Promise<{ status: number, body: Record<string, unknown> }>
}

/** The service's receiver on a free port, over real Kafka and Redis, with one tenant's Page, IG account and chat source. */
export async function startReceiver (tenant: Tenant, producer: Producer, cache: Cache, maxBodyBytes = 64 * 1024): Promise<Harness> {
  const metrics = createMetrics({ service: 'ingest-webhook-test' })
  const sources = resolveWebhookSources(parseSourcesConfig({
    sources: [
      { tenantId: tenant.tenantId, sourceId: 'fb-page', platform: 'facebook', settings: { pageId: tenant.pageId } },
      { tenantId: tenant.tenantId, sourceId: 'ig', platform: 'instagram', settings: { accountId: tenant.igAccountId } },
      { tenantId: tenant.tenantId, sourceId: 'web-chat', platform: 'webchat', settings: { secrets: [genericSecret] } },
    ],
  }))
  const app = createApp({
    config: {
      WEBHOOK_MAX_BODY_BYTES: maxBodyBytes,
      WEBHOOK_TIMESTAMP_TOLERANCE: 300_000,
      WEBHOOK_REQUEST_TIMEOUT: 10_000,
      INGEST_DEDUPE_TTL: 3_600_000,
      META_APP_SECRET: appSecret,
      META_VERIFY_TOKEN: verifyToken,
    },
    sources,
    producer,
    cache,
    metrics,
    logger,
  })
  const port = await app.listen(0, '127.0.0.1')
  const baseUrl = `http://127.0.0.1:${port}`
  return {
    app,
    metrics,
    baseUrl,
    meta: createMetaWebhookSender({ url: `${baseUrl}/webhooks/meta`, appSecret, verifyToken }),
    async generic (tenantId, sourceId, body, { secret = genericSecret, at = Date.now(), headers = {} } = {}) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body)
      const signed = signGenericRequest(raw, secret, at / 1000)
      const response = await fetch(`${baseUrl}/webhooks/generic/${tenantId}/${sourceId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-earshot-timestamp': signed.timestamp, 'x-earshot-signature': signed.signature, ...headers },
        body: raw,
      })
      return { status: response.status, body: await response.json() as Record<string, unknown> }
    },
  }
}

export async function counterValue (metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === `earshot_${name}`)
  return (metric?.values ?? [])
    .filter((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l))
    .reduce((sum, v) => sum + v.value, 0)
}
