export interface WindowOptions {
  /** Length of the sliding window. */
  windowMs: number
  /** How many buckets the window is split into (default 60); a key must always be used with the same windowMs and buckets. */
  buckets?: number
  /** End of the window (default: the cache's clock). */
  at?: number
}

export interface IncrementOptions extends WindowOptions {
  /** Amount to add (default 1). */
  by?: number
}

/**
 * What ingest and the router need from a shared cache. Every key is namespaced by the adapter's
 * prefix; callers pass tenant-scoped keys themselves (`${tenantId}:${mentionId}`).
 */
export interface Cache {
  /** Set-if-absent with a TTL: true when this call took the key, false when it was already held. */
  claim (key: string, ttlMs: number): Promise<boolean>
  /** `claim` for many keys in one round trip; results are in the order of `keys`, and a key repeated in `keys` is claimed once. */
  claimMany (keys: readonly string[], ttlMs: number): Promise<boolean[]>
  /**
   * Which of `keys` are currently claimed, without claiming anything. Ingest checks first, publishes,
   * then claims: claiming before the broker acknowledged would lose a mention if the process died
   * in between (the restart would take it for a duplicate).
   */
  claimedMany (keys: readonly string[]): Promise<boolean[]>
  /** Undo a claim (e.g. publishing failed), so a retry is not mistaken for a duplicate. */
  release (key: string): Promise<void>

  getCheckpoint (name: string): Promise<string | undefined>
  setCheckpoint (name: string, value: string): Promise<void>
  /** Compare-and-set: writes only when the stored value equals `expected` (`undefined`: no value stored yet). */
  setCheckpointIf (name: string, expected: string | undefined, value: string): Promise<boolean>

  /** Adds to a bucketed counter and returns the count in the window ending at `at`. */
  increment (key: string, options: IncrementOptions): Promise<number>
  /** The count in the window (at - windowMs, at], summing every bucket that overlaps it. */
  count (key: string, options: WindowOptions): Promise<number>

  ping (): Promise<void>
  close (): Promise<void>
}

export type Clock = () => number
