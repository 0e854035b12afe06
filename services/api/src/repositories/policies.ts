import type { Pool } from '@earshot/store'

export interface PolicyVersion { version: number, yaml: string, publishedBy: string, note: string | null, at: Date }

interface Record { version: number, yaml: string, published_by: string, note: string | null, at: Date }
const toVersion = (r: Record): PolicyVersion => ({ version: r.version, yaml: r.yaml, publishedBy: r.published_by, note: r.note, at: r.at })

export function createPolicyRepository (pool: Pool) {
  return {
    async current (tenantId: string): Promise<PolicyVersion | undefined> {
      const { rows } = await pool.query<Record>('SELECT version, yaml, published_by, note, at FROM policy_versions WHERE tenant_id = $1 ORDER BY version DESC LIMIT 1', [tenantId])
      return rows[0] === undefined ? undefined : toVersion(rows[0])
    },

    async version (tenantId: string, version: number): Promise<PolicyVersion | undefined> {
      const { rows } = await pool.query<Record>('SELECT version, yaml, published_by, note, at FROM policy_versions WHERE tenant_id = $1 AND version = $2', [tenantId, version])
      return rows[0] === undefined ? undefined : toVersion(rows[0])
    },

    async list (tenantId: string): Promise<Array<Omit<PolicyVersion, 'yaml'>>> {
      const { rows } = await pool.query<Record>('SELECT version, published_by, note, at FROM policy_versions WHERE tenant_id = $1 ORDER BY version DESC', [tenantId])
      return rows.map((r) => ({ version: r.version, publishedBy: r.published_by, note: r.note, at: r.at }))
    },

    /** The next version number; two publishers racing collide on the primary key and one gets a 23505. */
    async publish (tenantId: string, yaml: string, publishedBy: string, note: string | null, at: Date): Promise<number> {
      const { rows } = await pool.query<{ version: number }>(
        `INSERT INTO policy_versions (tenant_id, version, yaml, published_by, note, at)
         SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4, $5 FROM policy_versions WHERE tenant_id = $1
         RETURNING version`, [tenantId, yaml, publishedBy, note, at])
      return rows[0]?.version ?? 0
    },
  }
}

export type PolicyRepository = ReturnType<typeof createPolicyRepository>
