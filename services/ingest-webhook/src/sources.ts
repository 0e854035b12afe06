import type { SourceDefinition } from '@earshot/ingest'
import { z } from 'zod'
import { SourceSettingsError } from './errors.js'

const numericId = z.string().regex(/^\d{1,32}$/, 'expected the numeric id as a string, e.g. "104000000000001"')

const facebookSettings = z.strictObject({ pageId: numericId })
const instagramSettings = z.strictObject({ accountId: numericId })
const webchatSettings = z.strictObject({
  secrets: z.array(z.string().min(16, 'expected a secret of at least 16 characters')).min(1, 'expected at least one secret').max(2, 'at most two secrets (old and new, during a rotation)'),
})

export interface GenericSource {
  source: SourceDefinition
  secrets: string[]
}

/** Which tenant and source each Meta account and each generic webhook belongs to. */
export interface WebhookSources {
  /** By Facebook Page id (the `entry[].id` of `object: "page"`). */
  facebookPages: ReadonlyMap<string, SourceDefinition>
  /** By Instagram professional account id (the `entry[].id` of `object: "instagram"`). */
  instagramAccounts: ReadonlyMap<string, SourceDefinition>
  /** By `<tenantId>/<sourceId>`. */
  generic: ReadonlyMap<string, GenericSource>
}

export function genericSourceKey (tenantId: string, sourceId: string): string {
  return `${tenantId}/${sourceId}`
}

function settingsOf<T> (schema: z.ZodType<T>, source: SourceDefinition, index: number): T {
  const result = schema.safeParse(source.settings)
  if (result.success) return result.data
  const lines = result.error.issues.map((issue) => `sources[${index}].settings${issue.path.map((p) => typeof p === 'number' ? `[${p}]` : `.${String(p)}`).join('')}: ${issue.message}`)
  throw new SourceSettingsError(`invalid ${source.platform} source ${source.tenantId}/${source.sourceId}:\n  ${lines.join('\n  ')}`)
}

/** Sources of other platforms are ignored, so one file can serve every ingest service. */
export function resolveWebhookSources (sources: readonly SourceDefinition[]): WebhookSources {
  const facebookPages = new Map<string, SourceDefinition>()
  const instagramAccounts = new Map<string, SourceDefinition>()
  const generic = new Map<string, GenericSource>()
  const claim = (map: Map<string, SourceDefinition>, id: string, source: SourceDefinition, index: number): void => {
    const owner = map.get(id)
    if (owner !== undefined) {
      throw new SourceSettingsError(`sources[${index}]: ${source.platform} account ${id} already belongs to ${owner.tenantId}/${owner.sourceId}; an account maps to one source`)
    }
    map.set(id, source)
  }
  for (const [index, source] of sources.entries()) {
    if (source.platform === 'facebook') claim(facebookPages, settingsOf(facebookSettings, source, index).pageId, source, index)
    else if (source.platform === 'instagram') claim(instagramAccounts, settingsOf(instagramSettings, source, index).accountId, source, index)
    else if (source.platform === 'webchat') {
      generic.set(genericSourceKey(source.tenantId, source.sourceId), { source, secrets: settingsOf(webchatSettings, source, index).secrets })
    }
  }
  return { facebookPages, instagramAccounts, generic }
}
