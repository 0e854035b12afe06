import { createLogger } from '@earshot/observability'
import { type Pool } from '@earshot/store'
import { migratedDatabase } from '@earshot/testing/store'
import { createRetentionPruner } from '../src/index.js'

const logger = createLogger({ level: 'silent', name: 'retention-test' })
const day = 24 * 60 * 60 * 1000
const now = new Date('2026-11-23T10:00:00Z')
const daysAgo = (days: number): Date => new Date(now.getTime() - days * day)

describe('retention pruning on real PostgreSQL', () => {
  let pool: Pool
  let close: () => Promise<void>

  beforeAll(async () => {
    ({ pool, close } = await migratedDatabase('retention'))
  })

  afterAll(async () => {
    await close()
  })

  beforeEach(async () => {
    await pool.query('TRUNCATE outbox, outbox_pending, schedules')
  })

  async function addOutbox (rows: Array<{ ageDays: number, relayed: boolean }>): Promise<string[]> {
    const ids: string[] = []
    for (const [i, row] of rows.entries()) {
      const { rows: [inserted] } = await pool.query<{ id: string }>(
        `INSERT INTO outbox (tenant_id, ticket_id, sequence, event_id, message_key, payload, created_at)
         VALUES ('acme', 't-' || $1::text, 1, 'e-' || $1::text, 'acme:t', '{}', $2) RETURNING id::text`, [i, daysAgo(row.ageDays)])
      ids.push(inserted!.id)
      if (row.relayed) await pool.query('DELETE FROM outbox_pending WHERE id = $1', [inserted!.id])
    }
    return ids
  }

  async function addSchedules (rows: Array<{ state: 'pending' | 'fired' | 'cancelled', dueDaysAgo: number, firedDaysAgo?: number }>): Promise<string[]> {
    const ids: string[] = []
    for (const [i, row] of rows.entries()) {
      const { rows: [inserted] } = await pool.query<{ id: string }>(
        `INSERT INTO schedules (tenant_id, ticket_id, kind, due_at, state, fired_at, dedupe_key)
         VALUES ('acme', 't-' || $1::text, 'follow_up', $2, $3, $4, 'k-' || $1::text) RETURNING id::text`,
        [i, daysAgo(row.dueDaysAgo), row.state, row.firedDaysAgo === undefined ? null : daysAgo(row.firedDaysAgo)])
      ids.push(inserted!.id)
    }
    return ids
  }

  const ids = async (table: 'outbox' | 'schedules'): Promise<string[]> =>
    (await pool.query<{ id: string }>(`SELECT id::text FROM ${table} ORDER BY id`)).rows.map((r) => r.id)

  test('relayed outbox rows past the retention go; younger ones and rows still queued stay, however old', async () => {
    const outbox = await addOutbox([
      { ageDays: 30, relayed: true }, { ageDays: 20, relayed: false }, { ageDays: 10, relayed: true }, { ageDays: 9, relayed: true },
      { ageDays: 8, relayed: true }, { ageDays: 7.5, relayed: true }, { ageDays: 6, relayed: true }, { ageDays: 1, relayed: false }, { ageDays: 0, relayed: true },
    ])
    // A batch of 2 makes the sweep take several rounds past the old row still queued at the head.
    const pruner = createRetentionPruner({ pool, logger, now: () => now, outboxRetentionMs: 7 * day, scheduleRetentionMs: 0, batchSize: 2 })
    expect(await pruner.sweepAll()).toEqual({ outboxPruned: 5, schedulesPruned: 0 })
    expect(await ids('outbox')).toEqual([outbox[1], outbox[6], outbox[7], outbox[8]])
    expect(await pruner.sweepAll()).toEqual({ outboxPruned: 0, schedulesPruned: 0 })
  })

  test('fired and cancelled schedules past the retention go; pending ones are never pruned, even long overdue', async () => {
    const schedules = await addSchedules([
      { state: 'fired', dueDaysAgo: 40, firedDaysAgo: 40 }, { state: 'pending', dueDaysAgo: 45 }, { state: 'cancelled', dueDaysAgo: 31 },
      { state: 'fired', dueDaysAgo: 35, firedDaysAgo: 29 }, { state: 'cancelled', dueDaysAgo: -3 }, { state: 'fired', dueDaysAgo: 50, firedDaysAgo: 33 },
      { state: 'pending', dueDaysAgo: -1 },
    ])
    const pruner = createRetentionPruner({ pool, logger, now: () => now, outboxRetentionMs: 0, scheduleRetentionMs: 30 * day, batchSize: 3 })
    expect(await pruner.sweepAll()).toEqual({ outboxPruned: 0, schedulesPruned: 3 })
    expect(await ids('schedules')).toEqual([schedules[1], schedules[3], schedules[4], schedules[6]])
    // The next sweep starts from the beginning of the table again.
    await pool.query('UPDATE schedules SET fired_at = $1 WHERE id = $2', [daysAgo(31), schedules[3]])
    expect(await pruner.sweepAll()).toEqual({ outboxPruned: 0, schedulesPruned: 1 })
    expect(await ids('schedules')).toEqual([schedules[1], schedules[4], schedules[6]])
  })

  test('a retention of 0 keeps everything', async () => {
    await addOutbox([{ ageDays: 400, relayed: true }])
    await addSchedules([{ state: 'fired', dueDaysAgo: 400, firedDaysAgo: 400 }])
    const pruner = createRetentionPruner({ pool, logger, now: () => now, outboxRetentionMs: 0, scheduleRetentionMs: 0 })
    expect(await pruner.sweepAll()).toEqual({ outboxPruned: 0, schedulesPruned: 0 })
    expect((await ids('outbox')).length).toBe(1)
    expect((await ids('schedules')).length).toBe(1)
  })
})
