import { provisionInfrastructure, type Infrastructure } from '../infra.js'

declare global {
  // Handed from global setup to global teardown; both run in Jest's parent process.
  var __earshotInfrastructure: Infrastructure | undefined
}

export default async function globalSetup (): Promise<void> {
  const started = Date.now()
  const infra = await provisionInfrastructure()
  globalThis.__earshotInfrastructure = infra
  // Test workers are forked after global setup, so they inherit these.
  process.env.KAFKA_BROKERS = infra.kafkaBrokers
  process.env.DATABASE_URL = infra.databaseUrl
  process.env.EARSHOT_TEST_ADMIN_DATABASE_URL = infra.adminDatabaseUrl
  process.env.REDIS_URL = infra.redisUrl
  process.env.REDIS_KEY_PREFIX = infra.redisKeyPrefix
  process.env.EARSHOT_TEST_RUN_ID = infra.runId
  process.stderr.write(`\nIntegration infrastructure (ready in ${Date.now() - started} ms):\n  ${infra.summary.join('\n  ')}\n`)
}
