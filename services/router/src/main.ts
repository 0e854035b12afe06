import { createKafkaBus } from '@earshot/bus'
import { createRedisCache } from '@earshot/cache'
import { fetchSettingsOf, loadConfigOrExit } from '@earshot/config'
import { createHealthServer, createLogger, createMetrics, createShutdownRegistry } from '@earshot/observability'
import { createPool } from '@earshot/store'
import { createRouterApp } from './app.js'
import { routerConfigSchema } from './config.js'
import { createPolicyBook, createStoredPolicyBook, loadPolicyDirectory } from './policy-book.js'
import { createReplySenders } from './reply-senders.js'
import { retentionFromHours } from './retention.js'

async function main (): Promise<void> {
  const config = loadConfigOrExit(routerConfigSchema)
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'router' })
  const shutdown = createShutdownRegistry({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT })
  shutdown.listen()
  const metrics = createMetrics({ service: 'router' })

  const pool = createPool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_MAX, applicationName: 'earshot-router' }, logger)
  shutdown.register('postgres', async () => { await pool.end() })
  const bus = createKafkaBus({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, logger, fetch: fetchSettingsOf(config) })
  shutdown.register('kafka', async () => { await bus.close() })
  const cache = config.REDIS_URL === undefined ? undefined : createRedisCache({ url: config.REDIS_URL, prefix: config.REDIS_KEY_PREFIX, logger })
  if (cache !== undefined) shutdown.register('redis', async () => { await cache.close() })
  const policies = createStoredPolicyBook({
    pool,
    base: config.ROUTER_POLICIES_DIR === undefined ? createPolicyBook() : loadPolicyDirectory(config.ROUTER_POLICIES_DIR),
    logger,
    refreshMs: config.ROUTER_POLICY_REFRESH,
  })
  await policies.start()
  shutdown.register('policies', async () => { await policies.stop() })
  const replySenders = createReplySenders(config, cache)

  const app = createRouterApp({
    bus,
    pool,
    policies,
    logger,
    metrics,
    topicPartitions: config.ROUTER_TOPIC_PARTITIONS,
    reopenWindowMs: config.ROUTER_REOPEN_WINDOW,
    schedulerIntervalMs: config.ROUTER_SCHEDULER_INTERVAL,
    retention: {
      ...retentionFromHours({ outbox: config.ROUTER_OUTBOX_RETENTION_HOURS, schedules: config.ROUTER_SCHEDULE_RETENTION_HOURS }),
      intervalMs: config.ROUTER_RETENTION_INTERVAL,
    },
    groupId: config.ROUTER_GROUP_ID,
    sessionTimeoutMs: config.ROUTER_SESSION_TIMEOUT,
    replySenders,
    ...(cache === undefined ? {} : { cache }),
  })
  const health = createHealthServer({
    port: config.HTTP_PORT,
    registry: metrics.registry,
    logger,
    checks: {
      postgres: async () => { await pool.query('SELECT 1') },
      consumer: async () => { if (!app.healthy()) throw new Error('the mentions.classified.v1 consumer crashed') },
    },
  })
  await health.listen()
  shutdown.register('health', async () => { await health.close() })
  await app.start()
  shutdown.register('router', async () => {
    health.setNotReady()
    await app.stop()
  })
  // Auto acknowledgements on platforms without a sender end as state "no_sender", for a moderator.
  logger.info({ policies: policies.tenants(), replySenders: Object.keys(replySenders), port: config.HTTP_PORT }, 'router ready')
}

main().catch((err: unknown) => {
  process.stderr.write(`router failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
