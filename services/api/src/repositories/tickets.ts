import type { Pool, Queryable } from '@earshot/store'

export interface TicketFilter {
  id?: string
  status?: string[]
  priority?: string[]
  urgency?: string[]
  intent?: string[]
  platform?: string[]
  team?: string[]
  tag?: string[]
  assignee?: string[]
  slaDueBefore?: Date
  q?: string
}

/** The queue's sort key: priority rank (critical first), urgency score (highest first), first-response due (nearest first), tenant, id. */
export type QueueKey = [number, number, string | null, string, string]

export interface QueueRow {
  tenantId: string
  id: string
  status: string
  priority: string
  team: string | null
  assignee: string | null
  tags: string[]
  platform: string
  createdAt: Date
  updatedAt: Date
  sla: Record<string, unknown>
  details: Record<string, unknown>
  urgencyScore: number
  urgencyLevel: string | null
  mentionCount: number
  firstMention: Record<string, unknown> | null
  key: QueueKey
}

interface QueueRecord {
  tenant_id: string
  id: string
  status: string
  priority: string
  team: string | null
  assignee: string | null
  tags: string[]
  platform: string
  created_at: Date
  updated_at: Date
  sla: Record<string, unknown>
  details: Record<string, unknown>
  priority_rank: number
  urgency_score: number
  urgency_level: string | null
  mention_count: number
  due_text: string | null
  first_mention: Record<string, unknown> | null
}

// Generated and indexed in 0003_api.sql: 0 critical … 3 low.
const priorityRank = 't.priority_rank'
const dueKey = 'COALESCE(t.first_response_due_at, \'infinity\'::timestamptz)'

/** Tickets, mentions and audit rows as the API reads them; every method takes the tenant(s) first. */
export function createTicketReadRepository (pool: Pool) {
  return {
    /**
     * One page of the queue. Each tenant is read by its own index scan (tickets_queue /
     * tickets_status_queue, already in queue order, stopping after `limit` rows) and the scans are
     * merged: one scan over `tenant_id = ANY(…)` would have to sort every matching ticket.
     */
    async queue (tenantIds: string[], filter: TicketFilter, after: QueueKey | undefined, limit: number): Promise<QueueRow[]> {
      if (tenantIds.length === 0) return []
      const where: string[] = []
      const params: unknown[] = []
      const add = (sql: (p: string) => string, value: unknown): void => {
        params.push(value)
        where.push(sql(`$${params.length}`))
      }
      if (filter.id !== undefined) add((p) => `t.id = ${p}`, filter.id)
      if (filter.status !== undefined) add((p) => `t.status = ANY(${p}::text[])`, filter.status)
      if (filter.priority !== undefined) add((p) => `t.priority = ANY(${p}::text[])`, filter.priority)
      if (filter.urgency !== undefined) add((p) => `t.urgency_level = ANY(${p}::text[])`, filter.urgency)
      if (filter.platform !== undefined) add((p) => `t.platform = ANY(${p}::text[])`, filter.platform)
      if (filter.team !== undefined) add((p) => `t.team = ANY(${p}::text[])`, filter.team)
      if (filter.assignee !== undefined) add((p) => `t.assignee = ANY(${p}::text[])`, filter.assignee)
      if (filter.tag !== undefined) add((p) => `t.tags && ${p}::text[]`, filter.tag)
      if (filter.slaDueBefore !== undefined) add((p) => `t.first_response_due_at < ${p}`, filter.slaDueBefore)
      if (filter.intent !== undefined) {
        add((p) => `EXISTS (SELECT 1 FROM mentions m, jsonb_array_elements(m.event -> 'classification' -> 'intents') i
          WHERE m.tenant_id = t.tenant_id AND m.ticket_id = t.id AND i ->> 'label' = ANY(${p}::text[]))`, filter.intent)
      }
      if (filter.q !== undefined) {
        add((p) => `EXISTS (SELECT 1 FROM mentions m WHERE m.tenant_id = t.tenant_id AND m.ticket_id = t.id AND m.event ->> 'text' ILIKE ${p})`,
          `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
      }
      if (after !== undefined) {
        params.push(after[0], after[1], after[2] ?? 'infinity', after[3], after[4])
        const n = params.length
        where.push(`(${priorityRank}, -t.urgency_score, ${dueKey}, t.tenant_id, t.id) > ($${n - 4}::int, -$${n - 3}::real, $${n - 2}::timestamptz, $${n - 1}::text, $${n}::text)`)
      }
      params.push(limit)
      const limitParam = `$${params.length}`
      const order = `${priorityRank}, -t.urgency_score, ${dueKey}, t.tenant_id, t.id`
      const scans = tenantIds.map((tenantId) => {
        params.push(tenantId)
        return `(SELECT t.* FROM tickets t WHERE t.tenant_id = $${params.length}${where.map((w) => ` AND ${w}`).join('')} ORDER BY ${order} LIMIT ${limitParam})`
      })
      const { rows } = await pool.query<QueueRecord>(
        `SELECT t.tenant_id, t.id, t.status, t.priority, t.team, t.assignee, t.tags, t.platform, t.created_at, t.updated_at, t.sla, t.details,
           t.priority_rank, t.urgency_score, t.urgency_level, t.mention_count,
           t.first_response_due_at::text AS due_text, fm.event AS first_mention
         FROM (SELECT * FROM (${scans.join(' UNION ALL ')}) t ORDER BY ${order} LIMIT ${limitParam}) t
         LEFT JOIN LATERAL (SELECT jsonb_build_object(
             'text', left(m.event ->> 'text', 280),
             'author', jsonb_build_object('handle', m.event -> 'author' -> 'handle', 'name', m.event -> 'author' -> 'name'),
             'classification', jsonb_build_object('sentiment', m.event -> 'classification' -> 'sentiment', 'intents', m.event -> 'classification' -> 'intents')
           ) AS event FROM mentions m WHERE m.tenant_id = t.tenant_id AND m.ticket_id = t.id
           ORDER BY m.created_at, m.id LIMIT 1) fm ON true
         ORDER BY ${order}`, params)
      return rows.map((r) => ({
        tenantId: r.tenant_id,
        id: r.id,
        status: r.status,
        priority: r.priority,
        team: r.team,
        assignee: r.assignee,
        tags: r.tags,
        platform: r.platform,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        sla: r.sla,
        details: r.details,
        urgencyScore: Number(r.urgency_score),
        urgencyLevel: r.urgency_level,
        mentionCount: r.mention_count,
        firstMention: r.first_mention,
        key: [r.priority_rank, Number(r.urgency_score), r.due_text, r.tenant_id, r.id],
      }))
    },

    async ticketRow (tenantId: string, ticketId: string): Promise<QueueRow[]> {
      return await this.queue([tenantId], { id: ticketId }, undefined, 1)
    },

    async ticketExists (tenantId: string, ticketId: string, q: Queryable = pool): Promise<boolean> {
      const { rowCount } = await q.query('SELECT 1 FROM tickets WHERE tenant_id = $1 AND id = $2', [tenantId, ticketId])
      return (rowCount ?? 0) > 0
    },

    async mentionsOf (tenantId: string, ticketId: string): Promise<Array<{ id: string, event: Record<string, unknown>, decision: Record<string, unknown> | null }>> {
      const { rows } = await pool.query<{ id: string, event: Record<string, unknown>, decision: Record<string, unknown> | null }>(
        'SELECT id, event, decision FROM mentions WHERE tenant_id = $1 AND ticket_id = $2 ORDER BY created_at, id LIMIT 500', [tenantId, ticketId])
      return rows
    },

    async mention (tenantId: string, mentionId: string): Promise<Record<string, unknown> | undefined> {
      const { rows } = await pool.query<{ event: Record<string, unknown> }>('SELECT event FROM mentions WHERE tenant_id = $1 AND id = $2', [tenantId, mentionId])
      return rows[0]?.event
    },

    async recentMentions (tenantId: string, limit: number): Promise<Array<Record<string, unknown>>> {
      const { rows } = await pool.query<{ event: Record<string, unknown> }>(
        'SELECT event FROM mentions WHERE tenant_id = $1 ORDER BY received_at DESC, id DESC LIMIT $2', [tenantId, limit])
      return rows.map((r) => r.event)
    },
  }
}

export type TicketReadRepository = ReturnType<typeof createTicketReadRepository>
