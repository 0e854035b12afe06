import { sleep } from './backoff.js'

export interface PollingLoopOptions {
  /** One round of work; resolves true when it filled a batch, so more is waiting and the next round starts at once. */
  round: () => Promise<boolean>
  /** The wait between rounds when there was nothing more to do. */
  idleMs: number
  /** After a failed round the wait doubles per consecutive failure, up to this (default idleMs: no backoff). */
  maxBackoffMs?: number
  /** Called with each failure and how many rounds in a row have failed; the loop carries on. */
  onError: (err: unknown, failures: number) => void
}

export interface PollingLoop {
  start: () => void
  /** Starts the next round now: work was just added. A wake during a round runs another round straight after it. */
  wake: () => void
  /** Ends the loop after the round in flight. */
  stop: () => Promise<void>
}

/**
 * The loop shared by the outbox relay, the scheduler, the incident folder and the webhook worker:
 * a round, again at once when it was full or woken, otherwise a pause; failures are reported and
 * retried after a pause that doubles with each failure in a row.
 */
export function createPollingLoop (options: PollingLoopOptions): PollingLoop {
  const maxBackoffMs = options.maxBackoffMs ?? options.idleMs
  const abort = new AbortController()
  let wakeup: AbortController | undefined
  // Set by wake() at any time, so a wake that arrives during a round is not lost (it would otherwise
  // leave the new work waiting a whole idle period).
  let woken = false
  let loop: Promise<void> | undefined

  async function run (): Promise<void> {
    let failures = 0
    while (!abort.signal.aborted) {
      woken = false
      try {
        const full = await options.round()
        failures = 0
        if (full || woken) continue
      } catch (err) {
        failures++
        options.onError(err, failures)
      }
      if (abort.signal.aborted) break
      wakeup = new AbortController()
      const cut = (): void => wakeup?.abort()
      abort.signal.addEventListener('abort', cut, { once: true })
      await sleep(failures === 0 ? options.idleMs : Math.min(maxBackoffMs, options.idleMs * 2 ** failures), wakeup.signal)
      abort.signal.removeEventListener('abort', cut)
    }
  }

  return {
    start (): void { loop ??= run() },
    wake (): void {
      woken = true
      wakeup?.abort()
    },
    async stop (): Promise<void> {
      abort.abort()
      await loop
    },
  }
}
