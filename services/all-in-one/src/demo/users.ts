import { seedUser } from '@earshot/api'
import type { Pool } from '@earshot/store'
import { ApiSeedError } from '../errors.js'
import { demoTenants } from './tenants.js'

/** Demo logins for the console; printed at start. Loopback-only demo data, not secrets. */
export const demoUsers = [
  { email: 'agency@earshot.demo', password: 'earshot-demo', name: 'Agency admin (all three brands)', grants: demoTenants.map((tenant) => ({ tenantId: tenant.id, role: 'agency_admin' as const })) },
  { email: 'rail@earshot.demo', password: 'earshot-demo', name: 'Northline Rail moderator', grants: [{ tenantId: 'northline-rail', role: 'moderator' as const }] },
  { email: 'viewer@earshot.demo', password: 'earshot-demo', name: 'Bunhaus viewer', grants: [{ tenantId: 'bunhaus', role: 'viewer' as const }] },
]

/** Creates or refreshes the demo users (upsert by email), so a restart keeps working logins. */
export async function seedDemoUsers (pool: Pool): Promise<void> {
  try {
    for (const user of demoUsers) await seedUser(pool, user)
  } catch (err) {
    throw new ApiSeedError('cannot create the demo users', err)
  }
}
