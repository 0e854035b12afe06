import { type Cache, type Clock, type IncrementOptions, type WindowOptions } from './cache.js'
import { assertIncrement, assertTtl, bucketRange } from './cache-arguments.js'
import { CacheClosedError } from './errors.js'

export interface MemoryCacheOptions {
  now?: Clock
  /** How often expired claims and counters are dropped even if never read again (default 60 s). */
  sweepIntervalMs?: number
}

export interface MemoryCache extends Cache {
  /** Drops every expired entry now and returns how many were dropped. */
  sweep (): number
}

interface WindowCounter {
  buckets: Map<number, number>
  expiresAt: number
}

/** The embedded-mode cache: one process, same semantics as the Redis adapter, expiry by the injected clock. */
export function createMemoryCache (options: MemoryCacheOptions = {}): MemoryCache {
  const now = options.now ?? Date.now
  const claims = new Map<string, number>()
  const checkpoints = new Map<string, string>()
  const windows = new Map<string, WindowCounter>()
  let closed = false

  const sweepTimer = setInterval(sweep, options.sweepIntervalMs ?? 60_000)
  sweepTimer.unref()

  function assertOpen (operation: string): void {
    if (closed) throw new CacheClosedError(operation)
  }

  function isClaimed (key: string, at: number): boolean {
    const expiresAt = claims.get(key)
    if (expiresAt === undefined) return false
    if (expiresAt > at) return true
    claims.delete(key)
    return false
  }

  function claimNow (key: string, ttlMs: number): boolean {
    const at = now()
    if (isClaimed(key, at)) return false
    claims.set(key, at + ttlMs)
    return true
  }

  function liveCounter (key: string): WindowCounter | undefined {
    const counter = windows.get(key)
    if (counter === undefined) return undefined
    if (counter.expiresAt > now()) return counter
    windows.delete(key)
    return undefined
  }

  function sumBuckets (counter: WindowCounter | undefined, first: number, last: number): number {
    let total = 0
    for (const [index, value] of counter?.buckets ?? []) {
      if (index >= first && index <= last) total += value
    }
    return total
  }

  function sweep (): number {
    const at = now()
    let dropped = 0
    for (const [key, expiresAt] of claims) {
      if (expiresAt <= at) { claims.delete(key); dropped++ }
    }
    for (const [key, counter] of windows) {
      if (counter.expiresAt <= at) { windows.delete(key); dropped++ }
    }
    return dropped
  }

  return {
    async claim (key, ttlMs) {
      assertOpen('claim')
      assertTtl('claim', ttlMs)
      return claimNow(key, ttlMs)
    },

    async claimMany (keys, ttlMs) {
      assertOpen('claimMany')
      assertTtl('claimMany', ttlMs)
      return keys.map((key) => claimNow(key, ttlMs))
    },

    async claimedMany (keys) {
      assertOpen('claimedMany')
      const at = now()
      return keys.map((key) => isClaimed(key, at))
    },

    async release (key) {
      assertOpen('release')
      claims.delete(key)
    },

    async getCheckpoint (name) {
      assertOpen('getCheckpoint')
      return checkpoints.get(name)
    },

    async setCheckpoint (name, value) {
      assertOpen('setCheckpoint')
      checkpoints.set(name, value)
    },

    async setCheckpointIf (name, expected, value) {
      assertOpen('setCheckpointIf')
      if (checkpoints.get(name) !== expected) return false
      checkpoints.set(name, value)
      return true
    },

    async increment (key, incrementOptions: IncrementOptions) {
      assertOpen('increment')
      const by = incrementOptions.by ?? 1
      assertIncrement(by)
      const { first, last, ttlMs } = bucketRange('increment', incrementOptions, now)
      const counter = liveCounter(key) ?? { buckets: new Map<number, number>(), expiresAt: 0 }
      counter.buckets.set(last, (counter.buckets.get(last) ?? 0) + by)
      for (const index of counter.buckets.keys()) {
        if (index < first) counter.buckets.delete(index)
      }
      counter.expiresAt = now() + ttlMs
      windows.set(key, counter)
      return sumBuckets(counter, first, last)
    },

    async count (key, windowOptions: WindowOptions) {
      assertOpen('count')
      const { first, last } = bucketRange('count', windowOptions, now)
      return sumBuckets(liveCounter(key), first, last)
    },

    async ping () {
      assertOpen('ping')
    },

    async close () {
      closed = true
      clearInterval(sweepTimer)
    },

    sweep,
  }
}
