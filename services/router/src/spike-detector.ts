import type { Cache } from '@earshot/cache'
import type { ClassifiedMention } from '@earshot/contracts'
import { createTicketRepository, type IncidentMention, type Queryable, ticketEventBuilders, type TicketRow } from '@earshot/store'
import { defaultSpikeSettings, judgeSpike, nextEpisode, type SpikeEpisode, type SpikeKind, spikeKinds, spikeSignals, type SpikeSettings, type SpikeVerdict, suggestedBroadcast } from './domain/spikes.js'

export interface SpikeDetectorOptions {
  cache: Cache
  /** Per-tenant settings (the policy's `spikes:` block); defaults to `defaultSpikeSettings`. */
  settingsFor?: (tenantId: string) => SpikeSettings
  /**
   * The incident ticket lists at most this many grouped mention ids (default 100; the count keeps going,
   * and every grouped mention's ticket names the incident). The list travels in each incident event.
   * Give the incident folder the same.
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

export interface SpikeObservation {
  grouping: IncidentGrouping
  /**
   * In the batch's transaction: opens the incidents that do not exist yet (with incident.detected)
   * and returns the batch's mentions grouped under the others, for the batch to queue with its own
   * write (`TriagedBatch.incidentMentions`); the incident folder adds them to their incidents.
   */
  prepare: (tx: Queryable) => Promise<IncidentMention[]>
}

/** How many grouped mention ids an incident lists when nothing else is configured. */
export const defaultMaxListedMentions = 100

/** The incident with more grouped mentions: listed while there is room, always counted. */
export function withMentions (incident: IncidentDetails, mentionIds: readonly string[], verdict: SpikeVerdict, maxListed: number): IncidentDetails {
  const listed = [...incident.mentionIds]
  for (const id of mentionIds) if (listed.length < maxListed && !listed.includes(id)) listed.push(id)
  return { ...incident, mentionIds: listed, mentionCount: incident.mentionCount + mentionIds.length, lastVerdict: verdict }
}

const mentionKey = (tenantId: string, mentionId: string): string => `${tenantId}\u0000${mentionId}`

/**
 * Per-tenant rates of negative and outage mentions in sliding windows (the shared cache, so every
 * replica counts together), against the mean of the windows before. A spike opens ONE incident
 * ticket per tenant, kind and episode (deterministic id; the episode is agreed through a
 * compare-and-set in the cache), emits `incident.detected` through the outbox in the caller's
 * transaction, and groups the episode's related mentions under it (their tickets name it at once; the
 * incident folder adds them to the incident's count and list). Counters are not transactional:
 * a batch that rolls back and is redelivered counts twice, which only makes a spike slightly earlier.
 */
export function createSpikeDetector (options: SpikeDetectorOptions) {
  const repo = createTicketRepository()
  const settingsFor = options.settingsFor ?? (() => defaultSpikeSettings)
  const maxListed = options.maxListedMentions ?? defaultMaxListedMentions
  // Incidents known to exist (committed): their grouped mentions are queued without asking PostgreSQL.
  const known = new Set<string>()

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

  /** Opens the episode's incident with its incident.detected event; false when it existed already (opened by another writer). */
  async function openIncident (tx: Queryable, tenantId: string, episode: SpikeEpisode, related: ClassifiedMention[], verdict: SpikeVerdict, at: Date): Promise<boolean> {
    const empty: IncidentDetails = { kind: episode.kind, startedAt: episode.startedAt, mentionIds: [], mentionCount: 0, lastVerdict: verdict }
    const incident = withMentions(empty, related.map((mention) => mention.id), verdict, maxListed)
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
    // Replicas (or partitions written concurrently) may open the same episode's incident at once: one insert
    // wins, and the others wait for its commit. The existing row is not locked: grouping never waits on it.
    if (await repo.insertTicketIfAbsent(tx, ticket)) {
      await repo.appendEvents(tx, ticket, ticketEventBuilders(ticket, ['incident.detected'], incident.mentionIds, at))
      return true
    }
    return false
  }

  /**
   * Counts a batch's NEW mentions (call it once per batch) and returns the incident each related
   * mention is grouped under, plus `prepare`, which opens new incidents in the batch's transaction.
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
        const queued: IncidentMention[] = []
        for (const { tenantId, episode, related, verdict } of incidents) {
          const key = mentionKey(tenantId, episode.incidentId)
          if (!known.has(key)) {
            if (await openIncident(tx, tenantId, episode, related, verdict, at)) continue
            if (known.size >= 10_000) known.clear() // one entry per incident episode: only a very long-lived router gets here
            known.add(key)
          }
          for (const mention of related) queued.push({ tenantId, incidentId: episode.incidentId, mentionId: mention.id, verdict: { ...verdict }, groupedAt: at })
        }
        return queued
      },
    }
  }

  return { observe }
}

export type SpikeDetector = ReturnType<typeof createSpikeDetector>
export { mentionKey as incidentGroupingKey }
