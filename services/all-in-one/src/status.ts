import type { Pool } from '@earshot/store'

export interface TicketCount {
  tenantId: string
  priority: string
  /** The acknowledgement the policy chose: auto, suggest or none. */
  acknowledgement: string
  count: number
}

export interface StoreStatus {
  mentions: number
  tickets: number
  incidents: number
  breakdown: TicketCount[]
}

/** Counts for /v1/status: tickets by tenant, priority and acknowledgement mode; incident tickets apart. */
export async function storeStatus (pool: Pool): Promise<StoreStatus> {
  // One statement, so the mention count and the tickets come from the same snapshot.
  const rows = await pool.query<{ mentions: string, tenant_id: string | null, priority: string | null, acknowledgement: string | null, incident: boolean | null, count: string }>(`
    WITH counts AS (
      SELECT tenant_id, priority,
             COALESCE(details->'acknowledgement'->>'mode', 'none') AS acknowledgement,
             COALESCE(details->>'kind', '') = 'incident' AS incident,
             count(*) AS count
        FROM tickets GROUP BY 1, 2, 3, 4
    )
    SELECT (SELECT count(*) FROM mentions) AS mentions, c.*
      FROM (SELECT 1) AS one LEFT JOIN counts c ON true
     ORDER BY c.tenant_id, c.priority, c.acknowledgement`)
  const breakdown: TicketCount[] = []
  let tickets = 0
  let incidents = 0
  for (const row of rows.rows) {
    if (row.tenant_id === null || row.priority === null || row.acknowledgement === null) continue
    const count = Number(row.count)
    if (row.incident) {
      incidents += count
      continue
    }
    tickets += count
    breakdown.push({ tenantId: row.tenant_id, priority: row.priority, acknowledgement: row.acknowledgement, count })
  }
  return { mentions: Number(rows.rows[0]?.mentions ?? 0), tickets, incidents, breakdown }
}

export interface RecentTicket {
  tenantId: string
  id: string
  status: string
  priority: string
  team: string | null
  tags: string[]
  text: string
  createdAt: string
}

/** The newest tickets with the text of their first mention, for the minimal console. */
export async function recentTickets (pool: Pool, limit: number): Promise<RecentTicket[]> {
  const result = await pool.query<{ tenant_id: string, id: string, status: string, priority: string, team: string | null, tags: string[], text: string | null, created_at: Date }>(`
    SELECT t.tenant_id, t.id, t.status, t.priority, t.team, t.tags, t.created_at,
           (SELECT m.event->>'text' FROM mentions m WHERE m.tenant_id = t.tenant_id AND m.ticket_id = t.id ORDER BY m.created_at LIMIT 1) AS text
      FROM tickets t ORDER BY t.created_at DESC, t.id LIMIT $1`, [limit])
  return result.rows.map((row) => ({
    tenantId: row.tenant_id, id: row.id, status: row.status, priority: row.priority, team: row.team, tags: row.tags, text: row.text ?? '', createdAt: row.created_at.toISOString(),
  }))
}
