import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { type AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { type Registry } from 'prom-client'
import { HealthServerListenError, messageOf, ReadinessCheckTimeoutError } from './errors.js'
import { type Logger } from './logger.js'

export type ReadinessCheck = () => Promise<void>

export interface HealthServerOptions {
  port: number
  host?: string
  registry: Registry
  /** Each dependency the process needs to do its work, e.g. `{ postgres: () => pool.query('select 1') }`. */
  checks: Record<string, ReadinessCheck>
  logger: Logger
  /** Below the probe's own timeout (k8s default 1 s is too tight for a broker round trip; set probes to ≥ 3 s). */
  checkTimeoutMs?: number
}

type CheckResult =
  | { status: 'ok', durationMs: number }
  | { status: 'failing', error: string, durationMs: number }

const json = 'application/json; charset=utf-8'

/** /healthz, /readyz and /metrics on node:http, apart from any API port, so probes and scrapes never queue behind traffic. */
export function createHealthServer ({ port, host = '0.0.0.0', registry, checks, logger, checkTimeoutMs = 2_000 }: HealthServerOptions) {
  const log = logger.child({ component: 'health' })
  let ready = true
  let failing = new Set<string>()

  async function runCheck (name: string, check: ReadinessCheck): Promise<[string, CheckResult, unknown]> {
    const started = performance.now()
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new ReadinessCheckTimeoutError(name, checkTimeoutMs)), checkTimeoutMs)
    })
    try {
      await Promise.race([Promise.resolve().then(check), timeout])
      return [name, { status: 'ok', durationMs: Math.round(performance.now() - started) }, undefined]
    } catch (err) {
      return [name, { status: 'failing', error: messageOf(err), durationMs: Math.round(performance.now() - started) }, err]
    } finally {
      clearTimeout(timer)
    }
  }

  async function readiness (): Promise<[number, object]> {
    const outcomes = await Promise.all(Object.entries(checks).map(([name, check]) => runCheck(name, check)))
    const nowFailing = new Set(outcomes.filter(([, result]) => result.status === 'failing').map(([name]) => name))
    // Log transitions only: probes run every few seconds and would otherwise flood the log.
    for (const [name, , err] of outcomes) {
      if (nowFailing.has(name) && !failing.has(name)) log.warn({ err, check: name }, 'readiness check failing')
      if (!nowFailing.has(name) && failing.has(name)) log.info({ check: name }, 'readiness check recovered')
    }
    failing = nowFailing
    const results = Object.fromEntries(outcomes.map(([name, result]) => [name, result]))
    if (nowFailing.size === 0) return [200, { status: 'ready', checks: results }]
    return [503, { status: 'not_ready', failing: [...nowFailing], checks: results }]
  }

  async function route (method: string, path: string, res: ServerResponse): Promise<void> {
    if (path !== '/healthz' && path !== '/readyz' && path !== '/metrics') {
      return send(res, 404, json, JSON.stringify({ error: 'not_found', message: `${method} ${path}: try /healthz, /readyz or /metrics` }))
    }
    if (method !== 'GET' && method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD')
      return send(res, 405, json, JSON.stringify({ error: 'method_not_allowed', message: `${method} ${path}: use GET` }))
    }
    if (path === '/metrics') return send(res, 200, registry.contentType, await registry.metrics())
    if (!ready) return send(res, 503, json, JSON.stringify({ status: 'shutting_down' }))
    if (path === '/healthz') return send(res, 200, json, JSON.stringify({ status: 'ok' }))
    const [status, body] = await readiness()
    return send(res, status, json, JSON.stringify(body))
  }

  function handle (req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET'
    const path = new URL(req.url ?? '/', 'http://health.invalid').pathname
    route(method, path, res).catch((err: unknown) => {
      log.error({ err, method, path }, 'health endpoint failed')
      if (!res.headersSent) send(res, 500, json, JSON.stringify({ error: 'internal', message: 'see the service log' }))
      else res.destroy()
    })
  }

  const server = createServer(handle)
  server.requestTimeout = 10_000
  server.headersTimeout = 5_000
  server.keepAliveTimeout = 5_000

  return {
    /** Resolves with the bound port (pass port 0 for any free one). */
    listen (): Promise<number> {
      return new Promise((resolve, reject) => {
        const onError = (err: Error): void => {
          server.off('listening', onListening)
          reject(new HealthServerListenError(host, port, err))
        }
        const onListening = (): void => {
          server.off('error', onError)
          const bound = (server.address() as AddressInfo).port
          log.info({ host, port: bound }, 'health server listening')
          resolve(bound)
        }
        server.once('error', onError)
        server.once('listening', onListening)
        server.listen(port, host)
      })
    },

    /** Stops accepting connections; in-flight requests finish, idle keep-alive sockets close at once. */
    close (): Promise<void> {
      if (!server.listening) return Promise.resolve()
      return new Promise((resolve, reject) => {
        server.close((err) => (err === undefined ? resolve() : reject(err)))
        server.closeIdleConnections()
      })
    },

    /** From now on /readyz and /healthz answer 503, so the load balancer stops sending traffic during shutdown. */
    setNotReady (): void {
      ready = false
    },
  }
}

export type HealthServer = ReturnType<typeof createHealthServer>

function send (res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' })
  res.end(res.req.method === 'HEAD' ? undefined : body)
}
