import { createKeywordFilter } from './keyword-filter.js'

describe('per-source keyword rules', () => {
  const filter = createKeywordFilter({ include: ['acme', 'Acme Rail', 'ÉCLAIR'], exclude: ['giveaway', 'sponsored post'] })

  test('keeps text with any included word or phrase, whole words only, ignoring case', () => {
    expect(filter("Acme's app keeps crashing")).toBe('keep')
    expect(filter('Stuck on ACME   rail again')).toBe('keep')
    expect(filter('the éclair was stale')).toBe('keep')
    expect(filter('moving to Acmeville')).toBe('keyword_missing')
    expect(filter('nothing relevant')).toBe('keyword_missing')
  })

  test('exclusions win over inclusions', () => {
    expect(filter('Acme giveaway, enter now')).toBe('keyword_excluded')
    expect(filter('A Sponsored\nPost about acme')).toBe('keyword_excluded')
  })

  test('without inclusions everything not excluded is kept; regex characters are literal', () => {
    const open = createKeywordFilter({ include: [], exclude: ['c++ (beta)'] })
    expect(open('anything at all')).toBe('keep')
    expect(open('we ship c++ (beta) tomorrow')).toBe('keyword_excluded')
    expect(open('we ship c (beta)')).toBe('keep')
  })
})
