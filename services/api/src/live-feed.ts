import type { Logger } from '@earshot/observability'
import type { Pool } from '@earshot/store'

export interface FeedEvent { id: string, tenantId: string, payload: unknown }
type Listener = (event: FeedEvent) => void

/** Ids below the highest one read that were not there yet: a transaction that took them may still commit. */
interface Gap { lo: bigint, hi: bigint, since: number }

interface OutboxRow { id: string, tenant_id: string, payload: unknown }

const pageSize = 1000

/**
 * The live feed behind GET /v1/events: polls the outbox table by id (not the tickets.v1 topic),
 * because that works the same over Kafka and the embedded in-memory bus, needs no consumer group
 * per instance, and shows an event as soon as its transaction commits. Each poll reads the rows
 * after the highest id read so far, in id order, so new events go out at once however many arrive.
 * Outbox ids are taken at insert, so a transaction can commit after a higher id is visible: the ids
 * skipped over are kept as gaps and looked for again on every poll for `settleMs` (a rolled-back
 * transaction leaves a gap that never fills). Every row is delivered once.
 */
export function createLiveFeed ({ pool, intervalMs, logger, settleMs = 30_000, now = Date.now }: { pool: Pool, intervalMs: number, logger: Logger, settleMs?: number, now?: () => number }) {
  const listeners = new Map<number, { tenants: ReadonlySet<string>, listener: Listener }>()
  let nextListener = 0
  let highest: bigint | undefined
  let gaps: Gap[] = []
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  let polling: Promise<void> = Promise.resolve()

  function deliver (row: OutboxRow): void {
    const event = { id: row.id, tenantId: row.tenant_id, payload: row.payload }
    for (const { tenants, listener } of listeners.values()) if (tenants.has(row.tenant_id)) listener(event)
  }

  /** Rows of transactions that committed after higher ids were read. */
  async function fillGaps (): Promise<void> {
    const at = now()
    const expired = gaps.filter((gap) => at - gap.since > settleMs)
    if (expired.length > 0) {
      logger.debug({ ranges: expired.length }, 'live feed: outbox ids never committed (rolled back) are no longer awaited')
      gaps = gaps.filter((gap) => at - gap.since <= settleMs)
    }
    if (gaps.length === 0) return
    const { rows } = await pool.query<OutboxRow>(
      `SELECT o.id::text AS id, o.tenant_id, o.payload FROM outbox o
       JOIN unnest($1::bigint[], $2::bigint[]) AS g(lo, hi) ON o.id BETWEEN g.lo AND g.hi
       ORDER BY o.id`, [gaps.map((gap) => gap.lo.toString()), gaps.map((gap) => gap.hi.toString())])
    for (const row of rows) {
      const id = BigInt(row.id)
      const index = gaps.findIndex((gap) => gap.lo <= id && id <= gap.hi)
      const gap = gaps[index]
      if (gap === undefined) continue
      const rest = [
        ...(gap.lo < id ? [{ lo: gap.lo, hi: id - 1n, since: gap.since }] : []),
        ...(id < gap.hi ? [{ lo: id + 1n, hi: gap.hi, since: gap.since }] : []),
      ]
      gaps.splice(index, 1, ...rest)
      deliver(row)
    }
  }

  async function poll (): Promise<void> {
    if (highest === undefined) {
      const { rows } = await pool.query<{ max: string | null }>('SELECT max(id)::text AS max FROM outbox')
      highest = BigInt(rows[0]?.max ?? '0')
      return
    }
    await fillGaps()
    let top: bigint = highest
    for (;;) {
      // ORDER BY the column, not the text alias: sorted as text, '1000' comes before '999'.
      const { rows } = await pool.query<OutboxRow>(
        `SELECT outbox.id::text AS id, tenant_id, payload FROM outbox
         WHERE outbox.id > $1::bigint ORDER BY outbox.id LIMIT ${pageSize}`, [top.toString()])
      for (const row of rows) {
        const id = BigInt(row.id)
        if (id > top + 1n) gaps.push({ lo: top + 1n, hi: id - 1n, since: now() })
        highest = top = id
        deliver(row)
      }
      if (rows.length < pageSize) return
    }
  }

  function schedule (): void {
    if (stopped) return
    timer = setTimeout(() => {
      polling = poll().catch((err: unknown) => { logger.warn({ err }, 'live feed poll failed; retrying') }).finally(schedule)
    }, intervalMs)
  }

  return {
    async start (): Promise<void> {
      await poll()
      schedule()
    },
    subscribe (tenants: ReadonlySet<string>, listener: Listener): () => void {
      const id = nextListener++
      listeners.set(id, { tenants, listener })
      return () => { listeners.delete(id) }
    },
    /** Reads what committed since the last poll now (tests; the timer does it every `intervalMs`). */
    poll,
    async stop (): Promise<void> {
      stopped = true
      clearTimeout(timer)
      await polling
    },
  }
}

export type LiveFeed = ReturnType<typeof createLiveFeed>
