import type { Logger } from '@earshot/observability'
import type { Pool } from '@earshot/store'

export interface FeedEvent { id: string, tenantId: string, payload: unknown }
type Listener = (event: FeedEvent) => void

/**
 * The live feed behind GET /v1/events: polls the outbox table by id (not the tickets.v1 topic),
 * because that works the same over Kafka and the embedded in-memory bus, needs no consumer group
 * per instance, and shows an event as soon as its transaction commits. Outbox ids are taken at
 * insert, so a transaction can commit after a higher id is already visible: rows are re-read
 * until they are older than `settleMs` (by the database clock) and delivered once each.
 */
export function createLiveFeed ({ pool, intervalMs, logger, settleMs = 30_000 }: { pool: Pool, intervalMs: number, logger: Logger, settleMs?: number }) {
  const listeners = new Map<number, { tenants: ReadonlySet<string>, listener: Listener }>()
  let nextListener = 0
  let settledUpTo: string | undefined
  const delivered = new Set<string>()
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  let polling: Promise<void> = Promise.resolve()

  async function poll (): Promise<void> {
    if (settledUpTo === undefined) {
      const { rows } = await pool.query<{ max: string | null }>('SELECT max(id)::text AS max FROM outbox')
      settledUpTo = rows[0]?.max ?? '0'
      return
    }
    for (;;) {
      const result: { rows: Array<{ id: string, tenant_id: string, payload: unknown, settled: boolean }> } = await pool.query(
        `SELECT id::text AS id, tenant_id, payload, created_at < now() - $2::interval AS settled FROM outbox
         WHERE id > $1::bigint ORDER BY id LIMIT 500`, [settledUpTo, `${settleMs} milliseconds`])
      const rows = result.rows
      let prefixSettled = true
      for (const row of rows) {
        if (!delivered.has(row.id)) {
          delivered.add(row.id)
          const event = { id: row.id, tenantId: row.tenant_id, payload: row.payload }
          for (const { tenants, listener } of listeners.values()) if (tenants.has(row.tenant_id)) listener(event)
        }
        if (prefixSettled && row.settled) {
          settledUpTo = row.id
          delivered.delete(row.id)
        } else {
          prefixSettled = false
        }
      }
      if (rows.length < 500 || !prefixSettled) return
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
    async stop (): Promise<void> {
      stopped = true
      clearTimeout(timer)
      await polling
    },
  }
}

export type LiveFeed = ReturnType<typeof createLiveFeed>
