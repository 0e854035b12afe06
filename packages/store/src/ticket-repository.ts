import type { Queryable } from './pool.js'

export type TicketStatus = 'open' | 'acknowledged' | 'escalated' | 'snoozed' | 'resolved' | 'closed'
export type TicketPriority = 'low' | 'normal' | 'high' | 'critical'

export interface TicketRow {
  tenantId: string
  id: string
  conversationId: string
  platform: string
  status: TicketStatus
  priority: TicketPriority
  team: string | null
  assignee: string | null
  tags: string[]
  sla: Record<string, unknown>
  details: Record<string, unknown>
  /** Sequence of the ticket's last event; `appendEvents` continues from it. */
  lastSequence: number
  createdAt: Date
  updatedAt: Date
  closedAt: Date | null
  /** What the API's queue sorts by, kept by the router as mentions join (absent: left as stored). */
  queue?: TicketQueueFields
}

export interface TicketQueueFields {
  mentionCount: number
  /** The urgency of the ticket's most urgent mention. */
  urgencyScore: number
  urgencyLevel: string | null
}

export interface MentionRow {
  tenantId: string
  id: string
  conversationId: string
  platform: string
  createdAt: string
  receivedAt: string
  /** The whole classified event, as received. */
  event: unknown
  /** Known when the mention is triaged before it is stored (the router's writer): one write per row. */
  ticketId?: string
  decision?: unknown
}

export interface MentionAssignment {
  tenantId: string
  mentionId: string
  ticketId: string
  /** The triage decision and its explanation, kept for the API and audits. */
  decision: unknown
}

export interface OutboxRow {
  id: string
  tenantId: string
  ticketId: string
  sequence: number
  eventId: string
  messageKey: string
  payload: unknown
}

export interface ScheduleRow {
  id: string
  tenantId: string
  ticketId: string
  kind: string
  dueAt: Date
  payload: Record<string, unknown>
}

export interface NewSchedule {
  tenantId: string
  ticketId: string
  kind: string
  dueAt: Date
  payload?: Record<string, unknown>
  /** Same key, same tenant: scheduled once, however often the batch is redelivered. */
  dedupeKey: string
}

/** Builds an event for the sequence the repository assigns to it. */
export type EventBuilder = (sequence: number) => { eventId: string, messageKey: string, payload: unknown }

const CLOSED: TicketStatus[] = ['resolved', 'closed']

interface TicketRecord {
  tenant_id: string
  id: string
  conversation_id: string
  platform: string
  status: TicketStatus
  priority: TicketPriority
  team: string | null
  assignee: string | null
  tags: string[]
  sla: Record<string, unknown>
  details: Record<string, unknown>
  last_sequence: number
  created_at: Date
  updated_at: Date
  closed_at: Date | null
  mention_count?: number
  urgency_score?: number
  urgency_level?: string | null
}

function toTicket (r: TicketRecord): TicketRow {
  return {
    tenantId: r.tenant_id,
    id: r.id,
    conversationId: r.conversation_id,
    platform: r.platform,
    status: r.status,
    priority: r.priority,
    team: r.team,
    assignee: r.assignee,
    tags: r.tags,
    sla: r.sla,
    details: r.details,
    lastSequence: r.last_sequence,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    closedAt: r.closed_at,
    ...(r.mention_count === undefined ? {} : { queue: { mentionCount: r.mention_count, urgencyScore: r.urgency_score ?? 0, urgencyLevel: r.urgency_level ?? null } }),
  }
}

// Each statement below receives its rows as ONE JSON document (or a few arrays): the rows travel as
// JSON once, not as escaped strings inside a text array (pg's array escaping of large JSON cost the
// writer a sixth of its CPU). The pieces are shared by the single-purpose methods and `saveBatch`.

function mentionsDocument (rows: MentionRow[]): string {
  return JSON.stringify(rows.map((r) => ({
    tenant_id: r.tenantId,
    id: r.id,
    conversation_id: r.conversationId,
    platform: r.platform,
    created_at: r.createdAt,
    received_at: r.receivedAt,
    event: r.event,
    ticket_id: r.ticketId ?? null,
    decision: r.decision ?? null,
  })))
}

const insertMentionsSql = (document: string): string =>
  `INSERT INTO mentions (tenant_id, id, conversation_id, platform, created_at, received_at, event, ticket_id, decision)
   SELECT tenant_id, id, conversation_id, platform, created_at, received_at, event, ticket_id, decision
   FROM jsonb_to_recordset(${document}::jsonb) AS r(tenant_id text, id text, conversation_id text, platform text, created_at timestamptz,
     received_at timestamptz, event jsonb, ticket_id text, decision jsonb)
   ON CONFLICT (tenant_id, id) DO NOTHING
   RETURNING tenant_id, id`

function ticketsDocument (rows: TicketRow[]): string {
  return JSON.stringify(rows.map((t) => ({
    tenant_id: t.tenantId,
    id: t.id,
    conversation_id: t.conversationId,
    platform: t.platform,
    status: t.status,
    priority: t.priority,
    team: t.team,
    assignee: t.assignee,
    tags: t.tags,
    sla: t.sla,
    details: t.details,
    last_sequence: t.lastSequence,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
    closed_at: t.closedAt,
    mention_count: t.queue?.mentionCount ?? null,
    urgency_score: t.queue?.urgencyScore ?? null,
    urgency_level: t.queue?.urgencyLevel ?? null,
  })))
}

const ticketRecordset = (document: string): string => `jsonb_to_recordset(${document}::jsonb) AS r(tenant_id text, id text, conversation_id text, platform text,
  status text, priority text, team text, assignee text, tags jsonb, sla jsonb, details jsonb, last_sequence int, created_at timestamptz,
  updated_at timestamptz, closed_at timestamptz, mention_count int, urgency_score real, urgency_level text)`

const insertTicketsSql = (document: string): string =>
  `INSERT INTO tickets (tenant_id, id, conversation_id, platform, status, priority, team, assignee, tags, sla, details, last_sequence, created_at, updated_at, closed_at,
     mention_count, urgency_score, urgency_level)
   SELECT tenant_id, id, conversation_id, platform, status, priority, team, assignee,
     ARRAY(SELECT jsonb_array_elements_text(tags)), sla, details, last_sequence, created_at, updated_at, closed_at,
     COALESCE(mention_count, 0), COALESCE(urgency_score, 0), urgency_level
   FROM ${ticketRecordset(document)}`

const updateTicketsSql = (document: string): string =>
  `UPDATE tickets t SET status = r.status, priority = r.priority, team = r.team, assignee = r.assignee,
     tags = ARRAY(SELECT jsonb_array_elements_text(r.tags)), sla = r.sla, details = r.details, last_sequence = r.last_sequence,
     updated_at = r.updated_at, closed_at = r.closed_at, mention_count = COALESCE(r.mention_count, t.mention_count),
     urgency_score = COALESCE(r.urgency_score, t.urgency_score), urgency_level = COALESCE(r.urgency_level, t.urgency_level)
   FROM ${ticketRecordset(document)}
   WHERE t.tenant_id = r.tenant_id AND t.id = r.id`

function outboxDocument (rows: Array<Omit<OutboxRow, 'id'>>): string {
  return JSON.stringify(rows.map((r) => ({
    tenant_id: r.tenantId, ticket_id: r.ticketId, sequence: r.sequence, event_id: r.eventId, message_key: r.messageKey, payload: r.payload,
  })))
}

const insertOutboxSql = (document: string): string =>
  `INSERT INTO outbox (tenant_id, ticket_id, sequence, event_id, message_key, payload)
   SELECT tenant_id, ticket_id, sequence, event_id, message_key, payload
   FROM jsonb_to_recordset(${document}::jsonb) AS r(tenant_id text, ticket_id text, sequence int, event_id text, message_key text, payload jsonb)`

/** Parameters `$n` to `$n+5`: tenant ids, ticket ids, kinds, due times, payloads, dedupe keys (`scheduleArrays`). */
const insertSchedulesSql = (n: number): string =>
  `INSERT INTO schedules (tenant_id, ticket_id, kind, due_at, payload, dedupe_key)
   SELECT * FROM unnest($${n}::text[], $${n + 1}::text[], $${n + 2}::text[], $${n + 3}::timestamptz[], $${n + 4}::jsonb[], $${n + 5}::text[])
   ON CONFLICT (tenant_id, dedupe_key) DO NOTHING`

function scheduleArrays (items: NewSchedule[]): unknown[] {
  return [items.map((i) => i.tenantId), items.map((i) => i.ticketId), items.map((i) => i.kind), items.map((i) => i.dueAt),
    items.map((i) => JSON.stringify(i.payload ?? {})), items.map((i) => i.dedupeKey)]
}

/** What the router writes for one batch, after triaging it (see `saveBatch`). */
export interface TriagedBatch {
  created: TicketRow[]
  /** Locked tickets with their new state and last sequence. */
  changed: TicketRow[]
  mentions: MentionRow[]
  /** Pending schedules of these kinds are cancelled (superseded by later mentions). */
  cancels: Array<{ tenantId: string, ticketId: string, kind: string }>
  schedules: NewSchedule[]
  /** Events with sequences assigned under the tickets' locks. */
  outbox: Array<Omit<OutboxRow, 'id'>>
  /** Mentions grouped under incidents that exist, for the incident folder (`takeIncidentMentions`). */
  incidentMentions?: IncidentMention[]
}

/** A mention grouped under an incident, not yet added to the incident ticket. */
export interface IncidentMention {
  tenantId: string
  incidentId: string
  mentionId: string
  /** The spike detector's verdict for the batch that grouped it. */
  verdict: Record<string, unknown>
  groupedAt: Date
}

function incidentMentionsDocument (rows: IncidentMention[]): string {
  return JSON.stringify(rows.map((r) => ({ tenant_id: r.tenantId, incident_id: r.incidentId, mention_id: r.mentionId, verdict: r.verdict, grouped_at: r.groupedAt })))
}

/**
 * Tickets, their mentions, the outbox and schedules. Methods take the client of the caller's
 * transaction: the router writes a whole batch (mentions, tickets, events, schedules) atomically.
 * Every ticket and mention query is scoped by tenant; the outbox relay and the scheduler work
 * across tenants by design and carry the tenant on every row.
 */
export function createTicketRepository () {
  return {
    /** Inserts mentions not stored yet; returns the ids that were new (a redelivery inserts nothing). */
    async insertNewMentions (q: Queryable, rows: MentionRow[]): Promise<Set<string>> {
      if (rows.length === 0) return new Set()
      const { rows: inserted } = await q.query<{ tenant_id: string, id: string }>(insertMentionsSql('$1'), [mentionsDocument(rows)])
      return new Set(inserted.map((r) => `${r.tenant_id}\u0000${r.id}`))
    },

    /** Which of these mentions are stored already, as `tenantId\u0000id` keys. */
    async storedMentionKeys (q: Queryable, mentions: Array<{ tenantId: string, id: string }>): Promise<Set<string>> {
      if (mentions.length === 0) return new Set()
      const { rows } = await q.query<{ tenant_id: string, id: string }>(
        'SELECT m.tenant_id, m.id FROM mentions m JOIN unnest($1::text[], $2::text[]) AS k(tenant_id, id) ON m.tenant_id = k.tenant_id AND m.id = k.id',
        [mentions.map((m) => m.tenantId), mentions.map((m) => m.id)])
      return new Set(rows.map((r) => `${r.tenant_id}\u0000${r.id}`))
    },

    async assignMentions (q: Queryable, assignments: MentionAssignment[]): Promise<void> {
      if (assignments.length === 0) return
      await q.query(
        `UPDATE mentions m SET ticket_id = a.ticket_id, decision = a.decision
         FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) AS a(tenant_id, id, ticket_id, decision)
         WHERE m.tenant_id = a.tenant_id AND m.id = a.id`,
        [assignments.map((a) => a.tenantId), assignments.map((a) => a.mentionId), assignments.map((a) => a.ticketId),
          assignments.map((a) => JSON.stringify(a.decision))])
    },

    /**
     * Open tickets per tenant (the brand queue size, for overspill rules), each counted only up to its
     * limit: a busy tenant's whole queue is not counted again for every batch. Limit 0: not counted.
     */
    async openTicketCounts (q: Queryable, limits: ReadonlyMap<string, number>): Promise<Map<string, number>> {
      const wanted = [...limits].filter(([, limit]) => limit > 0)
      if (wanted.length === 0) return new Map()
      const { rows } = await q.query<{ tenant_id: string, open: string }>(
        `SELECT c.tenant_id, (SELECT count(*) FROM (SELECT 1 FROM tickets t
           WHERE t.tenant_id = c.tenant_id AND t.status <> ALL($3::text[]) LIMIT c.cap) open_tickets) AS open
         FROM unnest($1::text[], $2::int[]) AS c(tenant_id, cap)`, [wanted.map(([tenantId]) => tenantId), wanted.map(([, limit]) => limit), CLOSED])
      return new Map(rows.map((r) => [r.tenant_id, Number(r.open)]))
    },

    async cancelSchedulesOfKind (q: Queryable, tenantId: string, ticketId: string, kinds: string[]): Promise<number> {
      const { rowCount } = await q.query(
        'UPDATE schedules SET state = \'cancelled\' WHERE tenant_id = $1 AND ticket_id = $2 AND kind = ANY($3::text[]) AND state = \'pending\'',
        [tenantId, ticketId, kinds])
      return rowCount ?? 0
    },

    /**
     * The conversation's open ticket, else its latest ticket closed since `reopenSince` (to be
     * reopened), locked for this transaction so its events get contiguous sequences.
     */
    async lockActiveTicket (q: Queryable, tenantId: string, conversationId: string, reopenSince: Date): Promise<TicketRow | undefined> {
      const { rows } = await q.query<TicketRecord>(
        `SELECT * FROM tickets
         WHERE tenant_id = $1 AND conversation_id = $2
           AND (status <> ALL($3::text[]) OR closed_at >= $4)
         ORDER BY (status <> ALL($3::text[])) DESC, updated_at DESC
         LIMIT 1
         FOR UPDATE`,
        [tenantId, conversationId, CLOSED, reopenSince])
      return rows[0] === undefined ? undefined : toTicket(rows[0])
    },

    /**
     * For many conversations at once: every ticket that is open, or closed since `reopenSince`,
     * locked for this transaction. The caller picks per conversation (open first, else the latest).
     */
    async lockActiveTickets (q: Queryable, conversations: Array<{ tenantId: string, conversationId: string }>, reopenSince: Date): Promise<TicketRow[]> {
      if (conversations.length === 0) return []
      const { rows } = await q.query<TicketRecord>(
        `SELECT t.* FROM tickets t
         JOIN unnest($1::text[], $2::text[]) AS c(tenant_id, conversation_id)
           ON t.tenant_id = c.tenant_id AND t.conversation_id = c.conversation_id
         WHERE t.status <> ALL($3::text[]) OR t.closed_at >= $4
         ORDER BY t.tenant_id, t.id
         FOR UPDATE OF t`,
        [conversations.map((c) => c.tenantId), conversations.map((c) => c.conversationId), CLOSED, reopenSince])
      return rows.map(toTicket)
    },

    /** These tickets (those that exist), locked for this transaction in key order, so concurrent callers cannot deadlock on them. */
    async lockTickets (q: Queryable, keys: Array<{ tenantId: string, ticketId: string }>): Promise<TicketRow[]> {
      if (keys.length === 0) return []
      const { rows } = await q.query<TicketRecord>(
        `SELECT t.* FROM tickets t
         JOIN unnest($1::text[], $2::text[]) AS k(tenant_id, id) ON t.tenant_id = k.tenant_id AND t.id = k.id
         ORDER BY t.tenant_id, t.id
         FOR UPDATE OF t`,
        [keys.map((k) => k.tenantId), keys.map((k) => k.ticketId)])
      return rows.map(toTicket)
    },

    /** Inserts new tickets and writes changed ones (including last_sequence) in two statements. */
    /** Inserts new tickets and writes changed ones (including last_sequence) in two statements. */
    async saveTickets (q: Queryable, created: TicketRow[], changed: TicketRow[]): Promise<void> {
      if (created.length > 0) await q.query(insertTicketsSql('$1'), [ticketsDocument(created)])
      if (changed.length > 0) await q.query(updateTicketsSql('$1'), [ticketsDocument(changed)])
    },

    /**
     * Writes a triaged batch in ONE statement (data-modifying CTEs: one round trip instead of six):
     * its mentions (those not stored yet), new and changed tickets, schedules cancelled and added,
     * events, and mentions grouped under incidents. The parts touch different rows and see one
     * snapshot, which is what they need: the cancel reaches only schedules that were pending before,
     * never those added here. Returns the mentions that were new, as `tenantId\u0000id` keys; the
     * caller rolls back when one was stored meanwhile.
     */
    async saveBatch (q: Queryable, batch: TriagedBatch): Promise<Set<string>> {
      const { rows } = await q.query<{ tenant_id: string, id: string }>(
        `WITH new_mentions AS (${insertMentionsSql('$1')}),
         new_tickets AS (${insertTicketsSql('$2')}),
         changed_tickets AS (${updateTicketsSql('$3')}),
         cancelled AS (
           UPDATE schedules s SET state = 'cancelled'
           FROM unnest($4::text[], $5::text[], $6::text[]) AS c(tenant_id, ticket_id, kind)
           WHERE s.tenant_id = c.tenant_id AND s.ticket_id = c.ticket_id AND s.kind = c.kind AND s.state = 'pending'),
         scheduled AS (${insertSchedulesSql(7)}),
         events AS (${insertOutboxSql('$13')}),
         grouped AS (
           INSERT INTO incident_mentions (tenant_id, incident_id, mention_id, verdict, grouped_at)
           SELECT tenant_id, incident_id, mention_id, verdict, grouped_at
           FROM jsonb_to_recordset($14::jsonb) AS r(tenant_id text, incident_id text, mention_id text, verdict jsonb, grouped_at timestamptz))
         SELECT tenant_id, id FROM new_mentions`,
        [mentionsDocument(batch.mentions), ticketsDocument(batch.created), ticketsDocument(batch.changed),
          batch.cancels.map((c) => c.tenantId), batch.cancels.map((c) => c.ticketId), batch.cancels.map((c) => c.kind),
          ...scheduleArrays(batch.schedules), outboxDocument(batch.outbox), incidentMentionsDocument(batch.incidentMentions ?? [])])
      return new Set(rows.map((r) => `${r.tenant_id}\u0000${r.id}`))
    },

    /** Mention ids per ticket, oldest first. */
    async mentionIdsOf (q: Queryable, tickets: Array<{ tenantId: string, ticketId: string }>): Promise<Map<string, string[]>> {
      if (tickets.length === 0) return new Map()
      const { rows } = await q.query<{ ticket_id: string, ids: string[] }>(
        `SELECT m.ticket_id, array_agg(m.id ORDER BY m.created_at, m.id) AS ids FROM mentions m
         JOIN unnest($1::text[], $2::text[]) AS t(tenant_id, ticket_id) ON m.tenant_id = t.tenant_id AND m.ticket_id = t.ticket_id
         GROUP BY m.ticket_id`, [tickets.map((t) => t.tenantId), tickets.map((t) => t.ticketId)])
      return new Map(rows.map((r) => [r.ticket_id, r.ids]))
    },

    async getTicket (q: Queryable, tenantId: string, ticketId: string, options: { lock?: boolean } = {}): Promise<TicketRow | undefined> {
      const { rows } = await q.query<TicketRecord>(
        `SELECT * FROM tickets WHERE tenant_id = $1 AND id = $2${options.lock === true ? ' FOR UPDATE' : ''}`, [tenantId, ticketId])
      return rows[0] === undefined ? undefined : toTicket(rows[0])
    },

    async insertTicket (q: Queryable, t: TicketRow): Promise<void> {
      await q.query(
        `INSERT INTO tickets (tenant_id, id, conversation_id, platform, status, priority, team, assignee, tags, sla, details, last_sequence, created_at, updated_at, closed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [t.tenantId, t.id, t.conversationId, t.platform, t.status, t.priority, t.team, t.assignee, t.tags, JSON.stringify(t.sla),
          JSON.stringify(t.details), t.lastSequence, t.createdAt, t.updatedAt, t.closedAt])
    },

    /**
     * Inserts unless a ticket with the same id exists (another transaction's insert is waited for);
     * false when it existed. For deterministic ids that concurrent writers may both create.
     */
    async insertTicketIfAbsent (q: Queryable, t: TicketRow): Promise<boolean> {
      const result = await q.query(
        `INSERT INTO tickets (tenant_id, id, conversation_id, platform, status, priority, team, assignee, tags, sla, details, last_sequence, created_at, updated_at, closed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (tenant_id, id) DO NOTHING`,
        [t.tenantId, t.id, t.conversationId, t.platform, t.status, t.priority, t.team, t.assignee, t.tags, JSON.stringify(t.sla),
          JSON.stringify(t.details), t.lastSequence, t.createdAt, t.updatedAt, t.closedAt])
      return result.rowCount === 1
    },

    /** Writes the mutable fields; `lastSequence` is owned by appendEvents. */
    async updateTicket (q: Queryable, t: TicketRow): Promise<void> {
      await q.query(
        `UPDATE tickets SET status = $3, priority = $4, team = $5, assignee = $6, tags = $7, sla = $8, details = $9, updated_at = $10, closed_at = $11
         WHERE tenant_id = $1 AND id = $2`,
        [t.tenantId, t.id, t.status, t.priority, t.team, t.assignee, t.tags, JSON.stringify(t.sla), JSON.stringify(t.details), t.updatedAt, t.closedAt])
    },

    /**
     * Appends events to the outbox with the ticket's next sequences and advances its
     * last_sequence, in the caller's transaction. The caller holds the ticket row lock
     * (lockActiveTicket, getTicket with lock, or insertTicket), so sequences stay contiguous
     * under concurrency.
     */
    async appendEvents (q: Queryable, ticket: TicketRow, events: EventBuilder[]): Promise<number> {
      if (events.length === 0) return ticket.lastSequence
      const built = events.map((build, i) => ({ sequence: ticket.lastSequence + i + 1, ...build(ticket.lastSequence + i + 1) }))
      await q.query(
        `INSERT INTO outbox (tenant_id, ticket_id, sequence, event_id, message_key, payload)
         SELECT $1, $2, * FROM unnest($3::int[], $4::text[], $5::text[], $6::jsonb[])`,
        [ticket.tenantId, ticket.id, built.map((e) => e.sequence), built.map((e) => e.eventId), built.map((e) => e.messageKey),
          built.map((e) => JSON.stringify(e.payload))])
      const last = ticket.lastSequence + events.length
      await q.query('UPDATE tickets SET last_sequence = $3 WHERE tenant_id = $1 AND id = $2', [ticket.tenantId, ticket.id, last])
      ticket.lastSequence = last
      return last
    },

    async mentionIds (q: Queryable, tenantId: string, ticketId: string, limit = 1000): Promise<string[]> {
      const { rows } = await q.query<{ id: string }>(
        'SELECT id FROM mentions WHERE tenant_id = $1 AND ticket_id = $2 ORDER BY created_at, id LIMIT $3', [tenantId, ticketId, limit])
      return rows.map((r) => r.id)
    },

    /**
     * Takes (deletes and returns) up to `limit` grouped mentions in the order they were grouped, for
     * the caller to add to their incidents in the same transaction: a rollback puts them back. SKIP
     * LOCKED: two folders take different rows, and each adds its own under the incident's row lock.
     */
    async takeIncidentMentions (q: Queryable, limit: number): Promise<IncidentMention[]> {
      const { rows } = await q.query<{ seq: string, tenant_id: string, incident_id: string, mention_id: string, verdict: Record<string, unknown>, grouped_at: Date }>(
        `DELETE FROM incident_mentions WHERE seq IN (SELECT seq FROM incident_mentions ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING seq, tenant_id, incident_id, mention_id, verdict, grouped_at`, [limit])
      // RETURNING has no order; the incident lists mentions in the order they were grouped.
      return rows.sort((x, y) => Number(BigInt(x.seq) - BigInt(y.seq)))
        .map((r) => ({ tenantId: r.tenant_id, incidentId: r.incident_id, mentionId: r.mention_id, verdict: r.verdict, groupedAt: r.grouped_at }))
    },

    /**
     * The oldest unpublished outbox rows, in id order, taken off the queue (outbox_pending) and locked
     * until the transaction ends: publish them, then commit; a rollback puts them back. With SKIP
     * LOCKED (the default) a second claimer takes the next rows instead of waiting; the relay waits
     * instead (`skipLocked: false`) so it never overtakes another and each ticket's events stay in sequence.
     */
    async claimUnsent (q: Queryable, limit: number, options: { skipLocked?: boolean } = {}): Promise<OutboxRow[]> {
      const { rows } = await q.query<{ id: string, tenant_id: string, ticket_id: string, sequence: number, event_id: string, message_key: string, payload: unknown }>(
        `WITH claimed AS (
           DELETE FROM outbox_pending WHERE id IN (
             SELECT id FROM outbox_pending ORDER BY id LIMIT $1 FOR UPDATE${options.skipLocked === false ? '' : ' SKIP LOCKED'})
           RETURNING id)
         SELECT o.id, o.tenant_id, o.ticket_id, o.sequence, o.event_id, o.message_key, o.payload
         FROM outbox o JOIN claimed c ON c.id = o.id`, [limit])
      // The join has no order; events must go out as they were written.
      return rows.sort((x, y) => Number(BigInt(x.id) - BigInt(y.id))).map((r) => ({
        id: String(r.id), tenantId: r.tenant_id, ticketId: r.ticket_id, sequence: r.sequence, eventId: r.event_id, messageKey: r.message_key, payload: r.payload,
      }))
    },

    /**
     * Retention: deletes outbox rows created before `before` that were relayed (no longer in
     * outbox_pending), looking only at the `limit` oldest rows: ids grow with time, so the rows a
     * retention period old are at the head. A row still queued is kept however old. Returns how many went.
     */
    async pruneRelayedOutbox (q: Queryable, before: Date, limit: number): Promise<number> {
      const { rows } = await q.query<{ pruned: number }>(
        `WITH head AS (SELECT id, created_at FROM outbox ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED),
         gone AS (
           DELETE FROM outbox o USING head h
           WHERE o.id = h.id AND h.created_at < $1 AND NOT EXISTS (SELECT 1 FROM outbox_pending p WHERE p.id = o.id)
           RETURNING 1)
         SELECT count(*)::int AS pruned FROM gone`, [before, limit])
      return rows[0]?.pruned ?? 0
    },

    /**
     * Retention: of the `limit` schedules after id `afterId`, deletes the fired or cancelled ones that
     * fired (or were due) before `before`; pending ones are never touched. A sweep calls it with the
     * returned `lastId` until `scanned` < `limit` (the end of the table).
     */
    async pruneSchedules (q: Queryable, before: Date, afterId: string, limit: number): Promise<{ scanned: number, pruned: number, lastId: string }> {
      const { rows } = await q.query<{ scanned: number, pruned: number, last_id: string | null }>(
        `WITH head AS (SELECT id, state, fired_at, due_at FROM schedules WHERE id > $2::bigint ORDER BY id LIMIT $3),
         gone AS (
           DELETE FROM schedules s USING head h
           WHERE s.id = h.id AND h.state <> 'pending' AND coalesce(h.fired_at, h.due_at) < $1 AND s.state <> 'pending'
           RETURNING 1)
         SELECT (SELECT count(*) FROM head)::int AS scanned, (SELECT count(*) FROM gone)::int AS pruned, (SELECT max(id) FROM head)::text AS last_id`,
        [before, afterId, limit])
      const row = rows[0]
      return { scanned: row?.scanned ?? 0, pruned: row?.pruned ?? 0, lastId: row?.last_id ?? afterId }
    },

    async schedule (q: Queryable, items: NewSchedule[]): Promise<number> {
      if (items.length === 0) return 0
      const { rowCount } = await q.query(insertSchedulesSql(1), scheduleArrays(items))
      return rowCount ?? 0
    },

    /**
     * Claims due schedules and marks them fired in one statement. Inside the caller's transaction,
     * so if firing fails the rollback returns them to pending; SKIP LOCKED lets several router
     * replicas claim at once without ever firing one twice.
     */
    async claimDue (q: Queryable, now: Date, limit: number, options: { skipLocked?: boolean } = {}): Promise<ScheduleRow[]> {
      const { rows } = await q.query<{ id: string, tenant_id: string, ticket_id: string, kind: string, due_at: Date, payload: Record<string, unknown> }>(
        `UPDATE schedules s SET state = 'fired', fired_at = $1
         WHERE s.id IN (
           SELECT id FROM schedules WHERE state = 'pending' AND due_at <= $1
           ORDER BY due_at, id LIMIT $2 FOR UPDATE${options.skipLocked === false ? '' : ' SKIP LOCKED'})
         RETURNING s.id, s.tenant_id, s.ticket_id, s.kind, s.due_at, s.payload`, [now, limit])
      return rows.map((r) => ({ id: String(r.id), tenantId: r.tenant_id, ticketId: r.ticket_id, kind: r.kind, dueAt: r.due_at, payload: r.payload }))
    },
  }
}

export type TicketRepository = ReturnType<typeof createTicketRepository>
