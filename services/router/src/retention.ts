import { createPollingLoop } from '@earshot/bus'
import type { Logger } from '@earshot/observability'
import { createTicketRepository, type Pool } from '@earshot/store'

export interface RetentionOptions {
  pool: Pool
  logger: Logger
  now?: () => Date
  /** Relayed outbox rows older than this are deleted (0: kept forever). Downstream systems have tickets.v1 and the API for history. */
  outboxRetentionMs: number
  /** Fired and cancelled schedules older than this are deleted (0: kept forever); pending ones never are. */
  scheduleRetentionMs: number
  /** Pause between sweeps. */
  intervalMs?: number
  /** Rows looked at per statement: short statements, so pruning never holds locks for long. */
  batchSize?: number
}

/** The service's defaults (ROUTER_OUTBOX_RETENTION_HOURS, ROUTER_SCHEDULE_RETENTION_HOURS); the all-in-one uses them too. */
export const defaultRetentionHours = { outbox: 7 * 24, schedules: 30 * 24 }

const msPerHour = 60 * 60 * 1000

/** Retention periods given in hours (as configured) as the pruner takes them. */
export function retentionFromHours (hours: { outbox: number, schedules: number }): Pick<RetentionOptions, 'outboxRetentionMs' | 'scheduleRetentionMs'> {
  return { outboxRetentionMs: hours.outbox * msPerHour, scheduleRetentionMs: hours.schedules * msPerHour }
}

export interface RetentionSweep {
  outboxPruned: number
  schedulesPruned: number
}

/**
 * Keeps the router's bookkeeping tables from growing without bound: the outbox (every ticket event,
 * needed only until relayed and for the API's live feed) and schedules that have fired or were
 * cancelled. Tickets and mentions are the tenants' data and are not touched. Every replica may run
 * it: the statements skip or re-check rows another replica is deleting.
 */
export function createRetentionPruner (options: RetentionOptions) {
  const repo = createTicketRepository()
  const now = options.now ?? (() => new Date())
  const batchSize = options.batchSize ?? 5000
  const log = options.logger.child({ component: 'retention' })
  // The schedules sweep walks the table in id order across rounds and starts again at the end.
  let scheduleCursor = '0'

  /** One statement per table; `more` while either has rows left to look at. */
  async function pruneRound (): Promise<RetentionSweep & { more: boolean }> {
    const at = now().getTime()
    const round = { outboxPruned: 0, schedulesPruned: 0, more: false }
    if (options.outboxRetentionMs > 0) {
      round.outboxPruned = await repo.pruneRelayedOutbox(options.pool, new Date(at - options.outboxRetentionMs), batchSize)
      // Old rows are at the head; go on while the head still yields some (a row still queued stays, however old).
      round.more = round.outboxPruned > 0
    }
    if (options.scheduleRetentionMs > 0) {
      const { scanned, pruned, lastId } = await repo.pruneSchedules(options.pool, new Date(at - options.scheduleRetentionMs), scheduleCursor, batchSize)
      round.schedulesPruned = pruned
      scheduleCursor = scanned < batchSize ? '0' : lastId
      round.more ||= scanned === batchSize
    }
    return round
  }

  /** Prunes until nothing is left to look at; returns what it pruned. */
  async function sweepAll (): Promise<RetentionSweep> {
    const total: RetentionSweep = { outboxPruned: 0, schedulesPruned: 0 }
    for (;;) {
      const round = await pruneRound()
      total.outboxPruned += round.outboxPruned
      total.schedulesPruned += round.schedulesPruned
      if (!round.more) return total
    }
  }

  let sweep: RetentionSweep = { outboxPruned: 0, schedulesPruned: 0 }
  const loop = createPollingLoop({
    round: async () => {
      const round = await pruneRound()
      sweep.outboxPruned += round.outboxPruned
      sweep.schedulesPruned += round.schedulesPruned
      if (!round.more) {
        if (sweep.outboxPruned + sweep.schedulesPruned > 0) log.info(sweep, 'retention sweep pruned relayed outbox rows and old schedules')
        sweep = { outboxPruned: 0, schedulesPruned: 0 }
      }
      return round.more
    },
    idleMs: options.intervalMs ?? 60 * 60 * 1000,
    maxBackoffMs: 60 * 60 * 1000,
    onError: (err, failures) => { log.warn({ err, failures }, 'retention pruning failed; retrying later') },
  })

  return { sweepAll, start: loop.start, stop: loop.stop }
}
