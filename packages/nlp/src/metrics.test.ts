import { classificationReport } from './metrics.js'

test('macro recall and macro-F1 match hand-computed values', () => {
  const gold = ['a', 'a', 'a', 'b', 'b', 'c']
  const predicted = ['a', 'a', 'b', 'b', 'c', 'c']
  const report = classificationReport(['a', 'b', 'c'], gold, predicted)
  // recall a 2/3, b 1/2, c 1/1; precision a 2/2, b 1/2, c 1/2
  expect(report.macroRecall).toBeCloseTo((2 / 3 + 1 / 2 + 1) / 3, 10)
  const f1 = (p: number, r: number): number => 2 * p * r / (p + r)
  expect(report.macroF1).toBeCloseTo((f1(1, 2 / 3) + f1(1 / 2, 1 / 2) + f1(1 / 2, 1)) / 3, 10)
  expect(report.accuracy).toBeCloseTo(4 / 6, 10)
  expect(report.confusion).toEqual([[2, 1, 0], [0, 1, 1], [0, 0, 1]])
})

test('a label with no gold examples counts as zero recall in the macro average', () => {
  const report = classificationReport(['x', 'y'], ['x', 'x'], ['x', 'y'])
  expect(report.macroRecall).toBeCloseTo(0.25, 10)
  expect(report.perClass.y).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 })
})

test('rejects a label outside the label set', () => {
  expect(() => classificationReport(['x'], ['x'], ['z'])).toThrow(RangeError)
})
