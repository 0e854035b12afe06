/**
 * Capped exponential backoff with full jitter: attempt n waits a uniform random time in
 * [0, min(max, initial·2^(n-1))]. With initial 100 ms and max 30 s: attempt 1 ≤ 100 ms, 2 ≤ 200 ms,
 * 5 ≤ 1.6 s, 9 onwards ≤ 25.6 s then 30 s — many consumers hitting one outage spread their retries
 * instead of returning together.
 */
export function backoffDelay (attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1))
  return Math.floor(random() * ceiling)
}

/** Resolves after `ms`, or early (without error) when the signal aborts. */
export async function sleep (ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true || ms <= 0) return
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms)
    function done (): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
