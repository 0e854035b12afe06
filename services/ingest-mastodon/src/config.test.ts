import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, parseConfig } from '@earshot/config'
import { configSchema, loadSourcesOrExit, readAccessTokens } from './config.js'
import { mastodonSources } from './sources.js'

const required = {
  KAFKA_BROKERS: 'localhost:9092',
  REDIS_URL: 'redis://localhost:6379',
  INGEST_SOURCES_FILE: './sources.json',
}

function sourcesFile (sources: unknown[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'ingest-mastodon-config-')), 'sources.json')
  writeFileSync(path, JSON.stringify({ sources }))
  return path
}

const acme = {
  tenantId: 'acme-rail',
  sourceId: 'mastodon-mentions',
  platform: 'mastodon',
  settings: { kind: 'notifications', instanceUrl: 'https://mastodon.social', accessTokenEnv: 'MASTODON_TOKEN_ACME' },
}
const burger = {
  tenantId: 'burger-co',
  sourceId: 'mastodon-tag',
  platform: 'mastodon',
  settings: { kind: 'hashtag', hashtag: 'burgerco', instanceUrl: 'https://fosstodon.org', accessTokenEnv: 'MASTODON_TOKEN_BURGER' },
}

test('defaults everything but connections and the sources file', () => {
  expect(parseConfig(configSchema, required)).toMatchObject({
    KAFKA_CLIENT_ID: 'earshot-ingest-mastodon',
    MASTODON_REQUEST_TIMEOUT: 15_000,
    MASTODON_PAGE_LIMIT: 80,
    MASTODON_MAX_PAGES_PER_POLL: 50,
    INGEST_DEDUPE_TTL: 7 * 24 * 60 * 60_000,
  })
})

test('says what to set when the sources file is missing, and rejects a page size Mastodon does not allow', () => {
  expect(() => parseConfig(configSchema, { ...required, INGEST_SOURCES_FILE: undefined, MASTODON_PAGE_LIMIT: '200' }))
    .toThrow(/MASTODON_PAGE_LIMIT: expected a whole number from 1 to 80[\s\S]*INGEST_SOURCES_FILE: required — set it to the path of the sources JSON file/)
})

test('each source\'s token comes from the variable it names; tenants on different instances get their own', () => {
  const sources = mastodonSources([acme, burger].map((s) => ({ ...s, pollIntervalMs: 1000, maxGapMs: 60_000, platform: 'mastodon' as const })))
  const tokens = readAccessTokens(sources, { MASTODON_TOKEN_ACME: 'acme-secret', MASTODON_TOKEN_BURGER: ' burger-secret ' })
  expect([...tokens]).toEqual([['acme-rail/mastodon-mentions', 'acme-secret'], ['burger-co/mastodon-tag', 'burger-secret']])
})

test('a missing token names the variable, the source and the instance, and never prints other tokens', () => {
  const sources = mastodonSources([acme, burger].map((s) => ({ ...s, pollIntervalMs: 1000, maxGapMs: 60_000, platform: 'mastodon' as const })))
  let error: unknown
  try {
    readAccessTokens(sources, { MASTODON_TOKEN_ACME: 'acme-secret' })
  } catch (err) {
    error = err
  }
  expect(error).toBeInstanceOf(ConfigError)
  expect((error as ConfigError).problems).toEqual([{
    variable: 'MASTODON_TOKEN_BURGER',
    message: 'required — set it to a Mastodon access token (scope read) for burger-co/mastodon-tag on https://fosstodon.org',
  }])
  expect((error as Error).message).not.toContain('acme-secret')
})

test('at boot a missing token exits 2 with a message naming the variable, before anything connects', () => {
  const path = sourcesFile([acme])
  let written = ''
  const exit = jest.fn((code: number): never => { throw new Error(`exit ${code}`) })
  expect(() => loadSourcesOrExit(path, { env: {}, exit, stderr: { write: (text: string) => { written += text } } })).toThrow('exit 2')
  expect(exit).toHaveBeenCalledWith(2)
  expect(written).toBe('Invalid configuration: 1 problem in the environment\n' +
    '  MASTODON_TOKEN_ACME: required — set it to a Mastodon access token (scope read) for acme-rail/mastodon-mentions on https://mastodon.social\n')
})

test('at boot unusable source settings exit 2 naming the field', () => {
  const path = sourcesFile([{ ...acme, settings: { kind: 'hashtag', instanceUrl: 'ftp://x', accessTokenEnv: 'lower' } }])
  let written = ''
  const exit = jest.fn((code: number): never => { throw new Error(`exit ${code}`) })
  expect(() => loadSourcesOrExit(path, { env: {}, exit, stderr: { write: (text: string) => { written += text } } })).toThrow('exit 2')
  expect(written).toMatch(/sources\[0\] \(acme-rail\/mastodon-mentions\)\.settings\.hashtag/)
  expect(written).toMatch(/settings\.instanceUrl: expected the instance's http\(s\) base URL/)
  expect(written).toMatch(/settings\.accessTokenEnv: expected the NAME of an environment variable/)
})

test('sources of other platforms are left to their services', () => {
  const path = sourcesFile([acme, { tenantId: 'acme-rail', sourceId: 'x-mentions', platform: 'x', settings: { kind: 'mentions', userId: '1' } }])
  const { sources } = loadSourcesOrExit(path, { env: { MASTODON_TOKEN_ACME: 't' } })
  expect(sources.map((s) => s.sourceId)).toEqual(['mastodon-mentions'])
  expect(sources[0]?.mastodon).toEqual({
    kind: 'notifications', instanceUrl: 'https://mastodon.social', accessTokenEnv: 'MASTODON_TOKEN_ACME', streaming: false, backfillPages: 1, filters: { skipBots: false },
  })
})
