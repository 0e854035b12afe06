import { z } from 'zod'
import { ConfigError, type Env, duration, formatConfigError, int, kafkaEnv, type LoadConfigOptions, observabilityEnv, redisEnv } from '@earshot/config'
import { AppError } from '@earshot/errors'
import { loadMastodonSourcesFile, type MastodonSource } from './sources.js'

export const configSchema = z.object({
  // Kafka
  ...kafkaEnv,
  KAFKA_CLIENT_ID: z.string().default('earshot-ingest-mastodon'),
  // Redis (checkpoints, dedupe)
  ...redisEnv,
  // Observability
  ...observabilityEnv,
  // Mastodon (instance URLs and the names of the token variables are per source, in the sources file)
  // A request that has not completed by then counts as a network error (backoff and retry).
  MASTODON_REQUEST_TIMEOUT: duration().default(15_000),
  // Items per page: 80 is the notifications maximum (hashtag timelines cap at 40) and costs the fewest requests.
  MASTODON_PAGE_LIMIT: int({ min: 1, max: 80 }).default(80),
  // A poll reads at most this many pages; catch-up goes oldest first (min_id), so the rest follow next poll without a gap.
  MASTODON_MAX_PAGES_PER_POLL: int({ min: 1, max: 1000 }).default(50),
  // Ingest
  // JSON file with { "sources": [...] } (see @earshot/ingest parseSourcesConfig); only platform "mastodon" sources are read here.
  INGEST_SOURCES_FILE: z.string().min(1).describe('the path of the sources JSON file, e.g. ./sources.json'),
  // How long a published mention id is remembered for dedupe; longer than any re-read after a crash.
  INGEST_DEDUPE_TTL: duration().default(7 * 24 * 60 * 60_000),
})

export type Config = z.output<typeof configSchema>

/** Access tokens by `tenantId/sourceId`, read from the variables each source names. */
export type AccessTokens = ReadonlyMap<string, string>

export function sourceKey (source: { tenantId: string, sourceId: string }): string {
  return `${source.tenantId}/${source.sourceId}`
}

/** Reads each source's token variable; every missing one is named, with the source and instance it serves. */
export function readAccessTokens (sources: readonly MastodonSource[], env: Env = process.env): AccessTokens {
  const tokens = new Map<string, string>()
  const missing = new Map<string, string[]>()
  for (const source of sources) {
    const variable = source.mastodon.accessTokenEnv
    const value = env[variable]?.trim()
    if (value === undefined || value === '') missing.set(variable, [...(missing.get(variable) ?? []), `${sourceKey(source)} on ${source.mastodon.instanceUrl}`])
    else tokens.set(sourceKey(source), value)
  }
  if (missing.size > 0) {
    throw new ConfigError([...missing].map(([variable, users]) => ({
      variable,
      message: `required — set it to a Mastodon access token (scope read) for ${users.join(', ')}`,
    })))
  }
  return tokens
}

/** For main.ts: unusable sources or a missing token print what to fix and exit 2, before any connection opens. */
export function loadSourcesOrExit (
  path: string,
  { env = process.env, exit = process.exit, stderr = process.stderr }: LoadConfigOptions = {}
): { sources: MastodonSource[], tokens: AccessTokens } {
  try {
    const sources = loadMastodonSourcesFile(path)
    return { sources, tokens: readAccessTokens(sources, env) }
  } catch (err) {
    if (err instanceof ConfigError) stderr.write(`${formatConfigError(err)}\n`)
    else if (err instanceof AppError) stderr.write(`Invalid sources: ${err.message}\n`)
    else throw err
    exit(2)
    throw err
  }
}
