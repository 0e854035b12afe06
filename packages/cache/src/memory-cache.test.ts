import { cacheContract } from '../test/cache-contract.js'
import { createMemoryCache } from './memory-cache.js'

cacheContract('memory', (options) => createMemoryCache(options))

describe('memory cache expiry', () => {
  test('sweep drops expired claims and counters that are never read again', async () => {
    let now = 1_000_000
    const cache = createMemoryCache({ now: () => now })
    await cache.claim('t1:x:1', 100)
    await cache.claim('t1:x:2', 10_000)
    await cache.increment('t1:negative', { windowMs: 1_000, buckets: 10 })
    now += 1_100
    expect(cache.sweep()).toBe(2)
    expect(await cache.claim('t1:x:2', 10_000)).toBe(false)
    await cache.close()
  })

  test('expired entries are swept on a timer', async () => {
    jest.useFakeTimers()
    try {
      let now = 1_000_000
      const cache = createMemoryCache({ now: () => now, sweepIntervalMs: 5_000 })
      await cache.claim('t1:x:1', 100)
      now += 200
      jest.advanceTimersByTime(5_000)
      expect(cache.sweep()).toBe(0)
      await cache.close()
    } finally {
      jest.useRealTimers()
    }
  })

  test('checkpoints never expire', async () => {
    let now = 0
    const cache = createMemoryCache({ now: () => now })
    await cache.setCheckpoint('t1:x:since', '42')
    now += 365 * 24 * 3_600_000
    expect(cache.sweep()).toBe(0)
    expect(await cache.getCheckpoint('t1:x:since')).toBe('42')
    await cache.close()
  })
})
