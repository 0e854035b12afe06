import { lexiconFor } from './lexicons.js'
import { createWordFilter } from './word-filter.js'

test('never turns away a word of its set, and turns away most words outside it', () => {
  const words = [...lexiconFor('es').polarity.keys()]
  const filter = createWordFilter(words)
  expect(words.every((word) => filter.mayContain(word))).toBe(true)
  const absent = Array.from({ length: 20_000 }, (_, i) => `zz${i.toString(36)}qq`)
  const letThrough = absent.filter((word) => filter.mayContain(word)).length
  expect(letThrough).toBeLessThan(absent.length / 8)
})

test('an empty set lets nothing through', () => {
  const filter = createWordFilter([])
  expect(['', 'a', 'bueno'].some((word) => filter.mayContain(word))).toBe(false)
})
