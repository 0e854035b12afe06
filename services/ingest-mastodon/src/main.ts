import { createKafkaBus } from '@earshot/bus'
import { createRedisCache } from '@earshot/cache'
import { loadConfigOrExit } from '@earshot/config'
import { topics } from '@earshot/contracts'
import { createHealthServer, createLogger, createMetrics, createShutdownRegistry } from '@earshot/observability'
import { createApp } from './app.js'
import { configSchema, loadSourcesOrExit } from './config.js'

const config = loadConfigOrExit(configSchema)
// Sources and their token variables are checked before anything connects: a missing token exits 2 naming the variable.
const { sources, tokens } = loadSourcesOrExit(config.INGEST_SOURCES_FILE)
const logger = createLogger({ level: config.LOG_LEVEL, name: 'ingest-mastodon' })
const shutdown = createShutdownRegistry({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT })
shutdown.listen()

async function main (): Promise<void> {
  const metrics = createMetrics({ service: 'ingest-mastodon' })
  const bus = createKafkaBus({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, logger })
  const cache = createRedisCache({ url: config.REDIS_URL, prefix: config.REDIS_KEY_PREFIX, logger })
  const health = createHealthServer({
    port: config.HTTP_PORT,
    registry: metrics.registry,
    logger,
    checks: { kafka: async () => { await bus.checkTopics([topics.mentions]) }, redis: cache.ping },
  })
  shutdown.register('health server', health.close)
  await health.listen()
  shutdown.register('redis', cache.close)
  shutdown.register('kafka', async () => { await bus.close() })

  const app = createApp({ config, sources, tokens, producer: bus.producer(), cache, metrics, logger })
  shutdown.register('pollers and streams', app.stop)
  shutdown.register('readiness', health.setNotReady)
  app.start()
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'ingest-mastodon failed to start')
  shutdown.shutdown('fatal').catch(() => process.exit(1))
})
