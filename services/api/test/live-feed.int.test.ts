import { createLogger } from '@earshot/observability'
import { type Pool } from '@earshot/store'
import { migratedDatabase } from '@earshot/testing/store'
import { createLiveFeed, type FeedEvent, type LiveFeed } from '../src/live-feed.js'

const logger = createLogger({ level: 'silent', name: 'live-feed-test' })

describe('live feed on real PostgreSQL', () => {
  let pool: Pool
  let close: () => Promise<void>
  let sequence = 0

  beforeAll(async () => {
    ({ pool, close } = await migratedDatabase('live_feed', 4))
  })
  afterAll(async () => {
    await close()
  })

  const insertSql = `INSERT INTO outbox (tenant_id, ticket_id, sequence, event_id, message_key, payload)
    SELECT 'feed-t', 'tkt', s, 'evt_feed_' || s, 'feed-t:c', jsonb_build_object('sequence', s) FROM generate_series($1::int, $2::int) AS s`
  async function insert (count: number, client: { query: Pool['query'] } = pool): Promise<number[]> {
    const first = sequence + 1
    sequence += count
    await client.query(insertSql, [first, sequence])
    return Array.from({ length: count }, (_, i) => first + i)
  }

  /** A feed polled by hand (its timer is an hour away). */
  async function feed (): Promise<{ feed: LiveFeed, seen: number[] }> {
    const live = createLiveFeed({ pool, intervalMs: 3_600_000, logger })
    await live.start()
    const seen: number[] = []
    live.subscribe(new Set(['feed-t']), (event: FeedEvent) => { seen.push((event.payload as { sequence: number }).sequence) })
    return { feed: live, seen }
  }

  test('delivers every new row once and in id order, however many are pending (past 999 → 1000, beyond a page)', async () => {
    const { feed: live, seen } = await feed()
    try {
      const expected = await insert(2_500)
      await live.poll()
      expect(seen).toEqual(expected)
      await live.poll()
      expect(seen).toHaveLength(expected.length)
    } finally {
      await live.stop()
    }
  })

  test('a transaction that commits after higher ids were read is still delivered, once', async () => {
    const { feed: live, seen } = await feed()
    const slow = await pool.connect()
    try {
      await slow.query('BEGIN')
      const late = await insert(3, slow) // takes the lower ids, commits last
      const early = await insert(2)
      await live.poll()
      expect(seen).toEqual(early)
      await slow.query('COMMIT')
      await live.poll()
      expect(seen).toEqual([...early, ...late])
      await live.poll()
      expect(seen).toEqual([...early, ...late])
    } finally {
      slow.release()
      await live.stop()
    }
  })
})
