import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Bus } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import { createClassifierApp, type MentionClassifier } from '@earshot/classifier'
import type { Mention } from '@earshot/contracts'
import { createIngestMetrics } from '@earshot/ingest'
import type { Logger, Metrics } from '@earshot/observability'
import { createRouterApp, defaultRetentionHours, type PolicyBook, retentionFromHours, type RouterDeps } from '@earshot/router'
import type { Pool } from '@earshot/store'
import { renderConsole } from './console-page.js'
import { createReplay } from './replay.js'
import { recentTickets, storeStatus } from './status.js'

export interface AllInOneDeps {
  bus: Bus
  pool: Pool
  cache: Cache
  classifier: MentionClassifier
  policies: PolicyBook
  logger: Logger
  metrics: Metrics
  now?: () => Date
  /** Recorded mentions to replay into mentions.v1; empty for none. */
  sample: {
    file: string
    mentions: readonly Mention[]
    ratePerSecond: number
    from: number
    to: number
    onProgress?: (position: number) => void
  }
  /** Per platform; the demo's log instead of posting. */
  replySenders?: RouterDeps['replySenders']
  /** Everything this app does not answer itself (the API and its console); without it, a minimal console at /. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => void
  /** Partitions of every topic on the memory bus. */
  topicPartitions?: number
}

const json = 'application/json; charset=utf-8'

function send (res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' })
  res.end(res.req.method === 'HEAD' ? undefined : body)
}

/**
 * Every Earshot service in one process, built without I/O of its own: the sample replay publishes
 * to mentions.v1 on the given bus, the classifier and the router consume it as they do in the
 * distributed mode, and `handle` answers /healthz, /readyz, /metrics, /v1/status and /status/tickets,
 * and passes the rest to `fallback` (the API and its console), or serves a minimal console at /. main.ts supplies PGlite, the memory bus and the HTTP server.
 */
export function createAllInOneApp (deps: AllInOneDeps) {
  const log = deps.logger.child({ component: 'all-in-one' })
  const partitions = deps.topicPartitions ?? 3
  const classifier = createClassifierApp({ bus: deps.bus, classifier: deps.classifier, logger: deps.logger, metrics: deps.metrics, topicPartitions: partitions })
  const router = createRouterApp({
    bus: deps.bus,
    pool: deps.pool,
    policies: deps.policies,
    logger: deps.logger,
    metrics: deps.metrics,
    cache: deps.cache,
    topicPartitions: partitions,
    // One PGlite connection serves everything: writing partitions side by side would only queue on it.
    partitionsConcurrently: 1,
    retention: retentionFromHours(defaultRetentionHours),
    ...(deps.now === undefined ? {} : { now: deps.now }),
    ...(deps.replySenders === undefined ? {} : { replySenders: deps.replySenders }),
  })
  const producer = deps.bus.producer({ lingerMs: 0 })
  const replay = createReplay({
    producer,
    cache: deps.cache,
    metrics: createIngestMetrics(deps.metrics),
    logger: deps.logger,
    mentions: deps.sample.mentions,
    ratePerSecond: deps.sample.ratePerSecond,
    from: deps.sample.from,
    to: deps.sample.to,
    ...(deps.now === undefined ? {} : { now: deps.now }),
    ...(deps.sample.onProgress === undefined ? {} : { onProgress: deps.sample.onProgress }),
  })
  let ready = false
  let replaying: Promise<void> | undefined

  async function status (): Promise<object> {
    return {
      ...(await storeStatus(deps.pool)),
      replay: { file: deps.sample.file, position: replay.position(), total: replay.total, done: replay.done(), ratePerSecond: deps.sample.ratePerSecond },
    }
  }

  async function route (method: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const own = ['/healthz', '/readyz', '/metrics', '/v1/status', '/status/tickets']
    if (deps.fallback !== undefined && !own.includes(url.pathname)) return deps.fallback(req, res)
    if (method !== 'GET' && method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD')
      return send(res, 405, json, JSON.stringify({ code: 'method_not_allowed', message: `${method} ${url.pathname}: use GET` }))
    }
    switch (url.pathname) {
      case '/healthz': return send(res, ready ? 200 : 503, json, JSON.stringify({ status: ready ? 'ok' : 'starting' }))
      case '/readyz': {
        const healthy = ready && classifier.healthy() && router.healthy()
        if (healthy) await deps.pool.query('SELECT 1')
        return send(res, healthy ? 200 : 503, json, JSON.stringify({ status: healthy ? 'ready' : 'not_ready' }))
      }
      case '/metrics': return send(res, 200, deps.metrics.registry.contentType, await deps.metrics.registry.metrics())
      case '/v1/status': return send(res, 200, json, JSON.stringify(await status()))
      case '/status/tickets': {
        const limit = Math.min(500, Math.max(1, Number(url.searchParams.get('limit') ?? 50) || 50))
        return send(res, 200, json, JSON.stringify({ tickets: await recentTickets(deps.pool, limit) }))
      }
      case '/': return send(res, 200, 'text/html; charset=utf-8', renderConsole(await storeStatus(deps.pool), await recentTickets(deps.pool, 40)))
      default: return send(res, 404, json, JSON.stringify({ code: 'not_found', message: `${url.pathname}: try /, /v1/status, /status/tickets, /healthz, /readyz or /metrics` }))
    }
  }

  return {
    replay,
    /** node:http request listener. */
    handle (req: IncomingMessage, res: ServerResponse): void {
      const method = req.method ?? 'GET'
      const url = new URL(req.url ?? '/', 'http://all-in-one.invalid')
      route(method, url, req, res).catch((err: unknown) => {
        log.error({ err, request: { method, url: url.pathname } }, 'request failed')
        if (!res.headersSent) send(res, 500, json, JSON.stringify({ code: 'internal', message: 'see the log' }))
        else res.destroy()
      })
    },
    status,
    /** Starts the router, then the classifier, then the replay (which runs in the background). */
    async start (): Promise<void> {
      await router.start()
      await classifier.start()
      ready = true
      replaying = replay.start().then(() => {
        if (replay.total > 0) log.info({ published: replay.position(), total: replay.total }, 'sample replay finished')
      }, (err: unknown) => {
        log.error({ err }, 'sample replay failed; restart to resume from the stored position')
      })
    },
    /** Stops the replay first, then drains the classifier and the router (which commits and relays what it has). */
    async stop (): Promise<void> {
      ready = false
      await replay.stop()
      await replaying
      await producer.close()
      await classifier.stop()
      await router.stop()
    },
  }
}

export type AllInOneApp = ReturnType<typeof createAllInOneApp>
