import { readFileSync } from 'node:fs'
import { createKafkaBus } from '@earshot/bus'
import { fetchSettingsOf, loadConfigOrExit } from '@earshot/config'
import { createLogger, createMetrics, createShutdownRegistry } from '@earshot/observability'
import { createPool } from '@earshot/store'
import { createApiApp } from './app.js'
import { apiConfigSchema } from './config.js'
import { createWebhookService, webhookSettings } from './webhooks/index.js'

async function main (): Promise<void> {
  const config = loadConfigOrExit(apiConfigSchema)
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'api' })
  const shutdown = createShutdownRegistry({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT })
  shutdown.listen()
  const metrics = createMetrics({ service: 'api' })
  const sources = config.API_SOURCES_FILE === undefined ? {} : JSON.parse(readFileSync(config.API_SOURCES_FILE, 'utf8')) as Record<string, unknown[]>

  const pool = createPool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_MAX, applicationName: 'earshot-api' }, logger)
  shutdown.register('postgres', async () => { await pool.end() })
  const bus = createKafkaBus({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, logger, fetch: fetchSettingsOf(config) })
  shutdown.register('kafka', async () => { await bus.close() })
  const { enabled: webhooksEnabled, ...webhookOptions } = webhookSettings(config)
  const webhooks = createWebhookService({ bus, pool, logger, metrics, ...webhookOptions })
  const app = await createApiApp({
    pool,
    logger,
    metrics,
    sources,
    rateLimit: { max: config.API_RATE_LIMIT_MAX, timeWindowMs: config.API_RATE_LIMIT_WINDOW },
    sessionTtlMs: config.API_SESSION_TTL,
    cookieSecure: config.API_COOKIE_SECURE,
    eventsPollIntervalMs: config.API_EVENTS_POLL_INTERVAL,
    trustProxy: config.API_TRUST_PROXY,
    onWebhookReplay: webhooks.wake,
    readinessChecks: webhooksEnabled ? { webhooks: async () => { if (!webhooks.healthy()) throw new Error('the tickets.v1 consumer of outbound webhooks crashed') } } : {},
  })
  await app.listen({ host: config.API_HOST, port: config.HTTP_PORT })
  shutdown.register('http', async () => { await app.close() })
  if (webhooksEnabled) {
    await webhooks.start()
    shutdown.register('webhooks', async () => { await webhooks.stop() })
  }
  logger.info({ port: config.HTTP_PORT }, 'api ready')
}

main().catch((err: unknown) => {
  process.stderr.write(`api failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
