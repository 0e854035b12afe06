import type { Pool, Queryable } from '@earshot/store'

export interface AuditEntry {
  id: string
  tenantId: string
  ticketId: string | null
  actorKind: 'user' | 'api_key' | 'system'
  actorId: string
  action: string
  details: Record<string, unknown>
  at: Date
}

export function createAuditRepository (pool: Pool) {
  return {
    async append (tenantId: string, entry: Omit<AuditEntry, 'id' | 'tenantId'>, q: Queryable = pool): Promise<void> {
      await q.query('INSERT INTO audit_log (tenant_id, ticket_id, actor_kind, actor_id, action, details, at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [tenantId, entry.ticketId, entry.actorKind, entry.actorId, entry.action, JSON.stringify(entry.details), entry.at])
    },

    /** Newest first; `before` is the id of the last entry of the previous page. */
    async list (tenantId: string, options: { ticketId?: string, before?: string, limit: number }): Promise<AuditEntry[]> {
      const { rows } = await pool.query<{ id: string, tenant_id: string, ticket_id: string | null, actor_kind: AuditEntry['actorKind'], actor_id: string, action: string, details: Record<string, unknown>, at: Date }>(
        `SELECT id, tenant_id, ticket_id, actor_kind, actor_id, action, details, at FROM audit_log
         WHERE tenant_id = $1 AND ($2::text IS NULL OR ticket_id = $2) AND ($3::bigint IS NULL OR id < $3)
         ORDER BY id DESC LIMIT $4`, [tenantId, options.ticketId ?? null, options.before ?? null, options.limit])
      return rows.map((r) => ({ id: String(r.id), tenantId: r.tenant_id, ticketId: r.ticket_id, actorKind: r.actor_kind, actorId: r.actor_id, action: r.action, details: r.details, at: r.at }))
    },
  }
}

export type AuditRepository = ReturnType<typeof createAuditRepository>
