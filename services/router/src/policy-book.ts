import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadPolicy, type Policy } from '@earshot/triage'

/**
 * Used for a tenant that has no policy yet: every mention opens or joins a ticket at its urgency,
 * the brand covers all hours, and the SLA clock runs on calendar time.
 */
export const defaultPolicyYaml = `version: 1
timezone: UTC
business_hours: { mon-sun: "00:00-24:00" }
coverage: { in_hours: brand, out_of_hours: brand }
slas:
  clock: calendar
  critical: { first_response: 15m }
  high: { first_response: 1h }
  normal: { first_response: 4h }
  low: { first_response: 1d }
rules: []
`

export interface PolicyBook {
  policyFor: (tenantId: string) => Policy
  tenants: () => string[]
}

/** Policies per tenant, from YAML text (tests, the API's stored versions) or a folder of `<tenantId>.yaml`. */
export function createPolicyBook (policies: Record<string, string> = {}): PolicyBook {
  const fallback = loadPolicy(defaultPolicyYaml, { source: 'default-policy.yaml' })
  const byTenant = new Map(Object.entries(policies).map(([tenantId, yaml]) => [tenantId, loadPolicy(yaml, { source: `${tenantId}.yaml` })]))
  return {
    policyFor: (tenantId) => byTenant.get(tenantId) ?? fallback,
    tenants: () => [...byTenant.keys()],
  }
}

export function loadPolicyDirectory (dir: string): PolicyBook {
  const files = readdirSync(dir).filter((file) => file.endsWith('.yaml') || file.endsWith('.yml'))
  return createPolicyBook(Object.fromEntries(files.map((file) => [file.replace(/\.ya?ml$/, ''), readFileSync(join(dir, file), 'utf8')])))
}
