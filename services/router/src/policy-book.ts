import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '@earshot/observability'
import type { Pool } from '@earshot/store'
import { defaultPolicyYaml, loadPolicy, parsePolicy, type Policy } from '@earshot/triage'

export { defaultPolicyYaml }

export interface PolicyBook {
  policyFor: (tenantId: string) => Policy
  tenants: () => string[]
}

/** Policies per tenant, from YAML text (tests, demo tenants) or a folder of `<tenantId>.yaml`; the default policy for the rest. */
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

export interface StoredPolicyBookOptions {
  pool: Pool
  /** For tenants that never published a version (files, demo policies, the default policy). */
  base: PolicyBook
  logger: Logger
  /** How often published versions are looked for; a new version applies to the batches after that. */
  refreshMs: number
}

/**
 * The versions published through the API (policy_versions) over a base book: each tenant's latest
 * version wins, re-read every `refreshMs`, so publishing or rolling back reaches every router
 * replica without a restart. A stored version that does not parse (the API validates before it
 * publishes, so only a hand edit) is logged and the tenant keeps the policy it had.
 */
export function createStoredPolicyBook ({ pool, base, logger, refreshMs }: StoredPolicyBookOptions) {
  const log = logger.child({ component: 'policy-book' })
  const stored = new Map<string, { version: number, policy: Policy }>()
  let timer: NodeJS.Timeout | undefined
  let refreshing: Promise<void> = Promise.resolve()
  let stopped = false

  async function refresh (): Promise<void> {
    const { rows } = await pool.query<{ tenant_id: string, version: number, yaml: string }>(
      'SELECT DISTINCT ON (tenant_id) tenant_id, version, yaml FROM policy_versions ORDER BY tenant_id, version DESC')
    for (const row of rows) {
      if (stored.get(row.tenant_id)?.version === row.version) continue
      const parsed = parsePolicy(row.yaml, { source: `${row.tenant_id}@v${row.version}` })
      if (!parsed.ok) {
        log.error({ tenantId: row.tenant_id, version: row.version, issues: parsed.errors.slice(0, 3) }, 'published policy version does not parse; keeping the previous policy')
        continue
      }
      const previous = stored.get(row.tenant_id)?.version
      stored.set(row.tenant_id, { version: row.version, policy: parsed.policy })
      log.info({ tenantId: row.tenant_id, version: row.version, previous }, 'policy version applied')
    }
  }

  function schedule (): void {
    if (stopped) return
    timer = setTimeout(() => {
      refreshing = refresh().catch((err: unknown) => { log.warn({ err }, 'reading published policies failed; retrying') }).finally(schedule)
    }, refreshMs)
    timer.unref()
  }

  return {
    policyFor: (tenantId: string): Policy => stored.get(tenantId)?.policy ?? base.policyFor(tenantId),
    tenants: (): string[] => [...new Set([...base.tenants(), ...stored.keys()])],
    /** The published version a tenant's mentions are triaged with (undefined: the base book's). */
    versionOf: (tenantId: string): number | undefined => stored.get(tenantId)?.version,
    refresh,
    /** Reads the published versions once (start-up fails if it cannot), then keeps them fresh. */
    async start (): Promise<void> {
      await refresh()
      schedule()
    },
    async stop (): Promise<void> {
      stopped = true
      clearTimeout(timer)
      timer = undefined
      await refreshing
    },
  }
}

export type StoredPolicyBook = ReturnType<typeof createStoredPolicyBook>
