import { z } from 'zod'
import { duration } from '@earshot/config'
import { platforms, tenantIdPattern } from '@earshot/contracts'
import { IngestError } from './errors.js'
import type { SourceConfig } from './source.js'

const sourceSchema = z.strictObject({
  tenantId: z.string().regex(tenantIdPattern, 'expected a tenant id: lower-case letters, digits and "-"'),
  sourceId: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'expected lower-case letters, digits, ".", "_" or "-"'),
  platform: z.enum(platforms),
  pollInterval: duration().optional(),
  maxGap: duration().optional(),
  includeReposts: z.boolean().optional(),
  brandAccounts: z.array(z.string().min(1)).optional(),
  /** Platform-specific: accounts, queries, feed URLs; each connector validates its own. */
  settings: z.record(z.string(), z.unknown()).optional(),
})

const sourcesSchema = z.strictObject({ sources: z.array(sourceSchema) })

export interface SourceDefinition extends SourceConfig {
  settings: Record<string, unknown>
}

const DEFAULT_POLL_INTERVAL_MS = 60_000

/**
 * Which sources (accounts, queries, feeds) belong to which tenant; one process may serve many.
 * `maxGap` defaults to five poll intervals, at least five minutes.
 */
export function parseSourcesConfig (input: unknown): SourceDefinition[] {
  const result = sourcesSchema.safeParse(input)
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `${issue.path.map((p, i) => typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`).join('') || '(root)'}: ${issue.message}`)
    throw new IngestError('INGEST_ERR_SOURCE_CONFIG', `invalid sources configuration:\n  ${lines.join('\n  ')}`)
  }
  const seen = new Set<string>()
  return result.data.sources.map((source, index) => {
    const id = `${source.tenantId}/${source.sourceId}`
    if (seen.has(id)) throw new IngestError('INGEST_ERR_SOURCE_CONFIG', `invalid sources configuration:\n  sources[${index}]: ${id} is configured twice`)
    seen.add(id)
    const pollIntervalMs = source.pollInterval ?? DEFAULT_POLL_INTERVAL_MS
    return {
      tenantId: source.tenantId,
      sourceId: source.sourceId,
      platform: source.platform,
      pollIntervalMs,
      maxGapMs: source.maxGap ?? Math.max(5 * pollIntervalMs, 5 * 60_000),
      includeReposts: source.includeReposts ?? false,
      brandAccounts: source.brandAccounts ?? [],
      settings: source.settings ?? {},
    }
  })
}
