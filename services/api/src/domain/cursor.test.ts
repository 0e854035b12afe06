import { decodeCursor, encodeCursor } from './cursor.js'

test('a cursor decodes to the sort key it was made from', () => {
  const cursor = encodeCursor([1, 87.5, null, 'acme', 'tkt_1'])
  expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
  expect(decodeCursor(cursor, ['number', 'number', 'string|null', 'string', 'string'])).toEqual([1, 87.5, null, 'acme', 'tkt_1'])
})

test('a tampered or foreign cursor is refused', () => {
  expect(decodeCursor('not-a-cursor', ['number'])).toBeUndefined()
  expect(decodeCursor(encodeCursor(['x']), ['number'])).toBeUndefined()
  expect(decodeCursor(encodeCursor([1, 2]), ['number'])).toBeUndefined()
})
