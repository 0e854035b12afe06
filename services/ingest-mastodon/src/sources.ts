import { loadSourcesFile, type SourceDefinition } from '@earshot/ingest'
import { z } from 'zod'
import { SourceSettingsError } from './errors.js'

const visibilities = ['public', 'unlisted', 'private', 'direct'] as const

const httpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}, 'expected the instance\'s http(s) base URL, e.g. https://mastodon.social')

const common = {
  instanceUrl: httpUrl,
  // The token is a secret: the sources file names the environment variable that holds it.
  accessTokenEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected the NAME of an environment variable holding the access token, e.g. MASTODON_TOKEN_ACME'),
  /** Listen on the streaming API instead of polling (mentions arrive in seconds); after every (re)connect a poll fills the gap. */
  streaming: z.boolean().default(false),
  /** Pages of past items read on the very first poll (no checkpoint yet); 0 starts from now. */
  backfillPages: z.int().min(0).max(100).default(1),
  filters: z.strictObject({
    /** Keep only these languages (statuses without a language are kept). */
    languages: z.array(z.string().min(2)).min(1).optional(),
    /** Keep only these visibilities (default: all, including direct messages to the brand). */
    visibilities: z.array(z.enum(visibilities)).min(1).optional(),
    /** Drop posts from accounts flagged as bots. */
    skipBots: z.boolean().default(false),
  }).default({ skipBots: false }),
}

export const mastodonSourceSettingsSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('notifications'), ...common }),
  z.strictObject({ kind: z.literal('hashtag'), hashtag: z.string().regex(/^[\p{L}\p{N}_]{1,100}$/u, 'expected a hashtag without "#": letters, digits and "_"'), ...common }),
])

export type MastodonSourceSettings = z.output<typeof mastodonSourceSettingsSchema>

export interface MastodonSource extends SourceDefinition {
  mastodon: MastodonSourceSettings
}

export function parseMastodonSourceSettings (settings: unknown, where: string): MastodonSourceSettings {
  const result = mastodonSourceSettingsSchema.safeParse(settings)
  if (result.success) return result.data
  const lines = result.error.issues.map((issue) => `${[where, 'settings', ...issue.path.map(String)].join('.')}: ${issue.message}`)
  throw new SourceSettingsError(`invalid Mastodon source settings:\n  ${lines.join('\n  ')}\n  expected { "kind": "notifications" | "hashtag", "instanceUrl": "https://…", "accessTokenEnv": "MASTODON_TOKEN_…", "hashtag"?: "…" }`)
}

/** The Mastodon sources of a parsed sources file, with their settings checked; other platforms are left to their services. */
export function mastodonSources (sources: SourceDefinition[]): MastodonSource[] {
  return sources.flatMap((source, index) => source.platform !== 'mastodon'
    ? []
    : [{ ...source, mastodon: parseMastodonSourceSettings(source.settings, `sources[${index}] (${source.tenantId}/${source.sourceId})`) }])
}

/** Reads the sources JSON file (once, at boot) and keeps its Mastodon sources; the message says what to fix. */
export function loadMastodonSourcesFile (path: string): MastodonSource[] {
  return mastodonSources(loadSourcesFile(path))
}
