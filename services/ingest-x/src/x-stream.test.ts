import { desiredRules, diffRules, ownersOfTag, ruleTag } from './x-stream.js'

test('one rule per distinct value, tagged with every tenant/source that uses it', () => {
  const rules = desiredRules([
    { tenantId: 'acme-rail', sourceId: 'x-stream', rules: [{ value: 'acme', tag: 'brand' }, { value: 'rail strike', tag: 'industry' }] },
    { tenantId: 'burger-co', sourceId: 'x-stream', rules: [{ value: 'rail strike', tag: 'ops' }] },
  ])
  expect(rules).toEqual([
    { value: 'acme', tag: 'acme-rail/x-stream/brand' },
    { value: 'rail strike', tag: 'acme-rail/x-stream/industry burger-co/x-stream/ops' },
  ])
})

test('a tag routes to the tenants and sources it names; foreign tags route nowhere', () => {
  expect(ownersOfTag(ruleTag([{ tenantId: 'b', sourceId: 's', tag: 't' }, { tenantId: 'a', sourceId: 's', tag: 't' }])))
    .toEqual([{ tenantId: 'a', sourceId: 's' }, { tenantId: 'b', sourceId: 's' }])
  expect(ownersOfTag('brand-acme')).toEqual([])
  expect(ownersOfTag(undefined)).toEqual([])
})

test('syncing deletes stale rules (and duplicates), keeps equal ones and adds the missing', () => {
  const current = [
    { id: '1', value: 'acme', tag: 'a/s/brand' },
    { id: '2', value: 'old', tag: 'a/s/old' },
    { id: '3', value: 'acme', tag: 'a/s/brand' },
    { id: '4', value: 'delays', tag: 'a/s/renamed' },
  ]
  expect(diffRules(current, [{ value: 'acme', tag: 'a/s/brand' }, { value: 'delays', tag: 'a/s/ops' }])).toEqual({
    remove: ['2', '3', '4'],
    add: [{ value: 'delays', tag: 'a/s/ops' }],
  })
})
