import { createKafkaBus } from '@earshot/bus'
import { createRedisCache } from '@earshot/cache'
import { loadConfigOrExit } from '@earshot/config'
import { topics } from '@earshot/contracts'
import { loadSourcesFile } from '@earshot/ingest'
import { createHealthServer, createLogger, createMetrics, createShutdownRegistry } from '@earshot/observability'
import { createXClient } from '@earshot/platform-x'
import { createApp } from './app.js'
import { configSchema } from './config.js'

const config = loadConfigOrExit(configSchema)
const logger = createLogger({ level: config.LOG_LEVEL, name: 'ingest-x' })
const shutdown = createShutdownRegistry({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT })
shutdown.listen()

async function main (): Promise<void> {
  const sources = loadSourcesFile(config.INGEST_SOURCES_FILE)
  const metrics = createMetrics({ service: 'ingest-x' })

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

  const client = createXClient({ bearerToken: config.X_BEARER_TOKEN, baseUrl: config.X_API_BASE_URL })
  const app = createApp({ config, sources, client, producer: bus.producer(), cache, metrics, logger })
  shutdown.register('pollers', app.stop)
  shutdown.register('readiness', health.setNotReady)
  app.start()
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'ingest-x failed to start')
  shutdown.shutdown('fatal').catch(() => process.exit(1))
})
