import { createPollingLoop } from '@earshot/bus'
import type { Logger } from '@earshot/observability'
import type { Pool } from '@earshot/store'
import { createWebhookRepository } from './webhook-repository.js'

export interface DeliveryRetentionOptions {
  pool: Pool
  logger: Logger
  /** Delivered and dead deliveries older than this are deleted with their attempts. */
  retentionMs: number
  /** Pause between sweeps; default an hour. */
  intervalMs?: number
  /** Deliveries deleted per statement. */
  batchSize?: number
  now?: () => Date
}

/**
 * Keeps the delivery log (what the deliveries routes list) to a retention window: one delivery per
 * event and subscription would otherwise grow without bound. Safe on every API replica at once.
 */
export function createDeliveryRetention (options: DeliveryRetentionOptions) {
  const repo = createWebhookRepository()
  const now = options.now ?? (() => new Date())
  const batchSize = options.batchSize ?? 5000
  const log = options.logger.child({ component: 'webhook-retention' })
  let swept = 0

  /** One statement; the number of deliveries it pruned. */
  async function pruneOnce (): Promise<number> {
    return await repo.pruneFinishedDeliveries(options.pool, new Date(now().getTime() - options.retentionMs), batchSize)
  }

  const loop = createPollingLoop({
    round: async () => {
      const pruned = await pruneOnce()
      swept += pruned
      if (pruned === batchSize) return true
      if (swept > 0) log.info({ pruned: swept }, 'pruned webhook deliveries past their retention')
      swept = 0
      return false
    },
    idleMs: options.intervalMs ?? 60 * 60 * 1000,
    maxBackoffMs: 60 * 60 * 1000,
    onError: (err, failures) => { log.warn({ err, failures }, 'pruning old webhook deliveries failed; retrying later') },
  })

  return { pruneOnce, start: loop.start, stop: loop.stop }
}
