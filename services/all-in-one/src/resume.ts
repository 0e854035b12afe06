import type { Mention } from '@earshot/contracts'
import type { Queryable } from '@earshot/store'

/**
 * Where a restarted replay picks up: the first recorded mention PostgreSQL does not hold. The
 * stored mentions are the replay's durable position, so whatever the memory bus held when the
 * process died (published, not yet routed) is published again; the router's unique
 * (tenant, mention id) turns what was already written into no-ops.
 */
export async function firstUnstoredIndex (db: Queryable, mentions: readonly Mention[]): Promise<number> {
  if (mentions.length === 0) return 0
  const result = await db.query<{ tenant_id: string, id: string }>(
    'SELECT tenant_id, id FROM mentions WHERE (tenant_id, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
    [mentions.map((mention) => mention.tenantId), mentions.map((mention) => mention.id)]
  )
  const stored = new Set(result.rows.map((row) => `${row.tenant_id}\u0000${row.id}`))
  const index = mentions.findIndex((mention) => !stored.has(`${mention.tenantId}\u0000${mention.id}`))
  return index === -1 ? mentions.length : index
}
