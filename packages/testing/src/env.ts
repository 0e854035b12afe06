import { randomBytes } from 'node:crypto'
import { createDatabase } from './infra.js'

export interface TestEnvironment {
  kafkaBrokers: string[]
  databaseUrl: string
  adminDatabaseUrl: string
  redisUrl: string
  redisKeyPrefix: string
}

function required (name: string): string {
  const value = process.env[name]
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set: integration tests get it from packages/testing's Jest global setup; ` +
      'run them with `npm test` or `npm run test:integration`')
  }
  return value
}

/** The infrastructure global setup provided, read where a test needs it. */
export function testEnvironment (): TestEnvironment {
  return {
    kafkaBrokers: required('KAFKA_BROKERS').split(',').map((b) => b.trim()),
    databaseUrl: required('DATABASE_URL'),
    adminDatabaseUrl: process.env.EARSHOT_TEST_ADMIN_DATABASE_URL ?? required('DATABASE_URL'),
    redisUrl: required('REDIS_URL'),
    redisKeyPrefix: required('REDIS_KEY_PREFIX'),
  }
}

/** A new empty database on the test server, for tests that need one of their own (migrations, kills). */
export async function freshDatabase (label = 'db'): Promise<{ url: string, drop: () => Promise<void> }> {
  const safe = label.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 20)
  return await createDatabase(testEnvironment().adminDatabaseUrl, `earshot_${safe}_${randomBytes(5).toString('hex')}`)
}
