import { createKafkaBus } from '@earshot/bus'
import { createRedisCache } from '@earshot/cache'
import { loadConfigOrExit } from '@earshot/config'
import { createHealthServer, createLogger, createMetrics, createShutdownRegistry } from '@earshot/observability'
import { createApp } from './app.js'
import { configSchema } from './config.js'
import { createKafkaReadiness } from './readiness.js'
import { loadSourcesFile } from './sources-file.js'

const config = loadConfigOrExit(configSchema)
const logger = createLogger({ level: config.LOG_LEVEL, name: 'ingest-feeds' })
const shutdown = createShutdownRegistry({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT })
shutdown.listen()

async function main (): Promise<void> {
  const sources = loadSourcesFile(config.INGEST_SOURCES_FILE)
  const metrics = createMetrics({ service: 'ingest-feeds' })

  const bus = createKafkaBus({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, logger })
  const kafka = createKafkaReadiness(bus)
  const cache = createRedisCache({ url: config.REDIS_URL, prefix: config.REDIS_KEY_PREFIX, logger })
  const health = createHealthServer({
    port: config.HTTP_PORT,
    registry: metrics.registry,
    logger,
    checks: { kafka: kafka.check, redis: cache.ping },
  })
  shutdown.register('health server', health.close)
  await health.listen()
  shutdown.register('redis', cache.close)
  shutdown.register('kafka', async () => {
    await kafka.close()
    await bus.close()
  })

  const app = createApp({ config, sources, producer: bus.producer(), cache, metrics, logger })
  shutdown.register('pollers', app.stop)
  shutdown.register('readiness', health.setNotReady)
  app.start()
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'ingest-feeds failed to start')
  shutdown.shutdown('fatal').catch(() => process.exit(1))
})
