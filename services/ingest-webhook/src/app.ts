import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Producer } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import { createIngestMetrics, publishMentions, type PublishMentionsResult, type SourcedItem } from '@earshot/ingest'
import type { Logger, Metrics } from '@earshot/observability'
import type { Config } from './config.js'
import { PublishFailedError, SourceSettingsError, UnauthenticatedError, UnknownSourceError, WebhookError } from './errors.js'
import { normaliseGenericMessage } from './generic-normalise.js'
import { headerValue, readBody, sendJson, sendText } from './http.js'
import { normaliseMetaDelivery, parseJsonBody } from './meta-normalise.js'
import {
  genericSignatureHeader, genericTimestampHeader, metaSignatureHeader, secretsEqual, verifyGenericSignature, verifyMetaSignature,
} from './signature.js'
import { genericSourceKey, type WebhookSources } from './sources.js'

export interface AppDeps {
  config: Pick<Config, 'WEBHOOK_MAX_BODY_BYTES' | 'WEBHOOK_TIMESTAMP_TOLERANCE' | 'WEBHOOK_REQUEST_TIMEOUT' | 'INGEST_DEDUPE_TTL' | 'META_APP_SECRET' | 'META_VERIFY_TOKEN'>
  sources: WebhookSources
  producer: Producer
  cache: Cache
  metrics: Metrics
  logger: Logger
  now?: () => number
}

type Route = 'meta_verify' | 'meta_event' | 'generic' | 'unknown'

export const metaPath = '/webhooks/meta'
const genericPath = /^\/webhooks\/generic\/([^/]+)\/([^/]+)\/?$/

/**
 * The webhook receiver on node:http, built without I/O; `listen()` binds it. Every POST answers 2xx
 * only after the mentions it carried are acknowledged by Kafka (or were published before), so a
 * sender that sees 2xx may forget the delivery and a sender that sees 5xx retries it.
 */
export function createApp ({ config, sources, producer, cache, metrics, logger, now = Date.now }: AppDeps) {
  const log = logger.child({ component: 'ingest-webhook' })
  const meta = config.META_APP_SECRET !== undefined && config.META_VERIFY_TOKEN !== undefined
    ? { appSecret: config.META_APP_SECRET, verifyToken: config.META_VERIFY_TOKEN }
    : undefined
  if (meta === undefined && (sources.facebookPages.size > 0 || sources.instagramAccounts.size > 0)) {
    throw new SourceSettingsError('facebook/instagram sources are configured: set META_APP_SECRET and META_VERIFY_TOKEN')
  }
  const ingestMetrics = createIngestMetrics(metrics)
  const requests = metrics.counter('webhook_requests_total', 'Webhook requests answered, by route and status', ['route', 'status'])
  const rejected = metrics.counter('webhook_rejected_total', 'Webhook requests refused (nothing published), by route and reason', ['route', 'reason'])
  const skipped = metrics.counter('webhook_changes_skipped_total', 'Changes in accepted Meta deliveries that produced no mention', ['object', 'kind'])
  const duration = metrics.histogram('webhook_request_duration_seconds', 'Time from request to answer, including the Kafka write', ['route'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5])

  async function publish (items: SourcedItem[]): Promise<PublishMentionsResult> {
    try {
      return await publishMentions(items, { producer, cache, metrics: ingestMetrics, logger: log, dedupeTtlMs: config.INGEST_DEDUPE_TTL })
    } catch (err) {
      throw new PublishFailedError(err)
    }
  }

  function verifyHandshake (url: URL, res: ServerResponse, verifyToken: string): void {
    const mode = url.searchParams.get('hub.mode')
    const token = url.searchParams.get('hub.verify_token')
    const challenge = url.searchParams.get('hub.challenge')
    if (mode !== 'subscribe' || token === null || challenge === null || !secretsEqual(verifyToken, token)) {
      rejected.inc({ route: 'meta_verify', reason: 'forbidden' })
      log.warn({ mode, hasToken: token !== null, hasChallenge: challenge !== null }, 'refused a Meta verification handshake')
      sendText(res, 403, 'forbidden')
      return
    }
    log.info('answered the Meta verification handshake')
    sendText(res, 200, challenge)
  }

  async function metaEvent (req: IncomingMessage, res: ServerResponse, appSecret: string): Promise<void> {
    const rawBody = await readBody(req, config.WEBHOOK_MAX_BODY_BYTES)
    verifyMetaSignature(rawBody, headerValue(req, metaSignatureHeader), appSecret)
    const delivery = normaliseMetaDelivery(parseJsonBody(rawBody), { sources, receivedAt: new Date(now()).toISOString() })
    for (const skip of delivery.skipped) {
      skipped.inc({ object: skip.object, kind: skip.kind })
      const entry = { object: skip.object, field: skip.field, path: skip.path, reason: skip.reason }
      if (skip.kind === 'ignored') log.debug(entry, 'ignored a Meta change')
      else log.warn(entry, skip.kind === 'unmapped' ? 'a Meta change for an account no source maps to a tenant' : `skipping a malformed Meta change: ${skip.reason}`)
    }
    const result = await publish(delivery.mentions)
    sendJson(res, 200, { status: 'ok', ...result, skipped: delivery.skipped.length })
  }

  async function genericEvent (req: IncomingMessage, res: ServerResponse, tenantId: string, sourceId: string): Promise<void> {
    const generic = sources.generic.get(genericSourceKey(tenantId, sourceId))
    if (generic === undefined) throw new UnknownSourceError(tenantId, sourceId)
    const rawBody = await readBody(req, config.WEBHOOK_MAX_BODY_BYTES)
    const nowMs = now()
    verifyGenericSignature({
      rawBody,
      timestampHeader: headerValue(req, genericTimestampHeader),
      signatureHeader: headerValue(req, genericSignatureHeader),
      secrets: generic.secrets,
      nowMs,
      toleranceMs: config.WEBHOOK_TIMESTAMP_TOLERANCE,
    })
    const mention = normaliseGenericMessage(parseJsonBody(rawBody), generic.source, new Date(nowMs).toISOString())
    const result = await publish([{ source: generic.source, item: { mention } }])
    sendJson(res, result.published > 0 ? 202 : 200, { status: result.published > 0 ? 'accepted' : result.duplicates > 0 ? 'duplicate' : 'filtered', id: mention.id })
  }

  function reject (route: Route, err: unknown, res: ServerResponse, context: object): void {
    if (!(err instanceof WebhookError) || err.statusCode === undefined) {
      rejected.inc({ route, reason: 'internal' })
      log.error({ err, ...context }, 'webhook request failed')
      sendJson(res, 500, { error: 'internal', message: 'see the service log' })
      return
    }
    const reason = err instanceof UnauthenticatedError ? err.reason : err.code.replace('WEBHOOK_ERR_', '').toLowerCase()
    rejected.inc({ route, reason })
    if (err instanceof PublishFailedError) log.error({ err, ...context }, 'could not write to Kafka: answering 503 so the sender retries')
    else log.warn({ code: err.code, reason, ...context }, `refused a webhook: ${err.message}`)
    // 413: the rest of the body is not read, so the connection cannot be reused.
    sendJson(res, err.statusCode, { error: reason, message: err.message }, {
      ...(err.statusCode === 413 ? { connection: 'close' } : {}),
      ...(err.statusCode === 503 ? { 'retry-after': '5' } : {}),
    })
  }

  async function route (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', 'http://webhook.invalid')
    if (url.pathname === metaPath && meta !== undefined) {
      if (method === 'GET') {
        verifyHandshake(url, res, meta.verifyToken)
        return
      }
      if (method === 'POST') {
        await metaEvent(req, res, meta.appSecret)
        return
      }
    }
    const generic = genericPath.exec(url.pathname)
    if (generic !== null && method === 'POST') {
      await genericEvent(req, res, decodeURIComponent(generic[1] ?? ''), decodeURIComponent(generic[2] ?? ''))
      return
    }
    if ((url.pathname === metaPath && meta !== undefined) || generic !== null) {
      res.setHeader('allow', generic === null ? 'GET, POST' : 'POST')
      sendJson(res, 405, { error: 'method_not_allowed', message: `${method} ${url.pathname}: not allowed` })
    } else {
      sendJson(res, 404, { error: 'not_found', message: `${method} ${url.pathname}: try ${metaPath} or /webhooks/generic/<tenantId>/<sourceId>` })
    }
  }

  function routeOf (req: IncomingMessage): Route {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (path === metaPath) return req.method === 'GET' ? 'meta_verify' : 'meta_event'
    return genericPath.test(path) ? 'generic' : 'unknown'
  }

  function handle (req: IncomingMessage, res: ServerResponse): void {
    const started = process.hrtime.bigint()
    const routeName = routeOf(req)
    res.once('finish', () => {
      requests.inc({ route: routeName, status: String(res.statusCode) })
      duration.observe({ route: routeName }, Number(process.hrtime.bigint() - started) / 1e9)
    })
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        log.error({ err, route: routeName }, 'webhook response failed after its headers were sent')
        res.destroy()
        return
      }
      reject(routeName, err, res, { route: routeName, method: req.method, path: (req.url ?? '').split('?')[0] })
      // Whatever of the body was not read is drained, so the answer reaches the sender.
      req.resume()
    })
  }

  const server = createServer(handle)
  server.requestTimeout = config.WEBHOOK_REQUEST_TIMEOUT
  server.headersTimeout = Math.min(10_000, config.WEBHOOK_REQUEST_TIMEOUT)
  server.keepAliveTimeout = 5_000

  return {
    server,
    handle,
    /** Resolves with the bound port (0 picks a free one). */
    listen (port: number, host = '0.0.0.0'): Promise<number> {
      return new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => {
          server.off('error', reject)
          const bound = (server.address() as AddressInfo).port
          log.info({ host, port: bound }, 'webhook receiver listening')
          resolve(bound)
        })
      })
    },
    /** Stops accepting; requests in flight finish (their Kafka writes included), idle connections close at once. */
    close (): Promise<void> {
      if (!server.listening) return Promise.resolve()
      return new Promise((resolve, reject) => {
        server.close((err) => (err === undefined ? resolve() : reject(err)))
        server.closeIdleConnections()
      })
    },
  }
}

export type App = ReturnType<typeof createApp>
