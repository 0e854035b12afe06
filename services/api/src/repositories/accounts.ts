import { randomBytes } from 'node:crypto'
import type { Pool, Queryable } from '@earshot/store'
import type { ApiKeyRole, UserRole } from '../auth/roles.js'

export interface UserRecord { id: string, email: string, name: string, passwordHash: string }
export interface Membership { tenantId: string, name: string, role: UserRole }
export interface ApiKeyRecord { tenantId: string, id: string, name: string, role: ApiKeyRole, secretHash: string, prefix: string, revokedAt: Date | null }

/**
 * People, their grants, sessions and API keys. Signing in and resolving a session or key come
 * before any tenant is known (they are what yields the tenants); everything tenant-owned here
 * (API keys, memberships of a tenant) takes the tenant first.
 */
export function createAccountRepository (pool: Pool) {
  return {
    async userByEmail (email: string): Promise<UserRecord | undefined> {
      const { rows } = await pool.query<{ id: string, email: string, name: string, password_hash: string }>(
        'SELECT id, email, name, password_hash FROM users WHERE lower(email) = lower($1)', [email])
      const row = rows[0]
      return row === undefined ? undefined : { id: row.id, email: row.email, name: row.name, passwordHash: row.password_hash }
    },

    async userById (id: string): Promise<Omit<UserRecord, 'passwordHash'> | undefined> {
      const { rows } = await pool.query<{ id: string, email: string, name: string }>('SELECT id, email, name FROM users WHERE id = $1', [id])
      return rows[0]
    },

    async membershipsOf (userId: string): Promise<Membership[]> {
      const { rows } = await pool.query<{ tenant_id: string, name: string | null, role: UserRole }>(
        `SELECT m.tenant_id, t.name, m.role FROM memberships m LEFT JOIN tenants t ON t.id = m.tenant_id
         WHERE m.user_id = $1 ORDER BY m.tenant_id`, [userId])
      return rows.map((r) => ({ tenantId: r.tenant_id, name: r.name ?? r.tenant_id, role: r.role }))
    },

    async tenantNames (tenantIds: string[]): Promise<Map<string, string>> {
      const { rows } = await pool.query<{ id: string, name: string }>('SELECT id, name FROM tenants WHERE id = ANY($1::text[])', [tenantIds])
      return new Map(rows.map((r) => [r.id, r.name]))
    },

    /** Creates the user, or updates name and password of the one with this email; grants replace the user's grants. */
    async upsertUser (user: { email: string, name: string, passwordHash: string }, grants: Array<{ tenantId: string, role: UserRole }>, q: Queryable = pool): Promise<string> {
      const id = `usr_${randomBytes(8).toString('hex')}`
      const { rows } = await q.query<{ id: string }>(
        `INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT ((lower(email))) DO UPDATE SET name = EXCLUDED.name, password_hash = EXCLUDED.password_hash
         RETURNING id`, [id, user.email, user.name, user.passwordHash])
      const userId = rows[0]?.id ?? id
      await q.query('DELETE FROM memberships WHERE user_id = $1', [userId])
      for (const grant of grants) {
        await q.query('INSERT INTO tenants (id, name) VALUES ($1, $1) ON CONFLICT (id) DO NOTHING', [grant.tenantId])
        await q.query('INSERT INTO memberships (user_id, tenant_id, role) VALUES ($1, $2, $3)', [userId, grant.tenantId, grant.role])
      }
      return userId
    },

    async createSession (tokenHash: string, userId: string, expiresAt: Date): Promise<void> {
      await pool.query('INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)', [tokenHash, userId, expiresAt])
    },

    /** The session's user and grants in one round trip (every console request pays for it). */
    async sessionPrincipal (tokenHash: string, now: Date): Promise<{ id: string, email: string, grants: Array<{ tenantId: string, role: UserRole }> } | undefined> {
      const { rows } = await pool.query<{ id: string, email: string, grants: Array<{ tenantId: string, role: UserRole }> | null }>(
        `SELECT u.id, u.email,
           (SELECT json_agg(json_build_object('tenantId', m.tenant_id, 'role', m.role) ORDER BY m.tenant_id) FROM memberships m WHERE m.user_id = u.id) AS grants
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > $2`, [tokenHash, now])
      const row = rows[0]
      return row === undefined ? undefined : { id: row.id, email: row.email, grants: row.grants ?? [] }
    },

    async sessionUser (tokenHash: string, now: Date): Promise<string | undefined> {
      const { rows } = await pool.query<{ user_id: string }>('SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > $2', [tokenHash, now])
      return rows[0]?.user_id
    },

    async deleteSession (tokenHash: string): Promise<void> {
      await pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash])
    },

    /** The key by its public id, for verifying a presented secret; its tenant comes with it. */
    async apiKeyById (id: string): Promise<ApiKeyRecord | undefined> {
      const { rows } = await pool.query<{ tenant_id: string, id: string, name: string, role: ApiKeyRole, secret_hash: string, prefix: string, revoked_at: Date | null }>(
        'SELECT tenant_id, id, name, role, secret_hash, prefix, revoked_at FROM api_keys WHERE id = $1', [id])
      const r = rows[0]
      return r === undefined ? undefined : { tenantId: r.tenant_id, id: r.id, name: r.name, role: r.role, secretHash: r.secret_hash, prefix: r.prefix, revokedAt: r.revoked_at }
    },

    async touchApiKey (tenantId: string, id: string, at: Date): Promise<void> {
      await pool.query('UPDATE api_keys SET last_used_at = $3 WHERE tenant_id = $1 AND id = $2', [tenantId, id, at])
    },

    async insertApiKey (tenantId: string, key: { id: string, name: string, role: ApiKeyRole, secretHash: string, prefix: string }): Promise<void> {
      await pool.query('INSERT INTO tenants (id, name) VALUES ($1, $1) ON CONFLICT (id) DO NOTHING', [tenantId])
      await pool.query('INSERT INTO api_keys (tenant_id, id, name, role, secret_hash, prefix) VALUES ($1, $2, $3, $4, $5, $6)',
        [tenantId, key.id, key.name, key.role, key.secretHash, key.prefix])
    },

    async listApiKeys (tenantId: string): Promise<Array<{ id: string, name: string, role: ApiKeyRole, prefix: string, createdAt: Date, lastUsedAt: Date | null, revokedAt: Date | null }>> {
      const { rows } = await pool.query<{ id: string, name: string, role: ApiKeyRole, prefix: string, created_at: Date, last_used_at: Date | null, revoked_at: Date | null }>(
        'SELECT id, name, role, prefix, created_at, last_used_at, revoked_at FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id', [tenantId])
      return rows.map((r) => ({ id: r.id, name: r.name, role: r.role, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }))
    },

    async revokeApiKey (tenantId: string, id: string, at: Date): Promise<boolean> {
      const { rowCount } = await pool.query('UPDATE api_keys SET revoked_at = $3 WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL', [tenantId, id, at])
      return (rowCount ?? 0) > 0
    },
  }
}

export type AccountRepository = ReturnType<typeof createAccountRepository>
