import { join, resolve } from 'node:path'
import { createMemoryBus } from '@earshot/bus'
import { createMemoryCache } from '@earshot/cache'
import { loadConfigOrExit } from '@earshot/config'
import { createMentionClassifier } from '@earshot/nlp'
import { createLogger, createMetrics, createShutdownRegistry } from '@earshot/observability'
import { createPolicyBook, createStoredPolicyBook } from '@earshot/router'
import { createPool, migrate, startEmbeddedPostgres } from '@earshot/store'
import { mountApi } from './api-mount.js'
import { createAllInOneApp } from './app.js'
import { runningClock } from './clock.js'
import { configSchema, environmentWithArguments } from './config.js'
import { claimDataDir } from './data-dir.js'
import { AllInOneError, ArgumentsError } from './errors.js'
import { demoPolicies } from './demo/policies.js'
import { demoReplySenders } from './demo/reply-senders.js'
import { seedDemoTenants } from './demo/seed.js'
import { demoTenants } from './demo/tenants.js'
import { demoUsers, seedDemoUsers } from './demo/users.js'
import { listenWithFallback } from './http-server.js'
import { startLiveSources } from './live-sources.js'
import { preparePgdata } from './pgdata.js'
import { createReplayProgress } from './progress.js'
import { firstUnstoredIndex } from './resume.js'
import { defaultSampleFile, readMentionsFile } from './sample-file.js'

async function main (): Promise<void> {
  const config = loadConfigOrExit(configSchema, { env: environmentWithArguments(process.argv.slice(2), process.env) })
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'all-in-one' })
  const shutdown = createShutdownRegistry({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT })
  shutdown.listen()
  const metrics = createMetrics({ service: 'all-in-one' })
  const now = runningClock(config.EARSHOT_CLOCK)
  const say = (line: string): void => { process.stdout.write(`${line}\n`) }

  const dataDir = resolve(config.EARSHOT_DATA_DIR)
  shutdown.register('data-dir', await claimDataDir(dataDir))
  await preparePgdata(join(dataDir, 'pgdata'))
  const database = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pgdata'), logger })
  shutdown.register('pglite', database.close)
  const pool = createPool({ ...database.poolConfig, applicationName: 'earshot-all-in-one' }, logger)
  shutdown.register('postgres-pool', async () => { await pool.end() })
  await migrate(pool, { logger })
  await seedDemoTenants(pool)
  await seedDemoUsers(pool)
  // Batches of 100 keep each PGlite transaction short, so the outbox relay and scheduler get the one connection in turn.
  // Consumed messages are dropped beyond the last 1,000 per partition, so a process left running with live sources
  // stays within its memory (the memory bus otherwise keeps every message).
  const bus = createMemoryBus({ logger, defaultMaxBatchSize: 100, retainMessages: 1000 })
  shutdown.register('memory-bus', async () => { await bus.close() })
  const cache = createMemoryCache({ now: () => now().getTime() })
  shutdown.register('memory-cache', async () => { await cache.close() })
  const classifier = createMentionClassifier()

  const sampleFile = resolve(config.EARSHOT_SAMPLE_FILE ?? defaultSampleFile)
  const mentions = config.EARSHOT_SAMPLE ? await readMentionsFile(sampleFile) : []
  const to = Math.min(mentions.length, config.EARSHOT_LIMIT ?? mentions.length)
  const from = await firstUnstoredIndex(pool, mentions.slice(0, to))
  const api = await mountApi({ pool, bus, logger, metrics, now })
  // What is published in the console reaches the router within two seconds.
  const policies = createStoredPolicyBook({ pool, base: createPolicyBook(demoPolicies()), logger, refreshMs: 2_000 })
  await policies.start()
  shutdown.register('policies', async () => { await policies.stop() })
  shutdown.register('api', api.close)
  const progress = createReplayProgress(to, from, { tty: process.stdout.isTTY === true, write: (line) => process.stdout.write(line) })
  const app = createAllInOneApp({
    bus,
    pool,
    cache,
    classifier,
    logger,
    metrics,
    now,
    policies,
    replySenders: demoReplySenders(logger),
    fallback: api.handle,
    sample: { file: sampleFile, mentions, ratePerSecond: config.EARSHOT_RATE, from, to, onProgress: (position) => progress.update(position) },
  })
  const server = await listenWithFallback(app.handle, config.EARSHOT_HOST, config.EARSHOT_PORT)
  shutdown.register('http', server.close)
  await app.start()
  await api.startWebhooks()
  shutdown.register('services', async () => {
    progress.stop()
    await app.stop()
  })
  if (config.EARSHOT_LIVE) shutdown.register('live-sources', await startLiveSources({ bus, cache, metrics, logger, env: process.env }))

  const url = `http://${config.EARSHOT_HOST.includes(':') ? `[${config.EARSHOT_HOST}]` : config.EARSHOT_HOST}:${server.port}/`
  if (server.fellBack) say(`port ${config.EARSHOT_PORT} is in use, so Earshot took ${server.port} instead`)
  say(`Earshot is running: ${url}  (status: ${url}v1/status)`)
  say(`  data: ${dataDir} (tickets survive a restart)   tenants: ${demoTenants.map((tenant) => tenant.id).join(', ')}`)
  say(config.EARSHOT_SAMPLE
    ? `  sample traffic: ${to - from} of ${to} recorded mentions to go at ${config.EARSHOT_RATE}/s from ${sampleFile}`
    : '  sample traffic: off')
  say(`  console logins (password ${demoUsers[0]!.password}): ${demoUsers.map((user) => `${user.email} (${user.name})`).join(', ')}`)
  say('  Ctrl-C stops cleanly')
}

main().catch((err: unknown) => {
  const known = err instanceof AllInOneError
  process.stderr.write(`earshot all-in-one failed to start: ${err instanceof Error ? (known ? err.message : err.stack ?? err.message) : String(err)}\n`)
  process.exit(err instanceof ArgumentsError ? 2 : 1)
})
