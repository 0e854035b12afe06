import { bucketRange } from './cache-arguments.js'

const clock = (): number => 0

describe('bucketRange', () => {
  test('a window of whole buckets ending on a bucket boundary spans exactly the window', () => {
    expect(bucketRange('count', { windowMs: 60_000, buckets: 60, at: 119_999 }, clock)).toMatchObject({ first: 60, last: 119 })
  })

  test('a window ending inside a bucket also counts the bucket it starts in', () => {
    expect(bucketRange('count', { windowMs: 60_000, buckets: 60, at: 120_500 }, clock)).toMatchObject({ first: 60, last: 120 })
  })

  test('buckets need not be whole milliseconds', () => {
    expect(bucketRange('count', { windowMs: 1_000, buckets: 60, at: 1_000 }, clock)).toMatchObject({ first: 0, last: 60 })
    expect(bucketRange('count', { windowMs: 1_000, buckets: 60, at: 1_016 }, clock)).toMatchObject({ first: 1, last: 60 })
  })

  test('at defaults to the clock and is rounded down to a millisecond', () => {
    expect(bucketRange('count', { windowMs: 10_000, buckets: 10 }, () => 25_700.9)).toMatchObject({ first: 15, last: 25 })
  })

  test('a counter lives one window and one bucket after its latest increment', () => {
    expect(bucketRange('increment', { windowMs: 10_000, buckets: 3, at: 0 }, clock).ttlMs).toBe(13_334)
  })

  test('times too large for exact bucket arithmetic are refused', () => {
    expect(() => bucketRange('count', { windowMs: 1_000, buckets: 1_000, at: Number.MAX_SAFE_INTEGER }, clock))
      .toThrow(expect.objectContaining({ code: 'CACHE_ERR_INVALID_ARGUMENT' }))
  })
})
