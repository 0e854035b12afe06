import { migratedDatabase } from '@earshot/testing/store'
import { createTicketRepository, type Pool, type PoolClient, type TicketRow, withTransaction } from '../src/index.js'

const repo = createTicketRepository()

function ticket (overrides: Partial<TicketRow> = {}): TicketRow {
  const now = new Date('2026-11-23T10:00:00Z')
  return {
    tenantId: 'acme-rail',
    id: `tkt_${Math.random().toString(36).slice(2)}`,
    conversationId: 'x:c1',
    platform: 'x',
    status: 'open',
    priority: 'normal',
    team: null,
    assignee: null,
    tags: [],
    sla: {},
    details: {},
    lastSequence: 0,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    ...overrides,
  }
}

/** Empties the queue of unpublished outbox rows, then writes `count` events of a fresh ticket in `conversationId`. */
async function seedOutbox (pool: Pool, conversationId: string, count: number): Promise<void> {
  await pool.query('DELETE FROM outbox_pending')
  const t = ticket({ conversationId })
  await repo.insertTicket(pool, t)
  await repo.appendEvents(pool, t, Array.from({ length: count }, () => (sequence: number) => ({ eventId: `evt_${conversationId}_${sequence}`, messageKey: 'k', payload: {} })))
}

/** Two connections of `pool` (two relays), released afterwards. */
async function withTwoClients (pool: Pool, use: (a: PoolClient, b: PoolClient) => Promise<void>): Promise<void> {
  const a = await pool.connect()
  const b = await pool.connect()
  try {
    await use(a, b)
  } finally {
    a.release()
    b.release()
  }
}

function mention (tenantId: string, id: string, conversationId = 'x:c1') {
  return { tenantId, id, conversationId, platform: 'x', createdAt: '2026-11-23T09:59:00Z', receivedAt: '2026-11-23T09:59:01Z', event: { id } }
}

describe('ticket repository on real PostgreSQL', () => {
  let pool: Pool
  let close: () => Promise<void>

  beforeAll(async () => {
    ({ pool, close } = await migratedDatabase('tickets', 12))
  })
  afterAll(async () => {
    await close()
  })

  test('a redelivered mention inserts nothing; only new ids are reported', async () => {
    const first = await repo.insertNewMentions(pool, [mention('acme-rail', 'x:1'), mention('acme-rail', 'x:2')])
    expect(first.size).toBe(2)
    const again = await repo.insertNewMentions(pool, [mention('acme-rail', 'x:2'), mention('acme-rail', 'x:3'), mention('burger-co', 'x:2')])
    expect([...again].map((k) => k.replace('\u0000', '/')).sort()).toEqual(['acme-rail/x:3', 'burger-co/x:2'])
  })

  test('saveBatch writes a triaged batch in one statement: the cancel reaches only schedules pending before it, and a redelivery stores nothing', async () => {
    const existing = ticket({ tenantId: 'batch-co', conversationId: 'x:old' })
    await repo.insertTicket(pool, existing)
    await repo.schedule(pool, [{ tenantId: 'batch-co', ticketId: existing.id, kind: 'follow_up', dueAt: new Date('2030-01-01T00:00:00Z'), dedupeKey: 'old-follow-up' }])
    const created = ticket({ tenantId: 'batch-co', conversationId: 'x:new' })
    const changed = { ...existing, status: 'acknowledged' as const, lastSequence: 1 }
    const batch = {
      created: [created],
      changed: [changed],
      mentions: [mention('batch-co', 'x:b1', 'x:new'), mention('batch-co', 'x:b2', 'x:old')].map((m, i) => ({ ...m, ticketId: i === 0 ? created.id : existing.id })),
      cancels: [{ tenantId: 'batch-co', ticketId: existing.id, kind: 'follow_up' }],
      schedules: [{ tenantId: 'batch-co', ticketId: existing.id, kind: 'follow_up', dueAt: new Date('2030-01-02T00:00:00Z'), dedupeKey: 'new-follow-up' }],
      outbox: [
        { tenantId: 'batch-co', ticketId: created.id, sequence: 1, eventId: `evt_${created.id}_1`, messageKey: 'k', payload: { n: 1 } },
        { tenantId: 'batch-co', ticketId: existing.id, sequence: 1, eventId: `evt_${existing.id}_1`, messageKey: 'k', payload: { n: 2 } },
      ],
    }
    expect(await withTransaction(pool, async (tx) => await repo.saveBatch(tx, batch))).toEqual(new Set(['batch-co\u0000x:b1', 'batch-co\u0000x:b2']))

    const { rows: tickets } = await pool.query("SELECT id, status, last_sequence FROM tickets WHERE tenant_id = 'batch-co' ORDER BY created_at, id")
    expect(tickets).toEqual(expect.arrayContaining([{ id: created.id, status: 'open', last_sequence: 0 }, { id: existing.id, status: 'acknowledged', last_sequence: 1 }]))
    const { rows: schedules } = await pool.query("SELECT dedupe_key, state FROM schedules WHERE tenant_id = 'batch-co' ORDER BY dedupe_key")
    expect(schedules).toEqual([{ dedupe_key: 'new-follow-up', state: 'pending' }, { dedupe_key: 'old-follow-up', state: 'cancelled' }])
    const { rows: mentions } = await pool.query("SELECT id, ticket_id FROM mentions WHERE tenant_id = 'batch-co' ORDER BY id")
    expect(mentions).toEqual([{ id: 'x:b1', ticket_id: created.id }, { id: 'x:b2', ticket_id: existing.id }])
    const { rows: events } = await pool.query("SELECT ticket_id, sequence FROM outbox WHERE tenant_id = 'batch-co' ORDER BY id")
    expect(events).toEqual([{ ticket_id: created.id, sequence: 1 }, { ticket_id: existing.id, sequence: 1 }])

    // Redelivered: the mentions exist, so none is reported new (the writer then rolls the batch back).
    const again = await withTransaction(pool, async (tx) => await repo.saveBatch(tx, { ...batch, created: [], changed: [], cancels: [], schedules: [], outbox: [] }))
    expect(again.size).toBe(0)
  })

  test('the database refuses a second open ticket for one conversation, but not for another tenant', async () => {
    await repo.insertTicket(pool, ticket({ conversationId: 'x:dup' }))
    await expect(repo.insertTicket(pool, ticket({ conversationId: 'x:dup' }))).rejects.toThrow(/tickets_open_conversation/)
    await repo.insertTicket(pool, ticket({ tenantId: 'burger-co', conversationId: 'x:dup' }))
    await repo.insertTicket(pool, ticket({ conversationId: 'x:dup', status: 'closed', closedAt: new Date() }))
  })

  test('lockActiveTicket finds the open ticket, else one closed within the reopen window, scoped by tenant', async () => {
    const open = ticket({ conversationId: 'x:open' })
    const recentlyClosed = ticket({ conversationId: 'x:closed', status: 'resolved', closedAt: new Date('2026-11-23T09:00:00Z') })
    const longClosed = ticket({ conversationId: 'x:old', status: 'closed', closedAt: new Date('2026-11-01T09:00:00Z') })
    for (const t of [open, recentlyClosed, longClosed]) await repo.insertTicket(pool, t)
    const since = new Date('2026-11-22T10:00:00Z')
    await withTransaction(pool, async (tx) => {
      expect((await repo.lockActiveTicket(tx, 'acme-rail', 'x:open', since))?.id).toBe(open.id)
      expect((await repo.lockActiveTicket(tx, 'acme-rail', 'x:closed', since))?.id).toBe(recentlyClosed.id)
      expect(await repo.lockActiveTicket(tx, 'acme-rail', 'x:old', since)).toBeUndefined()
      expect(await repo.lockActiveTicket(tx, 'burger-co', 'x:open', since)).toBeUndefined()
    })
  })

  test('events appended by concurrent transactions get contiguous sequences per ticket', async () => {
    const t = ticket({ conversationId: 'x:busy' })
    await repo.insertTicket(pool, t)
    await Promise.all(Array.from({ length: 10 }, async (_, writer) => {
      await withTransaction(pool, async (tx) => {
        const locked = await repo.getTicket(tx, t.tenantId, t.id, { lock: true })
        if (locked === undefined) throw new Error('ticket vanished')
        await repo.appendEvents(tx, locked, Array.from({ length: 5 }, (_, n) => (sequence: number) => ({
          eventId: `evt_${t.id}_${sequence}`, messageKey: `${t.tenantId}:${t.conversationId}`, payload: { writer, n, sequence },
        })))
      })
    }))
    const { rows } = await pool.query<{ sequence: number, payload: { writer: number, n: number } }>(
      'SELECT sequence, payload FROM outbox WHERE tenant_id = $1 AND ticket_id = $2 ORDER BY sequence', [t.tenantId, t.id])
    expect(rows.map((r) => r.sequence)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    // Each writer's five events are consecutive: one transaction held the lock for all of them.
    for (let i = 0; i < 50; i += 5) expect(new Set(rows.slice(i, i + 5).map((r) => r.payload.writer)).size).toBe(1)
    expect((await repo.getTicket(pool, t.tenantId, t.id))?.lastSequence).toBe(50)
  })

  test('two schedulers claiming due rows at once fire each exactly once, and future rows wait', async () => {
    const t = ticket({ conversationId: 'x:sched' })
    await repo.insertTicket(pool, t)
    const due = new Date('2026-11-23T10:00:00Z')
    const items = Array.from({ length: 100 }, (_, i) => ({ tenantId: t.tenantId, ticketId: t.id, kind: 'follow_up', dueAt: due, dedupeKey: `${t.id}:follow_up:${i}` }))
    expect(await repo.schedule(pool, [...items, { ...items[0]!, dueAt: new Date('2030-01-01T00:00:00Z'), dedupeKey: 'future' }])).toBe(101)
    expect(await repo.schedule(pool, items)).toBe(0)
    const fired: string[][] = [[], []]
    await Promise.all([0, 1].map(async (worker) => {
      for (;;) {
        const claimed = await withTransaction(pool, async (tx) => {
          const rows = await repo.claimDue(tx, new Date('2026-11-23T10:05:00Z'), 7)
          await new Promise((resolve) => setTimeout(resolve, 5))
          return rows
        })
        if (claimed.length === 0) break
        fired[worker]!.push(...claimed.map((r) => r.id))
      }
    }))
    const all = [...fired[0]!, ...fired[1]!]
    expect(all).toHaveLength(100)
    expect(new Set(all).size).toBe(100)
    expect(fired[0]!.length).toBeGreaterThan(0)
    expect(fired[1]!.length).toBeGreaterThan(0)
  })

  test('a claim rolled back returns the schedule to pending', async () => {
    const t = ticket({ conversationId: 'x:rollback' })
    await repo.insertTicket(pool, t)
    await repo.schedule(pool, [{ tenantId: t.tenantId, ticketId: t.id, kind: 'sla_breach', dueAt: new Date('2026-11-23T10:00:00Z'), dedupeKey: 'rb' }])
    await expect(withTransaction(pool, async (tx) => {
      expect(await repo.claimDue(tx, new Date('2026-11-23T11:00:00Z'), 1000)).not.toHaveLength(0)
      throw new Error('firing failed')
    })).rejects.toThrow('firing failed')
    const { rows } = await pool.query<{ state: string }>("SELECT state FROM schedules WHERE dedupe_key = 'rb'")
    expect(rows[0]?.state).toBe('pending')
  })

  test('claiming unsent outbox rows takes them off the queue in id order, and a rollback returns them', async () => {
    await seedOutbox(pool, 'x:claim', 30)
    await withTwoClients(pool, async (a, b) => {
      await a.query('BEGIN')
      const claimed = await repo.claimUnsent(a, 25)
      expect(claimed.map((r) => r.sequence)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1))
      // A second relay that waits (no SKIP LOCKED) blocks on the first; after its rollback it claims the same rows.
      await b.query('BEGIN')
      const waiting = repo.claimUnsent(b, 25, { skipLocked: false })
      await a.query('ROLLBACK')
      expect((await waiting).map((r) => r.sequence)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1))
      await b.query('COMMIT')
      expect((await repo.claimUnsent(pool, 100)).map((r) => r.sequence)).toEqual([26, 27, 28, 29, 30])
      expect(await repo.claimUnsent(pool, 100)).toHaveLength(0)
    })
  })

  test('every row inserted into the outbox is queued for the relay, whichever statement wrote it, and published rows stay', async () => {
    await seedOutbox(pool, 'x:queued', 2)
    // As an older release's writer (or anything else) would insert: no mention of the queue.
    await pool.query(`INSERT INTO outbox (tenant_id, ticket_id, sequence, event_id, message_key, payload)
      SELECT 'acme-eu', 'tkt_plain', n, 'evt_tkt_plain_' || n, 'k', '{}' FROM generate_series(1, 3) AS n`)
    const claimed = await repo.claimUnsent(pool, 100)
    expect(claimed.map((r) => r.sequence)).toEqual([1, 2, 1, 2, 3])
    expect(claimed.slice(2).map((r) => r.ticketId)).toEqual(['tkt_plain', 'tkt_plain', 'tkt_plain'])
    expect(await repo.claimUnsent(pool, 100)).toHaveLength(0)
    const { rows } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM outbox WHERE ticket_id = 'tkt_plain'")
    expect(rows[0]?.n).toBe('3')
  })

  test('two relays locking unsent outbox rows at once see disjoint rows', async () => {
    await seedOutbox(pool, 'x:relay', 20)
    await withTwoClients(pool, async (a, b) => {
      await a.query('BEGIN')
      await b.query('BEGIN')
      const first = await repo.claimUnsent(a, 12)
      const second = await repo.claimUnsent(b, 12)
      expect(first).toHaveLength(12)
      expect(second).toHaveLength(8)
      expect(new Set([...first, ...second].map((r) => r.sequence)).size).toBe(20)
      await a.query('COMMIT')
      await b.query('ROLLBACK')
      expect(await repo.claimUnsent(pool, 100)).toHaveLength(8)
    })
  })
})
