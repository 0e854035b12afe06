import { parseSourcesConfig } from '@earshot/ingest'
import { SourceSettingsError } from './errors.js'
import { resolveWebhookSources } from './sources.js'

const secret = 'a-secret-of-enough-length'

test('maps pages, Instagram accounts and generic sources to their tenants, ignoring other platforms', () => {
  const sources = resolveWebhookSources(parseSourcesConfig({
    sources: [
      { tenantId: 'acme-rail', sourceId: 'fb', platform: 'facebook', settings: { pageId: '104' } },
      { tenantId: 'acme-rail', sourceId: 'ig', platform: 'instagram', settings: { accountId: '178' } },
      { tenantId: 'bolt-bus', sourceId: 'chat', platform: 'webchat', settings: { secrets: [secret] } },
      { tenantId: 'bolt-bus', sourceId: 'x', platform: 'x', settings: { kind: 'mentions', userId: '1' } },
    ],
  }))
  expect(sources.facebookPages.get('104')).toMatchObject({ tenantId: 'acme-rail', sourceId: 'fb' })
  expect(sources.instagramAccounts.get('178')).toMatchObject({ tenantId: 'acme-rail', sourceId: 'ig' })
  expect(sources.generic.get('bolt-bus/chat')).toMatchObject({ secrets: [secret], source: { platform: 'webchat' } })
  expect(sources.generic.size).toBe(1)
})

test.each([
  ['a page id that is not numeric', { tenantId: 'acme-rail', sourceId: 'fb', platform: 'facebook', settings: { pageId: 'acme' } }, /sources\[0\]\.settings\.pageId: expected the numeric id/],
  ['no secrets', { tenantId: 'acme-rail', sourceId: 'chat', platform: 'webchat', settings: { secrets: [] } }, /sources\[0\]\.settings\.secrets: expected at least one secret/],
  ['a short secret', { tenantId: 'acme-rail', sourceId: 'chat', platform: 'webchat', settings: { secrets: ['short'] } }, /sources\[0\]\.settings\.secrets\[0\]: expected a secret of at least 16 characters/],
])('refuses %s, naming the field', (_case, source, message) => {
  expect(() => resolveWebhookSources(parseSourcesConfig({ sources: [source] }))).toThrow(message)
})

test('refuses one page mapped to two tenants', () => {
  const page = { platform: 'facebook', settings: { pageId: '104' } }
  expect(() => resolveWebhookSources(parseSourcesConfig({ sources: [{ tenantId: 'acme-rail', sourceId: 'fb', ...page }, { tenantId: 'bolt-bus', sourceId: 'fb', ...page }] })))
    .toThrow(new SourceSettingsError('sources[1]: facebook account 104 already belongs to acme-rail/fb; an account maps to one source'))
})
