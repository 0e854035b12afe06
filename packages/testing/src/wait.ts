export interface WaitOptions {
  timeoutMs?: number
  intervalMs?: number
  /** Says what was awaited, for the timeout message. */
  message?: string
}

/**
 * Polls `check` until it returns a value other than undefined/false, or throws after the deadline
 * with the last error seen. Tests wait on conditions, never on sleeps.
 */
export async function waitFor<T> (check: () => T | Promise<T>, options: WaitOptions = {}): Promise<Exclude<T, false | undefined>> {
  const { timeoutMs = 10_000, intervalMs = 25, message = 'condition' } = options
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined && value !== false) return value as Exclude<T, false | undefined>
    } catch (err) {
      lastError = err
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `; last error: ${lastError.message}` : ''
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}${reason}`, { cause: lastError })
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** Waits until `items` holds at least `count` entries and returns them. */
export async function waitForCount<T> (items: readonly T[], count: number, options: WaitOptions = {}): Promise<T[]> {
  await waitFor(() => items.length >= count, { message: `${count} items (have ${items.length})`, ...options })
  return [...items]
}
