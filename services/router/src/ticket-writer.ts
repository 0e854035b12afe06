import type { ClassifiedMention } from '@earshot/contracts'
import { createTicketRepository, type MentionRow, type NewSchedule, type OutboxRow, type Pool, sequencedEvents, type TicketRow, withTransaction } from '@earshot/store'
import { evaluate, type Policy, queueCountLimit } from '@earshot/triage'
import { conversationState, ticketChange } from './domain/ticket-change.js'
import type { PolicyBook } from './policy-book.js'
import { incidentGroupingKey, type SpikeDetector } from './spike-detector.js'

export interface TicketWriterOptions {
  pool: Pool
  policies: PolicyBook
  now?: () => Date
  /** A conversation whose ticket closed less than this long ago reopens it instead of opening a new one. */
  reopenWindowMs?: number
  /** Consulted with each batch's new mentions inside the batch's transaction; groups them under incidents. */
  spikes?: SpikeDetector
}

/**
 * Another writer (a replica after a rebalance) stored some of this batch's mentions while it was
 * being triaged: the transaction rolls back and the batch is retried, which then skips them.
 */
export class ConcurrentDeliveryError extends Error {
  readonly retriable = true
  readonly code = 'ROUTER_ERR_CONCURRENT_DELIVERY'
  constructor (readonly mentions: number) {
    super(`${mentions} mention(s) of this batch were stored by another writer meanwhile; retrying the batch`)
    this.name = 'ConcurrentDeliveryError'
  }
}

export interface WriteResult {
  stored: number
  duplicates: number
  events: number
  ticketsOpened: number
}

/**
 * Turns a batch of classified mentions into tickets in ONE transaction: mentions inserted
 * idempotently (a redelivered one is a no-op), each new mention triaged against its tenant's
 * policy and applied to its conversation's ticket (opened, joined or reopened, row-locked),
 * schedules written, and tickets.v1 events appended to the outbox with contiguous sequences.
 * The caller commits the Kafka offset only after this resolves.
 */
export function createTicketWriter (options: TicketWriterOptions) {
  const repo = createTicketRepository()
  const now = options.now ?? (() => new Date())
  const reopenWindowMs = options.reopenWindowMs ?? 72 * 60 * 60 * 1000
  const countLimits = new WeakMap<Policy, number>()
  const countLimitOf = (policy: Policy): number => {
    let limit = countLimits.get(policy)
    if (limit === undefined) countLimits.set(policy, limit = queueCountLimit(policy))
    return limit
  }

  async function writeBatch (mentions: ClassifiedMention[]): Promise<WriteResult> {
    const at = now()
    return await withTransaction(options.pool, async (tx) => {
      // Redelivered mentions are skipped here; one stored by a concurrent writer since is caught at the insert below.
      const stored = await repo.storedMentionKeys(tx, mentions)
      const seen = new Set<string>()
      const todo = mentions.filter((m) => {
        const key = `${m.tenantId}\u0000${m.id}`
        if (stored.has(key) || seen.has(key)) return false
        seen.add(key)
        return true
      })
      const result: WriteResult = { stored: todo.length, duplicates: mentions.length - todo.length, events: 0, ticketsOpened: 0 }
      if (todo.length === 0) return result

      // Set-based: a handful of statements per batch, whatever its size. The spike counters live in
      // the cache: counted while PostgreSQL answers the reads below, not after them.
      const observing = options.spikes?.observe(todo, at)
      observing?.catch(() => {}) // awaited below; this only keeps an early failure above from leaving it unhandled
      const conversations = [...new Map(todo.map((m) => [`${m.tenantId}\u0000${m.conversationId}`, { tenantId: m.tenantId, conversationId: m.conversationId }])).values()]
      const candidates = await repo.lockActiveTickets(tx, conversations, new Date(at.getTime() - reopenWindowMs))
      const active = new Map<string, TicketRow>()
      for (const ticket of candidates) {
        const key = `${ticket.tenantId}\u0000${ticket.conversationId}`
        const other = active.get(key)
        const open = (t: TicketRow): boolean => t.status !== 'resolved' && t.status !== 'closed'
        if (other === undefined || (open(ticket) && !open(other)) || (open(ticket) === open(other) && ticket.updatedAt > other.updatedAt)) active.set(key, ticket)
      }
      const mentionIds = await repo.mentionIdsOf(tx, [...active.values()].map((t) => ({ tenantId: t.tenantId, ticketId: t.id })))
      // Counted only as far as each tenant's policy compares the queue (not at all for most policies).
      const limits = new Map(todo.map((m) => [m.tenantId, countLimitOf(options.policies.policyFor(m.tenantId))]))
      const queue = await repo.openTicketCounts(tx, limits)
      const spikes = await observing
      const grouping = spikes?.grouping ?? new Map<string, string>()

      const created = new Map<string, TicketRow>()
      const changed = new Map<string, TicketRow>()
      const outbox: Array<Omit<OutboxRow, 'id'>> = []
      const schedules = new Map<string, NewSchedule[]>()
      const cancels: Array<{ tenantId: string, ticketId: string, kind: string }> = []
      const rows: MentionRow[] = []
      for (const mention of todo) {
        const conversation = `${mention.tenantId}\u0000${mention.conversationId}`
        const current = active.get(conversation)
        const queueSize = queue.get(mention.tenantId) ?? 0
        const limit = limits.get(mention.tenantId) ?? 0
        const decision = evaluate(options.policies.policyFor(mention.tenantId), {
          mention,
          ...(current === undefined
            ? {}
            : { conversation: { state: conversationState(current), priority: current.priority, tags: current.tags, ...(current.team === null ? {} : { team: current.team }) } }),
          queueSize,
          queueSizeIsLowerBound: limit > 0 && queueSize >= limit,
        }, at)
        const change = ticketChange(current, mention, decision, at)
        const { ticket } = change
        const incidentId = grouping.get(incidentGroupingKey(mention.tenantId, mention.id))
        if (incidentId !== undefined) ticket.details = { ...ticket.details, incidentId }
        const ticketKey = `${ticket.tenantId}\u0000${ticket.id}`
        if (change.isNew) {
          created.set(ticketKey, ticket)
          queue.set(mention.tenantId, (queue.get(mention.tenantId) ?? 0) + 1)
          result.ticketsOpened++
        } else if (created.has(ticketKey)) {
          created.set(ticketKey, ticket)
        } else {
          changed.set(ticketKey, ticket)
        }
        const ids = [...(mentionIds.get(ticket.id) ?? []), mention.id]
        mentionIds.set(ticket.id, ids)
        // Later mentions supersede checks scheduled by earlier ones, in this batch and before it.
        const pending = (schedules.get(ticketKey) ?? []).filter((item) => !change.cancelKinds.includes(item.kind))
        schedules.set(ticketKey, [...pending, ...change.schedules])
        if (!created.has(ticketKey)) for (const kind of change.cancelKinds) cancels.push({ tenantId: ticket.tenantId, ticketId: ticket.id, kind })
        outbox.push(...sequencedEvents(ticket, change.events, ids, at))
        result.events += change.events.length
        active.set(conversation, ticket)
        rows.push({
          tenantId: mention.tenantId, id: mention.id, conversationId: mention.conversationId, platform: mention.platform, createdAt: mention.createdAt, receivedAt: mention.receivedAt, event: mention, ticketId: ticket.id, decision,
        })
      }
      // New incidents are opened here; mentions grouped under existing ones are queued with the batch's
      // write, so the batch never waits on an incident's row (every batch of the tenant groups under it).
      const incidentMentions = await spikes?.prepare(tx)
      // Each mention is written once, already triaged (inserting first and updating after costs a second row version).
      const inserted = await repo.saveBatch(tx, {
        created: [...created.values()],
        changed: [...changed.values()],
        mentions: rows,
        cancels,
        schedules: [...schedules.values()].flat(),
        outbox,
        ...(incidentMentions === undefined ? {} : { incidentMentions }),
      })
      if (inserted.size !== rows.length) throw new ConcurrentDeliveryError(rows.length - inserted.size)
      return result
    })
  }

  return { writeBatch }
}

export type TicketWriter = ReturnType<typeof createTicketWriter>
