import { constants } from 'node:os'
import { performance } from 'node:perf_hooks'
import { ShutdownTimeoutError } from './errors.js'
import { type Logger } from './logger.js'

/** A signal, 'done' when the work is finished (exit 0), or 'fatal' after an unrecoverable error (exit 1). */
export type ShutdownReason = NodeJS.Signals | 'done' | 'fatal'

export interface ShutdownRegistryOptions {
  logger: Logger
  /** Deadline for all handlers together; past it the process exits 1 with the pending handlers logged. */
  timeoutMs: number
  exit?: (code: number) => void
}

/**
 * Whoever opens a resource registers its close right there. Handlers run one at a time in reverse
 * registration order, so a consumer stops before the producer and pool it depends on are closed.
 */
export function createShutdownRegistry ({ logger, timeoutMs, exit = (code) => process.exit(code) }: ShutdownRegistryOptions) {
  const log = logger.child({ component: 'shutdown' })
  const handlers: Array<{ name: string, close: () => unknown }> = []
  let running: Promise<void> | undefined
  let removeSignalListeners = (): void => {}

  async function run (reason: ShutdownReason): Promise<void> {
    const started = performance.now()
    const order = [...handlers].reverse()
    let next = 0
    log.info({ reason, handlers: order.map((handler) => handler.name), timeoutMs }, 'shutting down')
    let failed = false
    let timedOut = false
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs)
      timer.unref()
    })
    const closeAll = async (): Promise<'closed'> => {
      for (const handler of order) {
        if (timedOut) break
        const handlerStarted = performance.now()
        try {
          await handler.close()
          log.info({ handler: handler.name, durationMs: elapsed(handlerStarted) }, 'closed')
        } catch (err) {
          failed = true
          log.error({ err, handler: handler.name, durationMs: elapsed(handlerStarted) }, 'shutdown handler failed')
        }
        next++
      }
      return 'closed'
    }
    const outcome = await Promise.race([closeAll(), deadline])
    clearTimeout(timer)
    removeSignalListeners()
    if (outcome === 'timeout') {
      timedOut = true
      const pending = order.slice(next).map((handler) => handler.name)
      log.error({ err: new ShutdownTimeoutError(timeoutMs, pending), pending }, 'shutdown deadline passed, forcing exit')
      exit(1)
      return
    }
    const exitCode = failed ? 1 : exitCodeFor(reason)
    log.info({ reason, exitCode, durationMs: elapsed(started) }, 'shutdown complete')
    exit(exitCode)
  }

  /** Returns a function that unregisters the handler, for resources closed before shutdown. */
  function register (name: string, close: () => unknown): () => void {
    if (running !== undefined) {
      log.warn({ handler: name }, 'registered after shutdown began; it will not run')
      return () => {}
    }
    const handler = { name, close }
    handlers.push(handler)
    return () => {
      const index = handlers.indexOf(handler)
      if (index !== -1) handlers.splice(index, 1)
    }
  }

  /** Idempotent: every call after the first returns the first call's promise. */
  function shutdown (reason: ShutdownReason = 'done'): Promise<void> {
    if (running !== undefined) {
      log.info({ reason }, 'shutdown already in progress')
      return running
    }
    running = run(reason)
    return running
  }

  /** Installs process signal handlers; returns a function that removes them. */
  function listen (signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): () => void {
    const onSignal = (signal: NodeJS.Signals): void => {
      shutdown(signal).catch((err: unknown) => log.error({ err, signal }, 'shutdown failed'))
    }
    for (const signal of signals) process.on(signal, onSignal)
    removeSignalListeners = () => {
      for (const signal of signals) process.off(signal, onSignal)
    }
    return removeSignalListeners
  }

  return { register, shutdown, listen }
}

export type ShutdownRegistry = ReturnType<typeof createShutdownRegistry>

/** The shell convention 128 + signal number (SIGTERM 143, SIGINT 130), so supervisors see why we stopped. */
export function exitCodeFor (reason: ShutdownReason): number {
  if (reason === 'done') return 0
  if (reason === 'fatal') return 1
  return 128 + constants.signals[reason]
}

function elapsed (since: number): number {
  return Math.round(performance.now() - since)
}
