import type { Queryable } from '@earshot/store'
import { demoPolicies } from './policies.js'
import { demoTenants } from './tenants.js'

/** The demo brands in the tenants table with their policies; running it again changes nothing. */
export async function seedDemoTenants (db: Queryable): Promise<void> {
  await db.query(
    'INSERT INTO tenants (id, name) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (id) DO NOTHING',
    [demoTenants.map((tenant) => tenant.id), demoTenants.map((tenant) => tenant.name)]
  )
  // Version 1 of each demo policy, so the console shows what the router applies and a version
  // published there takes over (a restart never overwrites what was published).
  const policies = demoPolicies()
  await db.query(
    `INSERT INTO policy_versions (tenant_id, version, yaml, published_by, note)
     SELECT tenant_id, 1, yaml, 'earshot-demo', 'the demo policy' FROM unnest($1::text[], $2::text[]) AS p(tenant_id, yaml)
     ON CONFLICT (tenant_id, version) DO NOTHING`,
    [Object.keys(policies), Object.values(policies)]
  )
}
