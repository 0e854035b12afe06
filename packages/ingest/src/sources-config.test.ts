import { parseSourcesConfig } from './sources-config.js'

test('reads sources of several tenants with defaults', () => {
  const sources = parseSourcesConfig({
    sources: [
      { tenantId: 'acme-rail', sourceId: 'x-mentions', platform: 'x', pollInterval: '30s', settings: { userId: '783214' } },
      { tenantId: 'burger-co', sourceId: 'x-search', platform: 'x', maxGap: '2m', brandAccounts: ['@BurgerCo'] },
    ],
  })
  expect(sources).toEqual([
    expect.objectContaining({ tenantId: 'acme-rail', pollIntervalMs: 30_000, maxGapMs: 300_000, includeReposts: false, settings: { userId: '783214' } }),
    expect.objectContaining({ tenantId: 'burger-co', pollIntervalMs: 60_000, maxGapMs: 120_000, brandAccounts: ['@BurgerCo'] }),
  ])
})

test('names each invalid field with its path', () => {
  expect(() => parseSourcesConfig({ sources: [{ tenantId: 'Acme Rail', sourceId: 'x', platform: 'myspace', pollInterval: '5 parsecs' }] }))
    .toThrow(/sources\[0\]\.tenantId: expected a tenant id[\s\S]*sources\[0\]\.platform[\s\S]*sources\[0\]\.pollInterval/)
})

test('refuses a source configured twice for one tenant', () => {
  const twice = { tenantId: 'acme-rail', sourceId: 'x-mentions', platform: 'x' }
  expect(() => parseSourcesConfig({ sources: [twice, twice] })).toThrow('sources[1]: acme-rail/x-mentions is configured twice')
})
