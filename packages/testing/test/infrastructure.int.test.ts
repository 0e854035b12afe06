import pg from 'pg'
import { freshDatabase, probeRedis, probeTcp, parseHostPort, testEnvironment } from '../src/index.js'

describe('integration infrastructure from global setup', () => {
  test('gives a reachable Kafka broker, a fresh PostgreSQL database and Redis with a run prefix', async () => {
    const env = testEnvironment()
    await probeTcp(parseHostPort(env.kafkaBrokers[0] ?? '', 9092))
    await probeRedis(env.redisUrl)
    expect(env.redisKeyPrefix).toMatch(/^earshot-test:[a-z0-9]+:$/)
    const client = new pg.Client({ connectionString: env.databaseUrl })
    await client.connect()
    try {
      const { rows } = await client.query<{ db: string }>('select current_database() as db')
      expect(rows[0]?.db).toMatch(/^earshot_test_/)
    } finally {
      await client.end()
    }
  })

  test('freshDatabase creates an empty database and drops it', async () => {
    const db = await freshDatabase('probe')
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    const { rows } = await client.query<{ n: string }>("select count(*)::text as n from information_schema.tables where table_schema = 'public'")
    await client.end()
    expect(rows[0]?.n).toBe('0')
    await db.drop()
    const again = new pg.Client({ connectionString: db.url })
    await expect(again.connect()).rejects.toThrow(/does not exist/)
    await again.end().catch(() => {})
  })
})
