import { type Cache, type Clock } from '../src/cache.js'

export interface MakeCacheOptions {
  now?: Clock
}

/** Returns a new cache with a prefix no other cache in the run uses. */
export type MakeCache = (options?: MakeCacheOptions) => Cache | Promise<Cache>

async function waitFor (condition: () => Promise<boolean>, { timeoutMs, what }: { timeoutMs: number, what: string }): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** The behaviour every Cache adapter must show; run from each adapter's test file. */
export function cacheContract (name: string, makeCache: MakeCache): void {
  describe(`${name} cache contract`, () => {
    const opened: Cache[] = []

    async function open (options?: MakeCacheOptions): Promise<Cache> {
      const cache = await makeCache(options)
      opened.push(cache)
      return cache
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map(async (cache) => { await cache.close() }))
    })

    describe('dedupe', () => {
      test('a key is claimed once: the first claim is true, later claims are false', async () => {
        const cache = await open()
        expect(await cache.claim('t1:x:1', 60_000)).toBe(true)
        expect(await cache.claim('t1:x:1', 60_000)).toBe(false)
        expect(await cache.claim('t1:x:1', 60_000)).toBe(false)
      })

      test('a claim expires after its ttl and the key can be claimed again', async () => {
        const cache = await open()
        const ttlMs = 150
        const claimedAt = Date.now()
        expect(await cache.claim('t1:x:2', ttlMs)).toBe(true)
        expect(await cache.claim('t1:x:2', ttlMs)).toBe(false)
        await waitFor(async () => await cache.claim('t1:x:2', ttlMs), { timeoutMs: 3_000, what: 'the claim to expire' })
        expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(ttlMs - 5)
      })

      test('claimMany reports new and already seen keys in the order given', async () => {
        const cache = await open()
        await cache.claim('t1:x:b', 60_000)
        await cache.claim('t1:x:d', 60_000)
        expect(await cache.claimMany(['t1:x:a', 't1:x:b', 't1:x:c', 't1:x:d'], 60_000)).toEqual([true, false, true, false])
        expect(await cache.claimMany(['t1:x:a', 't1:x:e'], 60_000)).toEqual([false, true])
      })

      test('claimedMany tells which keys are held without claiming any', async () => {
        const cache = await open()
        await cache.claim('t1:x:held', 60_000)
        expect(await cache.claimedMany(['t1:x:held', 't1:x:free'])).toEqual([true, false])
        expect(await cache.claimedMany(['t1:x:free'])).toEqual([false])
        expect(await cache.claim('t1:x:free', 60_000)).toBe(true)
        expect(await cache.claimedMany([])).toEqual([])
      })

      test('claimedMany forgets a claim once its ttl passed', async () => {
        const cache = await open()
        await cache.claim('t1:x:short', 100)
        expect(await cache.claimedMany(['t1:x:short'])).toEqual([true])
        await waitFor(async () => !(await cache.claimedMany(['t1:x:short']))[0], { timeoutMs: 3_000, what: 'the claim to expire' })
      })

      test('claimMany claims a key repeated within one call only once', async () => {
        const cache = await open()
        expect(await cache.claimMany(['t1:x:r', 't1:x:r'], 60_000)).toEqual([true, false])
      })

      test('claimMany of no keys returns no results', async () => {
        const cache = await open()
        expect(await cache.claimMany([], 60_000)).toEqual([])
      })

      test('release makes a claimed key claimable again', async () => {
        const cache = await open()
        expect(await cache.claim('t1:x:3', 60_000)).toBe(true)
        await cache.release('t1:x:3')
        expect(await cache.claim('t1:x:3', 60_000)).toBe(true)
        expect(await cache.claim('t1:x:3', 60_000)).toBe(false)
      })

      test('releasing a key that was never claimed does nothing', async () => {
        const cache = await open()
        await expect(cache.release('t1:x:never')).resolves.toBeUndefined()
        expect(await cache.claim('t1:x:never', 60_000)).toBe(true)
      })

      test('50 concurrent claims of one key give exactly one true', async () => {
        const cache = await open()
        const results = await Promise.all(Array.from({ length: 50 }, async () => await cache.claim('t1:x:race', 60_000)))
        expect(results.filter((claimed) => claimed)).toHaveLength(1)
      })

      test('a ttl that is not a positive integer is refused', async () => {
        const cache = await open()
        await expect(cache.claim('t1:x:4', 0)).rejects.toMatchObject({ code: 'CACHE_ERR_INVALID_ARGUMENT', retriable: false })
        await expect(cache.claim('t1:x:4', 1.5)).rejects.toMatchObject({ code: 'CACHE_ERR_INVALID_ARGUMENT' })
        await expect(cache.claimMany(['t1:x:4'], -1)).rejects.toMatchObject({ code: 'CACHE_ERR_INVALID_ARGUMENT' })
        expect(await cache.claim('t1:x:4', 60_000)).toBe(true)
      })
    })

    describe('checkpoints', () => {
      test('an unknown checkpoint reads as undefined and a stored one round-trips', async () => {
        const cache = await open()
        expect(await cache.getCheckpoint('t1:x:mentions')).toBeUndefined()
        await cache.setCheckpoint('t1:x:mentions', '1790000000000000001')
        expect(await cache.getCheckpoint('t1:x:mentions')).toBe('1790000000000000001')
        await cache.setCheckpoint('t1:x:mentions', '')
        expect(await cache.getCheckpoint('t1:x:mentions')).toBe('')
      })

      test('setCheckpointIf with expected undefined creates a checkpoint only when none exists', async () => {
        const cache = await open()
        expect(await cache.setCheckpointIf('t1:feed:etag', undefined, 'W/"a"')).toBe(true)
        expect(await cache.setCheckpointIf('t1:feed:etag', undefined, 'W/"b"')).toBe(false)
        expect(await cache.getCheckpoint('t1:feed:etag')).toBe('W/"a"')
      })

      test('setCheckpointIf refuses a stale expected value and accepts the current one', async () => {
        const cache = await open()
        await cache.setCheckpoint('t1:reddit:cursor', 'c2')
        expect(await cache.setCheckpointIf('t1:reddit:cursor', 'c1', 'c3')).toBe(false)
        expect(await cache.getCheckpoint('t1:reddit:cursor')).toBe('c2')
        expect(await cache.setCheckpointIf('t1:reddit:cursor', 'c2', 'c3')).toBe(true)
        expect(await cache.getCheckpoint('t1:reddit:cursor')).toBe('c3')
      })

      test('setCheckpointIf with a value expected for a new name is refused', async () => {
        const cache = await open()
        expect(await cache.setCheckpointIf('t1:x:new', '', 'c1')).toBe(false)
        expect(await cache.getCheckpoint('t1:x:new')).toBeUndefined()
      })

      test('of two pollers moving a cursor from the same value, exactly one succeeds', async () => {
        const cache = await open()
        await cache.setCheckpoint('t1:x:since', '100')
        const results = await Promise.all(Array.from({ length: 20 }, async (_, i) =>
          await cache.setCheckpointIf('t1:x:since', '100', String(200 + i))))
        expect(results.filter((written) => written)).toHaveLength(1)
        expect(await cache.getCheckpoint('t1:x:since')).toBe(String(200 + results.indexOf(true)))
      })
    })

    describe('sliding-window counters', () => {
      const minute = { windowMs: 60_000, buckets: 60 }
      const t0 = 1_800_000_000_000

      test('increments within one window add up and count reads the same total', async () => {
        const cache = await open()
        expect(await cache.increment('t1:negative', { ...minute, at: t0 })).toBe(1)
        expect(await cache.increment('t1:negative', { ...minute, at: t0 + 1_000 })).toBe(2)
        expect(await cache.increment('t1:negative', { ...minute, at: t0 + 30_000, by: 3 })).toBe(5)
        expect(await cache.count('t1:negative', { ...minute, at: t0 + 30_000 })).toBe(5)
      })

      test('old buckets fall out as at moves beyond the window', async () => {
        const cache = await open()
        await cache.increment('t1:outage', { ...minute, at: t0 })
        await cache.increment('t1:outage', { ...minute, at: t0 + 30_000, by: 2 })
        expect(await cache.count('t1:outage', { ...minute, at: t0 + 59_999 })).toBe(3)
        // The bucket [t0, t0 + 1 s) still overlaps the window (t0, t0 + 60 s], so it counts in full.
        expect(await cache.count('t1:outage', { ...minute, at: t0 + 60_000 })).toBe(3)
        expect(await cache.count('t1:outage', { ...minute, at: t0 + 61_000 })).toBe(2)
        expect(await cache.count('t1:outage', { ...minute, at: t0 + 91_000 })).toBe(0)
      })

      test('an increment returns the count of the window ending at its at, without buckets older than the window', async () => {
        const cache = await open()
        await cache.increment('t1:spike', { ...minute, at: t0, by: 10 })
        expect(await cache.increment('t1:spike', { ...minute, at: t0 + 120_000 })).toBe(1)
        expect(await cache.count('t1:spike', { ...minute, at: t0 + 120_000 })).toBe(1)
      })

      test('windows of other sizes and bucket counts follow the same rule', async () => {
        const cache = await open()
        const tenSeconds = { windowMs: 10_000, buckets: 3 }
        await cache.increment('t1:odd', { ...tenSeconds, at: 0 })
        await cache.increment('t1:odd', { ...tenSeconds, at: 5_000 })
        expect(await cache.count('t1:odd', { ...tenSeconds, at: 9_999 })).toBe(2)
        // Buckets are [0, 3333.3), [3333.3, 6666.7), …: the first holds ms 0–3333, the second ms 3334–6666.
        expect(await cache.count('t1:odd', { ...tenSeconds, at: 13_332 })).toBe(2)
        expect(await cache.count('t1:odd', { ...tenSeconds, at: 13_333 })).toBe(1)
        expect(await cache.count('t1:odd', { ...tenSeconds, at: 16_665 })).toBe(1)
        expect(await cache.count('t1:odd', { ...tenSeconds, at: 16_666 })).toBe(0)
      })

      test('separate keys do not mix', async () => {
        const cache = await open()
        await cache.increment('t1:negative', { ...minute, at: t0, by: 4 })
        await cache.increment('t2:negative', { ...minute, at: t0 })
        expect(await cache.count('t1:negative', { ...minute, at: t0 })).toBe(4)
        expect(await cache.count('t2:negative', { ...minute, at: t0 })).toBe(1)
        expect(await cache.count('t3:negative', { ...minute, at: t0 })).toBe(0)
      })

      test('at defaults to the injected clock', async () => {
        let now = t0
        const cache = await open({ now: () => now })
        await cache.increment('t1:clocked', { ...minute })
        now += 30_000
        expect(await cache.increment('t1:clocked', { ...minute })).toBe(2)
        now += 45_000
        expect(await cache.count('t1:clocked', { ...minute })).toBe(1)
        now += 60_000
        expect(await cache.count('t1:clocked', { ...minute })).toBe(0)
      })

      test('the default is 60 buckets per window', async () => {
        const cache = await open()
        await cache.increment('t1:default', { windowMs: 60_000, at: t0 })
        expect(await cache.count('t1:default', { windowMs: 60_000, at: t0 + 60_998 })).toBe(1)
        expect(await cache.count('t1:default', { windowMs: 60_000, at: t0 + 60_999 })).toBe(0)
      })

      test('invalid window options are refused', async () => {
        const cache = await open()
        await expect(cache.increment('t1:bad', { windowMs: 0 })).rejects.toMatchObject({ code: 'CACHE_ERR_INVALID_ARGUMENT' })
        await expect(cache.increment('t1:bad', { windowMs: 1_000, buckets: 0 })).rejects.toMatchObject({ code: 'CACHE_ERR_INVALID_ARGUMENT' })
        await expect(cache.increment('t1:bad', { windowMs: 10, buckets: 11 })).rejects.toMatchObject({ code: 'CACHE_ERR_INVALID_ARGUMENT' })
        await expect(cache.increment('t1:bad', { windowMs: 1_000, by: 0.5 })).rejects.toMatchObject({ code: 'CACHE_ERR_INVALID_ARGUMENT' })
        await expect(cache.count('t1:bad', { windowMs: 1_000, at: Number.NaN })).rejects.toMatchObject({ code: 'CACHE_ERR_INVALID_ARGUMENT' })
      })
    })

    describe('isolation and lifecycle', () => {
      test('two caches with different prefixes do not see each other\'s keys', async () => {
        const runA = await open()
        const runB = await open()
        const window = { windowMs: 60_000, at: 1_000_000 }
        expect(await runA.claim('t1:x:1', 60_000)).toBe(true)
        await runA.setCheckpoint('t1:x:since', 'a')
        await runA.increment('t1:negative', { ...window, by: 5 })

        expect(await runB.claim('t1:x:1', 60_000)).toBe(true)
        expect(await runB.getCheckpoint('t1:x:since')).toBeUndefined()
        expect(await runB.count('t1:negative', window)).toBe(0)
        await runB.release('t1:x:1')
        expect(await runA.claim('t1:x:1', 60_000)).toBe(false)
      })

      test('claims, checkpoints and counters with the same name do not collide', async () => {
        const cache = await open()
        expect(await cache.claim('t1:same', 60_000)).toBe(true)
        expect(await cache.getCheckpoint('t1:same')).toBeUndefined()
        await cache.setCheckpoint('t1:same', 'cursor')
        expect(await cache.increment('t1:same', { windowMs: 60_000 })).toBe(1)
        expect(await cache.claim('t1:same', 60_000)).toBe(false)
        expect(await cache.getCheckpoint('t1:same')).toBe('cursor')
      })

      test('ping resolves while the cache is open', async () => {
        const cache = await open()
        await expect(cache.ping()).resolves.toBeUndefined()
      })

      test('after close, operations reject with CACHE_ERR_CLOSED and close may be called again', async () => {
        const cache = await open()
        await cache.close()
        await expect(cache.claim('t1:x:1', 1_000)).rejects.toMatchObject({ code: 'CACHE_ERR_CLOSED', retriable: false })
        await expect(cache.getCheckpoint('t1:x')).rejects.toMatchObject({ code: 'CACHE_ERR_CLOSED' })
        await expect(cache.count('t1:x', { windowMs: 1_000 })).rejects.toMatchObject({ code: 'CACHE_ERR_CLOSED' })
        await expect(cache.ping()).rejects.toMatchObject({ code: 'CACHE_ERR_CLOSED' })
        await expect(cache.close()).resolves.toBeUndefined()
      })
    })
  })
}
