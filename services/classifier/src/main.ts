import { createKafkaBus } from '@earshot/bus'
import { fetchSettingsOf, loadConfigOrExit } from '@earshot/config'
import { createHealthServer, createLogger, createMetrics, createShutdownRegistry } from '@earshot/observability'
import { createClassifierApp } from './app.js'
import { startClassificationThreads } from './classification-threads.js'
import { classifierConfigSchema } from './config.js'

async function main (): Promise<void> {
  const config = loadConfigOrExit(classifierConfigSchema)
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'classifier' })
  const shutdown = createShutdownRegistry({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT })
  shutdown.listen()
  const metrics = createMetrics({ service: 'classifier' })

  // With threads, only they load the model, and the event loop never imports @earshot/nlp (tinyld and
  // the lexicons alone are ≈ 60 MB of RSS); it fetches, produces and commits.
  const threads = config.CLASSIFIER_THREADS === 0 ? undefined : await startClassificationThreads({ threads: config.CLASSIFIER_THREADS, logger })
  if (threads !== undefined) shutdown.register('classification threads', async () => { await threads.close() })
  const classifier = threads ?? (await import('@earshot/nlp')).createMentionClassifier()
  const bus = createKafkaBus({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, logger, fetch: fetchSettingsOf(config) })
  shutdown.register('kafka', async () => { await bus.close() })
  const app = createClassifierApp({ bus, classifier, logger, metrics, groupId: config.CLASSIFIER_GROUP_ID, topicPartitions: config.CLASSIFIER_TOPIC_PARTITIONS })
  const health = createHealthServer({
    port: config.HTTP_PORT,
    registry: metrics.registry,
    logger,
    checks: {
      consumer: async () => { if (!app.healthy()) throw new Error('the mentions.v1 consumer crashed') },
      ...(threads === undefined
        ? {}
        : { classification: async () => { if (threads.running() === 0) throw new Error(`no classification thread is running (of ${config.CLASSIFIER_THREADS})`) } }),
    },
  })
  await health.listen()
  shutdown.register('health', async () => { await health.close() })
  await app.start()
  shutdown.register('classifier', async () => {
    health.setNotReady()
    await app.stop()
  })
  logger.info({ modelVersion: classifier.modelVersion, threads: config.CLASSIFIER_THREADS, port: config.HTTP_PORT }, 'classifier ready')
}

main().catch((err: unknown) => {
  process.stderr.write(`classifier failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
