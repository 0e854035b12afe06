import { type Bus, eventHandler } from '@earshot/bus'
import { topics } from '@earshot/contracts'
import type { Cache } from '@earshot/cache'
import type { Logger, Metrics } from '@earshot/observability'
import type { Pool } from '@earshot/store'
import { createIncidentFolder } from './incident-folder.js'
import { createOutboxRelay } from './outbox-relay.js'
import { createRetentionPruner, type RetentionOptions } from './retention.js'
import type { PolicyBook } from './policy-book.js'
import { createScheduler, type ReplySender } from './scheduler.js'
import { spikeSettingsOf } from './domain/spikes.js'
import { createSpikeDetector, type SpikeDetectorOptions } from './spike-detector.js'
import { createTicketWriter } from './ticket-writer.js'

export interface RouterDeps {
  bus: Bus
  pool: Pool
  policies: PolicyBook
  logger: Logger
  metrics: Metrics
  now?: () => Date
  replySenders?: Parameters<typeof createScheduler>[0]['replySenders']
  topicPartitions?: number
  reopenWindowMs?: number
  schedulerIntervalMs?: number
  groupId?: string
  sessionTimeoutMs?: number
  /** Pruning of relayed outbox rows and old schedules (absent: none; `main.ts` always sets it). */
  retention?: Pick<RetentionOptions, 'outboxRetentionMs' | 'scheduleRetentionMs' | 'intervalMs'>
  /** Where a brand-new consumer group starts: earliest (default, nothing missed) or latest (benchmarks, replays elsewhere). */
  startAt?: 'earliest' | 'latest'
  /** Partitions written at the same time by one replica (each in its own transaction). */
  partitionsConcurrently?: number
  /** The shared cache for spike detection's sliding windows; without it spikes are not detected. */
  cache?: Cache
  spikeSettingsFor?: SpikeDetectorOptions['settingsFor']
  /** How often grouped mentions are added to their incidents (one incident event per interval at most); default 1 s. */
  incidentFoldIntervalMs?: number
}

export type { ReplySender }

/**
 * The router without I/O of its own: a consumer group on mentions.classified.v1 whose handler
 * writes each batch in one transaction (the offset is committed only after it), the outbox relay
 * to tickets.v1, and the scheduler. `main.ts` supplies real adapters; tests supply theirs.
 */
export function createRouterApp (deps: RouterDeps) {
  const log = deps.logger.child({ component: 'router' })
  const stored = deps.metrics.counter('router_mentions_stored_total', 'Classified mentions written (new)')
  const duplicates = deps.metrics.counter('router_mentions_duplicate_total', 'Redelivered mentions ignored')
  const opened = deps.metrics.counter('router_tickets_opened_total', 'Tickets opened')
  const latency = deps.metrics.histogram('router_ingest_to_ticket_seconds', 'From a mention\'s arrival in Earshot to its ticket write', [],
    [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30])
  const spikes = deps.cache === undefined ? undefined : createSpikeDetector({ cache: deps.cache, settingsFor: deps.spikeSettingsFor ?? ((tenantId) => spikeSettingsOf(deps.policies.policyFor(tenantId))) })
  const writer = createTicketWriter({ pool: deps.pool, policies: deps.policies, ...(spikes === undefined ? {} : { spikes }), ...(deps.now === undefined ? {} : { now: deps.now }), ...(deps.reopenWindowMs === undefined ? {} : { reopenWindowMs: deps.reopenWindowMs }) })
  const producer = deps.bus.producer({ lingerMs: 2 })
  const relay = createOutboxRelay({ pool: deps.pool, producer, logger: deps.logger })
  const folder = spikes === undefined
    ? undefined
    : createIncidentFolder({
      pool: deps.pool,
      logger: deps.logger,
      onEvents: () => relay.wake(),
      ...(deps.now === undefined ? {} : { now: deps.now }),
      ...(deps.incidentFoldIntervalMs === undefined ? {} : { intervalMs: deps.incidentFoldIntervalMs }),
    })
  const scheduler = createScheduler({
    pool: deps.pool,
    logger: deps.logger,
    onEvents: () => relay.wake(),
    ...(deps.now === undefined ? {} : { now: deps.now }),
    ...(deps.replySenders === undefined ? {} : { replySenders: deps.replySenders }),
    ...(deps.schedulerIntervalMs === undefined ? {} : { intervalMs: deps.schedulerIntervalMs }),
  })
  const retention = deps.retention === undefined
    ? undefined
    : createRetentionPruner({ pool: deps.pool, logger: deps.logger, ...deps.retention, ...(deps.now === undefined ? {} : { now: deps.now }) })
  const consumer = deps.bus.consumer({
    groupId: deps.groupId ?? 'router',
    topics: [topics.mentionsClassified],
    fromBeginning: deps.startAt !== 'latest',
    // Batches of different partitions touch different conversations, so they can be written side by
    // side; the handler waits on PostgreSQL, not the CPU.
    partitionsConsumedConcurrently: deps.partitionsConcurrently ?? 3,
    ...(deps.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: deps.sessionTimeoutMs }),
    handler: eventHandler(topics.mentionsClassified, async (events) => {
      const mentions = events.map(({ event }) => event)
      const result = await writer.writeBatch(mentions)
      const writtenAt = Date.now()
      for (const mention of mentions) latency.observe(Math.max(0, (writtenAt - Date.parse(mention.receivedAt)) / 1000))
      stored.inc(result.stored)
      duplicates.inc(result.duplicates)
      opened.inc(result.ticketsOpened)
      if (result.events > 0) relay.wake()
      log.debug({ ...result, batch: mentions.length }, 'batch written')
    }),
  })

  return {
    writer,
    relay,
    scheduler,
    folder,
    retention,
    consumer,
    async start (): Promise<void> {
      const partitions = deps.topicPartitions ?? 6
      await deps.bus.ensureTopics([
        { name: topics.mentionsClassified, partitions },
        { name: topics.tickets, partitions },
      ])
      relay.start()
      scheduler.start()
      folder?.start()
      retention?.start()
      await consumer.start()
      log.info({ partitions }, 'router started')
    },
    /** Finishes the in-flight batch (and commits it), then stops the scheduler, folds incidents and drains the outbox. */
    async stop (): Promise<void> {
      await consumer.stop()
      await scheduler.stop()
      await retention?.stop()
      await folder?.stop()
      await folder?.foldOnce().catch((err: unknown) => { log.warn({ err }, 'final incident fold failed; the next start folds them') })
      await relay.stop()
      await relay.relayOnce().catch((err: unknown) => { log.warn({ err }, 'final outbox relay failed; the next start publishes it') })
      await producer.close()
    },
    healthy: () => consumer.healthy(),
  }
}

export type RouterApp = ReturnType<typeof createRouterApp>
