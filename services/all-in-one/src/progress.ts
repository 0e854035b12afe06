import { Presets, SingleBar } from 'cli-progress'

export interface ReplayProgress {
  update (position: number): void
  stop (): void
}

/**
 * A progress bar on a terminal; elsewhere (CI, a pipe, a test) a plain line every `everyMs`, so
 * logs stay readable.
 */
export function createReplayProgress (total: number, from: number, options: { tty: boolean, write: (line: string) => void, everyMs?: number }): ReplayProgress {
  if (options.tty) {
    const bar = new SingleBar({ format: 'sample traffic [{bar}] {value}/{total} mentions | {eta_formatted} left', hideCursor: true, clearOnComplete: false }, Presets.shades_classic)
    bar.start(total, from)
    return { update: (position) => { bar.update(position) }, stop: () => { bar.stop() } }
  }
  const everyMs = options.everyMs ?? 5_000
  let lastAt = 0
  let last = from
  return {
    update (position) {
      last = position
      const at = Date.now()
      if (at - lastAt < everyMs && position < total) return
      lastAt = at
      options.write(`sample traffic: ${position}/${total} mentions published (${Math.floor((position / Math.max(1, total)) * 100)}%)\n`)
    },
    stop () {
      if (last < total) options.write(`sample traffic: stopped at ${last}/${total}\n`)
    },
  }
}
