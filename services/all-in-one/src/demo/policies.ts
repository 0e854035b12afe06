import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { demoTenants } from './tenants.js'

/** The YAML files live in src/demo/policies; this path resolves from src/demo and from dist/demo alike. */
export const demoPolicyDir = join(__dirname, '..', '..', 'src', 'demo', 'policies')

/** tenantId → policy YAML for the three demo brands. */
export function demoPolicies (dir = demoPolicyDir): Record<string, string> {
  return Object.fromEntries(demoTenants.map((tenant) => [tenant.id, readFileSync(join(dir, `${tenant.id}.yaml`), 'utf8')]))
}
