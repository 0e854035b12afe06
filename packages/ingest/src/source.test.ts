import { sampleMention } from '@earshot/contracts'
import { filterReason, type SourceConfig } from './source.js'

const source: SourceConfig = { tenantId: 'acme-rail', sourceId: 'x-mentions', platform: 'x', pollIntervalMs: 1000, maxGapMs: 60_000, brandAccounts: ['@AcmeRail', '783214'] }

test.each([
  ['an ordinary mention is kept', { mention: sampleMention() }, undefined],
  ['a repost is filtered', { mention: sampleMention(), isRepost: true }, 'repost'],
  ['a post by the brand (flagged by the connector) is filtered', { mention: sampleMention({ author: { id: '1', handle: 'x', isBrand: true } }) }, 'brand_own_post'],
  ['a post by a configured brand handle, any case', { mention: sampleMention({ author: { id: '9', handle: 'acmerail' } }) }, 'brand_own_post'],
  ['a post by a configured brand account id', { mention: sampleMention({ author: { id: '783214', handle: 'other' } }) }, 'brand_own_post'],
])('%s', (_name, item, expected) => {
  expect(filterReason(source, item)).toBe(expected)
})

test('reposts are kept when the source asks for them', () => {
  expect(filterReason({ ...source, includeReposts: true }, { mention: sampleMention(), isRepost: true })).toBeUndefined()
})
