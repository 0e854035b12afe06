import type { Queryable } from '@earshot/store'
import { demoTenants } from './tenants.js'

/** The demo brands in the tenants table; running it again changes nothing. */
export async function seedDemoTenants (db: Queryable): Promise<void> {
  await db.query(
    'INSERT INTO tenants (id, name) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (id) DO NOTHING',
    [demoTenants.map((tenant) => tenant.id), demoTenants.map((tenant) => tenant.name)]
  )
}
