import type { Cache } from '@earshot/cache'
import type { ClassifiedMention } from '@earshot/contracts'
import { createTicketRepository, type OutboxRow, type Queryable, ticketEventBuilders, type TicketRow } from '@earshot/store'
import { defaultSpikeSettings, judgeSpike, nextEpisode, type SpikeEpisode, type SpikeKind, spikeKinds, spikeSignals, type SpikeSettings, type SpikeVerdict, suggestedBroadcast } from './domain/spikes.js'

export interface SpikeDetectorOptions {
  cache: Cache
  /** Per-tenant settings (the policy's `spikes:` block); defaults to `defaultSpikeSettings`. */
  settingsFor?: (tenantId: string) => SpikeSettings
  /**
   * The incident ticket lists at most this many grouped mention ids (default 100; the count keeps going,
   * and every grouped mention's ticket names the incident). The list travels in each incident event.
   */
  maxListedMentions?: number
}

export interface IncidentDetails {
  kind: SpikeKind
  startedAt: string
  mentionIds: string[]
  mentionCount: number
  lastVerdict: SpikeVerdict
}

/** mention key (`tenantId\u0000mentionId`) → the incident it is grouped under. */
export type IncidentGrouping = Map<string, string>

/** What a batch changes on incidents that already existed, for the caller to write with its own rows. */
export interface IncidentWrites {
  /** Locked incident tickets with their new details and last sequence. */
  changed: TicketRow[]
  /** Their events, sequences assigned. */
  outbox: Array<Omit<OutboxRow, 'id'>>
}

export interface SpikeObservation {
  grouping: IncidentGrouping
  /**
   * In the batch's transaction: locks the batch's incident tickets (one statement, in key order),
   * opens those that do not exist yet, and returns the updates of the others. During a spike every
   * batch of the tenant updates the same incident row, so call it late (after the batch's other
   * writes) and write the updates with the batch's last statements: the lock is then held briefly.
   */
  prepare: (tx: Queryable) => Promise<IncidentWrites>
}

const mentionKey = (tenantId: string, mentionId: string): string => `${tenantId}\u0000${mentionId}`

/**
 * Per-tenant rates of negative and outage mentions in sliding windows (the shared cache, so every
 * replica counts together), against the mean of the windows before. A spike opens ONE incident
 * ticket per tenant, kind and episode (deterministic id; the episode is agreed through a
 * compare-and-set in the cache), emits `incident.detected` through the outbox in the caller's
 * transaction, and groups the episode's related mentions under it. Counters are not transactional:
 * a batch that rolls back and is redelivered counts twice, which only makes a spike slightly earlier.
 */
export function createSpikeDetector (options: SpikeDetectorOptions) {
  const repo = createTicketRepository()
  const settingsFor = options.settingsFor ?? (() => defaultSpikeSettings)
  const maxListed = options.maxListedMentions ?? 100

  async function episodeAfter (tenantId: string, kind: SpikeKind, spike: boolean, at: Date, settings: SpikeSettings): Promise<SpikeEpisode | undefined> {
    const name = `spike-episode:${tenantId}:${kind}`
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await options.cache.getCheckpoint(name)
      const previous = stored === undefined ? undefined : JSON.parse(stored) as SpikeEpisode
      const next = nextEpisode(previous, tenantId, kind, spike, at, settings)
      if (next === undefined || next === previous) return next
      // Another replica may have started the episode first: then its incident id wins.
      if (await options.cache.setCheckpointIf(name, stored, JSON.stringify(next))) return next
    }
    return undefined
  }

  function incidentOf (previous: IncidentDetails | undefined, episode: SpikeEpisode, related: ClassifiedMention[], verdict: SpikeVerdict): IncidentDetails {
    const listed = [...(previous?.mentionIds ?? [])]
    for (const mention of related) if (listed.length < maxListed && !listed.includes(mention.id)) listed.push(mention.id)
    return { kind: episode.kind, startedAt: episode.startedAt, mentionIds: listed, mentionCount: (previous?.mentionCount ?? 0) + related.length, lastVerdict: verdict }
  }

  /**
   * Opens the episode's incident (rare: a spike's first batch) with its incident.detected event and
   * returns undefined; when another writer opened it first, returns that ticket locked, to be updated.
   */
  async function openIncident (tx: Queryable, tenantId: string, episode: SpikeEpisode, related: ClassifiedMention[], verdict: SpikeVerdict, at: Date): Promise<TicketRow | undefined> {
    const incident = incidentOf(undefined, episode, related, verdict)
    const ticket: TicketRow = {
      tenantId,
      id: episode.incidentId,
      conversationId: episode.incidentId,
      platform: related[0]!.platform,
      status: 'open',
      priority: episode.kind === 'outage' ? 'critical' : 'high',
      team: null,
      assignee: null,
      tags: ['incident', episode.kind],
      sla: {},
      details: { kind: 'incident', incident, suggestedBroadcast: suggestedBroadcast(episode.kind) },
      lastSequence: 0,
      createdAt: at,
      updatedAt: at,
      closedAt: null,
    }
    // Replicas (or partitions written concurrently) may open the same episode's incident at once: one insert wins.
    if (await repo.insertTicketIfAbsent(tx, ticket)) {
      await repo.appendEvents(tx, ticket, ticketEventBuilders(ticket, ['incident.detected'], incident.mentionIds, at))
      return undefined
    }
    const existing = await repo.getTicket(tx, tenantId, episode.incidentId, { lock: true })
    if (existing === undefined) throw new Error(`incident ${episode.incidentId} of ${tenantId} vanished while it was being opened`)
    return existing
  }

  /**
   * Counts a batch's NEW mentions (call it once per batch) and returns the incident each related
   * mention is grouped under, plus `prepare`, which opens or updates the incidents in the batch's
   * transaction. Taken early, the incident's row lock serialised whole batches of the tenant behind
   * one another exactly when traffic peaks.
   */
  async function observe (mentions: readonly ClassifiedMention[], at: Date): Promise<SpikeObservation> {
    const grouping: IncidentGrouping = new Map()
    const incidents: Array<{ tenantId: string, episode: SpikeEpisode, related: ClassifiedMention[], verdict: SpikeVerdict }> = []
    const byTenantKind = new Map<string, { tenantId: string, kind: SpikeKind, mentions: ClassifiedMention[] }>()
    for (const mention of mentions) {
      for (const kind of spikeSignals(mention)) {
        const key = `${mention.tenantId}\u0000${kind}`
        const entry = byTenantKind.get(key) ?? { tenantId: mention.tenantId, kind, mentions: [] }
        entry.mentions.push(mention)
        byTenantKind.set(key, entry)
      }
    }
    // The cache calls of different tenants and kinds are independent, so they go out together
    // (one round trip's wait for the batch instead of three or four per tenant and kind).
    const entries = [...byTenantKind.values()].sort((a, b) => spikeKinds.indexOf(b.kind) - spikeKinds.indexOf(a.kind) || a.tenantId.localeCompare(b.tenantId))
    const judged = await Promise.all(entries.map(async ({ tenantId, kind, mentions: related }) => {
      const settings = settingsFor(tenantId)
      const base = `spike:${tenantId}:${kind}`
      const [current, long] = await Promise.all([
        options.cache.increment(`${base}:current`, { windowMs: settings.windowMs, by: related.length, at: at.getTime() }),
        options.cache.increment(`${base}:long`, { windowMs: settings.windowMs * (settings.baselineWindows + 1), by: related.length, at: at.getTime() }),
      ])
      const verdict = judgeSpike(current, long, settings)
      return { tenantId, related, verdict, episode: await episodeAfter(tenantId, kind, verdict.spike, at, settings) }
    }))
    // Outage before negative (the order of `entries`): a mention in both is grouped under the outage incident.
    for (const { tenantId, episode, related, verdict } of judged) {
      if (episode === undefined) continue
      const ungrouped = related.filter((mention) => !grouping.has(mentionKey(tenantId, mention.id)))
      if (ungrouped.length === 0) continue
      incidents.push({ tenantId, episode, related: ungrouped, verdict })
      for (const mention of ungrouped) grouping.set(mentionKey(tenantId, mention.id), episode.incidentId)
    }
    return {
      grouping,
      prepare: async (tx) => {
        const writes: IncidentWrites = { changed: [], outbox: [] }
        if (incidents.length === 0) return writes
        const locked = await repo.lockTickets(tx, incidents.map(({ tenantId, episode }) => ({ tenantId, ticketId: episode.incidentId })))
        const existing = new Map(locked.map((ticket) => [mentionKey(ticket.tenantId, ticket.id), ticket]))
        for (const { tenantId, episode, related, verdict } of incidents) {
          const ticket = existing.get(mentionKey(tenantId, episode.incidentId)) ?? await openIncident(tx, tenantId, episode, related, verdict, at)
          if (ticket === undefined) continue
          const incident = incidentOf(ticket.details.incident as IncidentDetails | undefined, episode, related, verdict)
          ticket.details = { ...ticket.details, incident }
          ticket.updatedAt = at
          for (const build of ticketEventBuilders(ticket, ['ticket.message_added'], incident.mentionIds, at)) {
            ticket.lastSequence++
            writes.outbox.push({ tenantId, ticketId: ticket.id, sequence: ticket.lastSequence, ...build(ticket.lastSequence) })
          }
          writes.changed.push(ticket)
        }
        return writes
      },
    }
  }

  return { observe }
}

export type SpikeDetector = ReturnType<typeof createSpikeDetector>
export { mentionKey as incidentGroupingKey }
