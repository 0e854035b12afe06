import { createPollingLoop } from '@earshot/bus'
import type { Logger } from '@earshot/observability'
import { createTicketRepository, type IncidentMention, type OutboxRow, type Pool, sequencedEvents, type TicketRow, withTransaction } from '@earshot/store'
import type { SpikeVerdict } from './domain/spikes.js'
import { defaultMaxListedMentions, type IncidentDetails, withMentions } from './spike-detector.js'

export interface IncidentFolderOptions {
  pool: Pool
  logger: Logger
  now?: () => Date
  /** Pause between folds: an incident gets at most one ticket.message_added per interval. */
  intervalMs?: number
  /** Grouped mentions taken per transaction. */
  batchSize?: number
  maxListedMentions?: number
  /** Called after a fold wrote events (wakes the outbox relay). */
  onEvents?: () => void
}

/**
 * Adds the mentions that batches grouped under incidents (queued in incident_mentions) to their
 * incident tickets: per incident one locked read, the new count, listed ids and verdict, and ONE
 * ticket.message_added for everything taken, in the transaction that deletes the queued rows. Batches
 * therefore never wait on an incident's row, and a spike sends one incident event per interval
 * instead of one per batch.
 */
export function createIncidentFolder (options: IncidentFolderOptions) {
  const repo = createTicketRepository()
  const now = options.now ?? (() => new Date())
  const intervalMs = options.intervalMs ?? 1000
  const batchSize = options.batchSize ?? 5000
  const maxListed = options.maxListedMentions ?? defaultMaxListedMentions
  const log = options.logger.child({ component: 'incident-folder' })

  /** One fold; returns how many grouped mentions it added. */
  async function foldOnce (): Promise<number> {
    const at = now()
    const { taken, events } = await withTransaction(options.pool, async (tx) => {
      const queued = await repo.takeIncidentMentions(tx, batchSize)
      if (queued.length === 0) return { taken: 0, events: 0 }
      const byIncident = new Map<string, IncidentMention[]>()
      for (const row of queued) {
        const key = `${row.tenantId}\u0000${row.incidentId}`
        const rows = byIncident.get(key)
        if (rows === undefined) byIncident.set(key, [row])
        else rows.push(row)
      }
      const tickets = await repo.lockTickets(tx, [...byIncident.values()].map(([first]) => ({ tenantId: first!.tenantId, ticketId: first!.incidentId })))
      const changed: TicketRow[] = []
      const outbox: Array<Omit<OutboxRow, 'id'>> = []
      for (const ticket of tickets) {
        const rows = byIncident.get(`${ticket.tenantId}\u0000${ticket.id}`) ?? []
        byIncident.delete(`${ticket.tenantId}\u0000${ticket.id}`)
        const incident = withMentions(ticket.details.incident as IncidentDetails, rows.map((row) => row.mentionId), rows[rows.length - 1]!.verdict as unknown as SpikeVerdict, maxListed)
        ticket.details = { ...ticket.details, incident }
        ticket.updatedAt = at
        outbox.push(...sequencedEvents(ticket, ['ticket.message_added'], incident.mentionIds, at))
        changed.push(ticket)
      }
      // Queued under an incident that does not exist: cannot happen (a batch queues only for incidents
      // that were committed), so say so loudly rather than keep the rows forever.
      for (const rows of byIncident.values()) log.error({ tenantId: rows[0]!.tenantId, incidentId: rows[0]!.incidentId, mentions: rows.length }, 'grouped mentions of a missing incident dropped')
      await repo.saveBatch(tx, { created: [], changed, mentions: [], cancels: [], schedules: [], outbox })
      return { taken: queued.length, events: outbox.length }
    })
    if (events > 0) options.onEvents?.()
    return taken
  }

  // A full batch means more are waiting: fold again at once.
  const loop = createPollingLoop({
    round: async () => await foldOnce() === batchSize,
    idleMs: intervalMs,
    maxBackoffMs: 30_000,
    onError: (err, failures) => { log.error({ err, failures }, 'folding grouped mentions into incidents failed; retrying') },
  })

  return {
    foldOnce,
    start: loop.start,
    stop: loop.stop,
  }
}

export type IncidentFolder = ReturnType<typeof createIncidentFolder>
