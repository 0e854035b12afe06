import { createPollingLoop, type Producer } from '@earshot/bus'
import { topics } from '@earshot/contracts'
import type { Logger } from '@earshot/observability'
import { createTicketRepository, type Pool, withTransaction } from '@earshot/store'

export interface OutboxRelayOptions {
  pool: Pool
  producer: Producer
  logger: Logger
  /** Rows published per transaction. */
  batchSize?: number
  /** Pause when the outbox is empty; `wake()` cuts it short when the router just wrote events. */
  idleMs?: number
}

/**
 * Publishes outbox rows to tickets.v1 in the order they were written and takes them off the queue of
 * unpublished rows (outbox_pending), in one transaction per batch. Relays lock rows without SKIP
 * LOCKED on purpose: a second relay waits for the first instead of overtaking it, which keeps each ticket's events in sequence on the topic.
 * A crash after publishing and before the commit republishes the batch: consumers dedupe by eventId.
 */
export function createOutboxRelay (options: OutboxRelayOptions) {
  const repo = createTicketRepository()
  const batchSize = options.batchSize ?? 500
  const idleMs = options.idleMs ?? 200
  const log = options.logger.child({ component: 'outbox-relay' })
  let published = 0

  /** Publishes one batch; returns how many rows it sent. */
  async function relayOnce (): Promise<number> {
    return await withTransaction(options.pool, async (tx) => {
      const rows = await repo.claimUnsent(tx, batchSize, { skipLocked: false })
      if (rows.length === 0) return 0
      await options.producer.send(topics.tickets, rows.map((row) => ({
        key: row.messageKey,
        value: JSON.stringify(row.payload),
        headers: { 'earshot.event-id': row.eventId },
      })))
      published += rows.length
      return rows.length
    })
  }

  const loop = createPollingLoop({
    round: async () => await relayOnce() === batchSize,
    idleMs,
    maxBackoffMs: 10_000,
    onError: (err, failures) => { log.error({ err, failures }, 'publishing the outbox failed; retrying') },
  })

  return {
    relayOnce,
    start: loop.start,
    /** Cuts the idle wait short: new events are waiting. */
    wake: loop.wake,
    stop: loop.stop,
    published: () => published,
  }
}

export type OutboxRelay = ReturnType<typeof createOutboxRelay>
