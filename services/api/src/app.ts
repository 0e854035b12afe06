import { join } from 'node:path'
import cookie from '@fastify/cookie'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Bus } from '@earshot/bus'
import type { Logger, Metrics } from '@earshot/observability'
import type { Pool } from '@earshot/store'
import Fastify, { type FastifyError } from 'fastify'
import { createAuthenticator } from './auth/authenticate.js'
import { ApiError, errorNames } from './errors.js'
import { createLiveFeed } from './live-feed.js'
import { createAccountRepository } from './repositories/accounts.js'
import { createAuditRepository } from './repositories/audit.js'
import { createMetricsRepository } from './repositories/metrics.js'
import { createPolicyRepository } from './repositories/policies.js'
import { createTicketReadRepository } from './repositories/tickets.js'
import { createTicketWriter } from './repositories/ticket-writes.js'
import { apiKeyRoutes } from './routes/api-keys.js'
import { authRoutes } from './routes/auth.js'
import { eventRoutes } from './routes/events.js'
import { metricsRoutes } from './routes/metrics.js'
import { policyRoutes } from './routes/policies.js'
import { tenantRoutes } from './routes/tenant.js'
import { ticketRoutes } from './routes/tickets.js'
import { webhookRoutes } from './webhooks/webhook-routes.js'

export interface ApiDeps {
  pool: Pool
  /** Unused by the API itself today (the live feed reads the outbox); kept for route plugins that publish. */
  bus?: Bus
  logger: Logger
  metrics?: Metrics
  now?: () => Date
  rateLimit?: { max: number, timeWindowMs: number }
  sessionTtlMs?: number
  cookieSecure?: boolean
  eventsPollIntervalMs?: number
  /** Heartbeat comment interval of the SSE feed; default 15 s. */
  heartbeatMs?: number
  /** Sources per tenant for GET /v1/tenants/:id/sources. */
  sources?: Record<string, unknown[]>
  trustProxy?: boolean
  /** Extra readiness checks (e.g. the bus); PostgreSQL is always checked. */
  readinessChecks?: Record<string, () => Promise<void>>
  /** Outbound webhooks: wakes the delivery worker after a replay (main.ts passes `createWebhookService(…).wake`). */
  onWebhookReplay?: () => void
}

/** Builds the API without listening: tests drive it with `inject`, main.ts calls `listen`. */
export async function createApiApp (deps: ApiDeps) {
  const now = deps.now ?? (() => new Date())
  const app = Fastify({
    loggerInstance: deps.logger,
    trustProxy: deps.trustProxy ?? false,
    requestTimeout: 30_000,
    connectionTimeout: 30_000,
    keepAliveTimeout: 65_000,
    // No coercion: a body's 42 is not the string "42". Query lists and integers are parsed by the routes.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    if (err instanceof ApiError) {
      const status = err.statusCode ?? 500
      return reply.status(status).send({
        error: errorNames[err.code],
        code: err.code,
        message: err.message,
        ...(err.field === undefined ? {} : { field: err.field }),
        ...(err.details === undefined ? {} : { details: err.details }),
      })
    }
    if ('validation' in err && err.validation !== undefined) {
      const first = err.validation[0]
      const missing = (first?.params as { missingProperty?: unknown } | undefined)?.missingProperty
      const path = (first?.instancePath ?? '').split('/').filter((segment) => segment !== '')
      if (typeof missing === 'string') path.push(missing)
      const field = path.length > 0 ? path.join('.') : err.validationContext ?? 'body'
      return reply.status(400).send({ error: 'bad_request', code: 'API_ERR_BAD_REQUEST', message: err.message, field })
    }
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500
    if (status === 429) return reply.status(429).send({ error: 'rate_limited', code: 'API_ERR_RATE_LIMITED', message: err.message })
    if (status < 500) return reply.status(status).send({ error: 'bad_request', code: 'API_ERR_BAD_REQUEST', message: err.message })
    request.log.error({ err, request: { method: request.method, url: request.url, params: request.params } }, 'request failed')
    return reply.status(500).send({ error: 'internal', code: 'API_ERR_INTERNAL', message: 'internal error; see the API log' })
  })
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: 'not_found', code: 'API_ERR_NOT_FOUND', message: `${request.method} ${request.url} is not a route` }))

  await app.register(cookie)
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // swagger-ui's page styles itself inline.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        connectSrc: ["'self'"],
      },
    },
  })
  await app.register(rateLimit, {
    max: deps.rateLimit?.max ?? 600,
    timeWindow: deps.rateLimit?.timeWindowMs ?? 60_000,
    // Per API key or session when presented (hashed, never the secret itself), else per address.
    keyGenerator: (request) => {
      const auth = request.headers.authorization
      if (typeof auth === 'string' && auth.startsWith('Bearer esk_')) return `key:${auth.split('_')[1] ?? ''}`
      const session = request.cookies.earshot_session
      if (typeof session === 'string' && session !== '') return `session:${session.slice(0, 16)}`
      return `ip:${request.ip}`
    },
    allowList: (request) => request.url === '/healthz' || request.url === '/readyz' || request.url === '/metrics',
  })
  await app.register(swagger, {
    openapi: {
      info: { title: 'Earshot API', version: '1.0.0', description: 'Tickets, actions, policies, corrections, metrics and the live feed.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'earshot_session' },
          apiKey: { type: 'http', scheme: 'bearer', description: 'esk_<id>_<secret>' },
        },
      },
      security: [{ session: [] }, { apiKey: [] }],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  // The moderator console: plain static files (services/api/console), no build step.
  await app.register(fastifyStatic, { root: join(__dirname, '..', 'console'), prefix: '/', index: 'index.html' })

  const accounts = createAccountRepository(deps.pool)
  const audit = createAuditRepository(deps.pool)
  const reads = createTicketReadRepository(deps.pool)
  const writer = createTicketWriter(deps.pool, audit)
  const feed = createLiveFeed({ pool: deps.pool, intervalMs: deps.eventsPollIntervalMs ?? 500, logger: deps.logger })
  app.decorate('authenticator', createAuthenticator(accounts, now))
  app.decorateRequest('principal', undefined)
  app.addHook('onReady', async () => { await feed.start() })
  app.addHook('onClose', async () => { await feed.stop() })

  const hide = { schema: { hide: true } }
  app.get('/healthz', hide, async () => ({ status: 'ok' }))
  app.get('/readyz', hide, async (_request, reply) => {
    const checks: Record<string, () => Promise<void>> = { postgres: async () => { await deps.pool.query('SELECT 1') }, ...deps.readinessChecks }
    const failing: Record<string, string> = {}
    for (const [name, check] of Object.entries(checks)) {
      try {
        await check()
      } catch (err) {
        failing[name] = err instanceof Error ? err.message : String(err)
      }
    }
    if (Object.keys(failing).length === 0) return { status: 'ready' }
    return reply.status(503).send({ status: 'not_ready', failing })
  })
  if (deps.metrics !== undefined) {
    const registry = deps.metrics.registry
    app.get('/metrics', hide, async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()))
  }

  await app.register(async (v1) => {
    await v1.register(authRoutes, { accounts, now, sessionTtlMs: deps.sessionTtlMs ?? 7 * 24 * 60 * 60 * 1000, cookieSecure: deps.cookieSecure ?? false })
    await v1.register(ticketRoutes, { reads, writer, audit, now })
    await v1.register(eventRoutes, { feed, heartbeatMs: deps.heartbeatMs ?? 15_000 })
    await v1.register(tenantRoutes, { pool: deps.pool, reads, audit, now, sources: deps.sources ?? {} })
    await v1.register(policyRoutes, { policies: createPolicyRepository(deps.pool), reads, audit, now })
    await v1.register(apiKeyRoutes, { accounts, audit, now })
    await v1.register(metricsRoutes, { metrics: createMetricsRepository(deps.pool), now })
    await v1.register(webhookRoutes, { pool: deps.pool, now, ...(deps.onWebhookReplay === undefined ? {} : { onReplay: deps.onWebhookReplay }) })
  }, { prefix: '/v1' })

  return app
}

export type ApiApp = Awaited<ReturnType<typeof createApiApp>>
