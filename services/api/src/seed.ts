import type { Pool } from '@earshot/store'
import type { ApiKeyRole, UserRole } from './auth/roles.js'
import { hashPassword, newApiKey, sha256 } from './auth/secrets.js'
import { createAccountRepository } from './repositories/accounts.js'

/** Creates (or updates, by email) a user with these grants, replacing earlier grants; returns the user id. */
export async function seedUser (pool: Pool, user: { email: string, password: string, name: string, grants: Array<{ tenantId: string, role: UserRole }> }): Promise<string> {
  const accounts = createAccountRepository(pool)
  return await accounts.upsertUser({ email: user.email, name: user.name, passwordHash: await hashPassword(user.password) }, user.grants)
}

/** Creates an API key for one tenant; the returned `token` (esk_<id>_<secret>) is shown once and stored only hashed. */
export async function createApiKey (pool: Pool, key: { tenantId: string, role: ApiKeyRole, name: string }): Promise<{ id: string, token: string, prefix: string }> {
  const accounts = createAccountRepository(pool)
  const created = newApiKey()
  await accounts.insertApiKey(key.tenantId, { id: created.id, name: key.name, role: key.role, secretHash: sha256(created.secret), prefix: created.prefix })
  return { id: created.id, token: created.token, prefix: created.prefix }
}
