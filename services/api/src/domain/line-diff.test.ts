import { diffLines, formatDiff } from './line-diff.js'

test('a changed line shows as removed then added, unchanged lines stay', () => {
  expect(formatDiff(diffLines('a\nb\nc', 'a\nB\nc\nd'))).toBe(' a\n-b\n+B\n c\n+d')
})

test('identical texts have no changes', () => {
  expect(diffLines('x\ny', 'x\ny').every((line) => line.op === ' ')).toBe(true)
})
