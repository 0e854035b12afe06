import { intentMetrics } from './evaluate.js'
import { splitOf } from './labelled-mentions.js'

test('intent metrics score each label as its own binary decision and macro-average all nine labels', () => {
  const metrics = intentMetrics([['complaint', 'question'], ['praise'], ['other']], [['complaint'], ['praise', 'question'], ['other']])
  expect(metrics.perLabel.complaint).toEqual({ precision: 1, recall: 1, f1: 1, support: 1 })
  expect(metrics.perLabel.question).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 })
  expect(metrics.perLabel.praise.f1).toBe(1)
  expect(metrics.macroF1).toBeCloseTo(3 / 9)
})

test('the train/held-out split depends on the id alone and holds out about a quarter', () => {
  expect(splitOf('x:123')).toBe(splitOf('x:123'))
  const ids = Array.from({ length: 4000 }, (_, i) => `x:${i}`)
  const heldout = ids.filter((id) => splitOf(id) === 'heldout').length / ids.length
  expect(heldout).toBeGreaterThan(0.22)
  expect(heldout).toBeLessThan(0.28)
})
