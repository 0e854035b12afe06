import { type WindowOptions } from './cache.js'
import { CacheArgumentError } from './errors.js'

export const defaultBuckets = 60

export function assertTtl (operation: string, ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new CacheArgumentError(operation, `ttlMs must be a positive integer number of milliseconds, got ${String(ttlMs)}`)
  }
}

export function assertIncrement (by: number): void {
  if (!Number.isSafeInteger(by)) throw new CacheArgumentError('increment', `by must be an integer, got ${String(by)}`)
}

export interface BucketRange {
  /** Index of the oldest bucket that overlaps the window; older buckets no longer count. */
  first: number
  /** Index of the bucket holding `at`, which an increment adds to. */
  last: number
  /** How long a counter must live after its latest increment for that bucket to leave every window. */
  ttlMs: number
}

/**
 * Bucket i covers times [i·windowMs/buckets, (i+1)·windowMs/buckets). Indices are computed as
 * floor(t · buckets / windowMs) rather than with a rounded bucket width, so any windowMs works with
 * any bucket count and both adapters agree to the millisecond. The window is the integer
 * milliseconds (at - windowMs, at]; the buckets that overlap it count in full, so a count may
 * include up to one bucket of events older than windowMs.
 */
export function bucketRange (operation: string, options: WindowOptions, now: () => number): BucketRange {
  const { windowMs } = options
  const buckets = options.buckets ?? defaultBuckets
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0) {
    throw new CacheArgumentError(operation, `windowMs must be a positive integer number of milliseconds, got ${String(windowMs)}`)
  }
  if (!Number.isSafeInteger(buckets) || buckets <= 0 || buckets > windowMs) {
    throw new CacheArgumentError(operation, `buckets must be an integer from 1 to windowMs (${windowMs}), got ${String(buckets)}`)
  }
  const rawAt = options.at ?? now()
  if (!Number.isFinite(rawAt)) throw new CacheArgumentError(operation, `at must be a finite time in milliseconds, got ${String(rawAt)}`)
  const at = Math.floor(rawAt)
  if (!Number.isSafeInteger(Math.abs(at) * buckets + windowMs * buckets)) {
    throw new CacheArgumentError(operation, `at (${at}) times buckets (${buckets}) is beyond exact integer range`)
  }
  const index = (time: number): number => Math.floor((time * buckets) / windowMs)
  return {
    first: index(at - windowMs + 1),
    last: index(at),
    ttlMs: windowMs + Math.ceil(windowMs / buckets),
  }
}
