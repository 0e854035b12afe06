import type { Bus } from '@earshot/bus'
import type { Logger, Metrics } from '@earshot/observability'
import type { Pool } from '@earshot/store'
import type { RetrySettings } from './delivery-policy.js'
import { createDeliveryRetention } from './delivery-retention.js'
import { createDeliveryWorker } from './delivery-worker.js'
import { createWebhookDispatcher } from './webhook-dispatcher.js'

export interface WebhookServiceOptions {
  bus: Bus
  pool: Pool
  logger: Logger
  metrics?: Metrics
  groupId?: string
  timeoutMs?: number
  concurrency?: number
  retry?: Partial<RetrySettings>
  idleMs?: number
  /** Finished deliveries older than this are pruned (0 or absent: kept). */
  retentionMs?: number
  now?: () => Date
}

/** The dispatcher (tickets.v1 → deliveries) and the worker (deliveries → POSTs), started and stopped together. */
export function createWebhookService (options: WebhookServiceOptions) {
  const worker = createDeliveryWorker({
    pool: options.pool,
    logger: options.logger,
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.idleMs === undefined ? {} : { idleMs: options.idleMs }),
    ...(options.now === undefined ? {} : { now: options.now }),
  })
  const dispatcher = createWebhookDispatcher({
    bus: options.bus,
    pool: options.pool,
    logger: options.logger,
    onDeliveries: () => worker.wake(),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    ...(options.groupId === undefined ? {} : { groupId: options.groupId }),
    ...(options.now === undefined ? {} : { now: options.now }),
  })
  const retention = options.retentionMs === undefined || options.retentionMs <= 0
    ? undefined
    : createDeliveryRetention({ pool: options.pool, logger: options.logger, retentionMs: options.retentionMs, ...(options.now === undefined ? {} : { now: options.now }) })
  return {
    dispatcher,
    worker,
    retention,
    /** Pass to `webhookRoutes` as `onReplay`. */
    wake: (): void => worker.wake(),
    async start (): Promise<void> {
      worker.start()
      retention?.start()
      await dispatcher.start()
    },
    /** Commits the batch in flight, then lets the round of requests in flight finish. */
    async stop (): Promise<void> {
      await dispatcher.stop()
      await worker.stop()
      await retention?.stop()
    },
    healthy: (): boolean => dispatcher.healthy(),
  }
}

export type WebhookService = ReturnType<typeof createWebhookService>
