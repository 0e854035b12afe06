import { boolEnv, duration, type Env, int, logLevel, port } from '@earshot/config'
import { z } from 'zod'
import { ArgumentsError } from './errors.js'

export const configSchema = z.object({
  // HTTP
  // Port of the console, /v1/status and the health endpoints; if taken, a free one is used instead (0: always a free one).
  EARSHOT_PORT: port().default(3000),
  // Loopback by default: the demo has no login until the API's console is mounted.
  EARSHOT_HOST: z.string().min(1).default('127.0.0.1'),
  // Embedded storage
  // PGlite's database lives in <dir>/pgdata; a restart with the same directory keeps every ticket.
  EARSHOT_DATA_DIR: z.string().min(1).default('.earshot'),
  // Sample traffic
  // Recorded mentions (JSONL of mentions.v1) replayed with their timestamps moved to now; default the bundled sample.
  EARSHOT_SAMPLE_FILE: z.string().min(1).optional(),
  // Mentions per second.
  EARSHOT_RATE: int({ min: 1, max: 100_000 }).default(20),
  // Replay only the first N recorded mentions (tests, short demos); default all.
  EARSHOT_LIMIT: int({ min: 0 }).optional(),
  // false: no sample traffic, only live sources.
  EARSHOT_SAMPLE: boolEnv().default(true),
  // Live sources
  // true: also read the real sources configured by the ingest services' variables (X: X_BEARER_TOKEN and INGEST_SOURCES_FILE).
  EARSHOT_LIVE: boolEnv().default(false),
  // Clock
  // Pretend the process started at this instant (ISO 8601); time still runs. Tests pin business hours with it.
  EARSHOT_CLOCK: z.iso.datetime({ offset: true }).optional(),
  // Observability
  LOG_LEVEL: logLevel().default('warn'),
  // Ctrl-C stops the replay, drains the consumers and closes PGlite within this budget.
  SHUTDOWN_TIMEOUT: duration().default(8_000),
})

export type Config = z.output<typeof configSchema>

/** Each command-line option and the variable it sets; flags without a value set "true". */
export const optionVariables: Record<string, { variable: keyof Config, flag?: true }> = {
  '--port': { variable: 'EARSHOT_PORT' },
  '--host': { variable: 'EARSHOT_HOST' },
  '--data-dir': { variable: 'EARSHOT_DATA_DIR' },
  '--sample': { variable: 'EARSHOT_SAMPLE_FILE' },
  '--rate': { variable: 'EARSHOT_RATE' },
  '--limit': { variable: 'EARSHOT_LIMIT' },
  '--live': { variable: 'EARSHOT_LIVE', flag: true },
  '--clock': { variable: 'EARSHOT_CLOCK' },
  '--log-level': { variable: 'LOG_LEVEL' },
}

/** The environment with command-line options applied over it (options win), for `loadConfigOrExit`. */
export function environmentWithArguments (args: readonly string[], env: Env): Env {
  const merged: Record<string, string | undefined> = { ...env }
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!
    if (arg === '--no-sample') {
      merged.EARSHOT_SAMPLE = 'false'
      continue
    }
    const [name = '', inline] = arg.split(/=(.*)/s, 2)
    const option = optionVariables[name]
    if (option === undefined) throw new ArgumentsError(`unknown option ${arg}; options: ${[...Object.keys(optionVariables), '--no-sample'].join(', ')}`)
    if (option.flag === true) {
      merged[option.variable] = inline ?? 'true'
      continue
    }
    const value = inline ?? args[++index]
    if (value === undefined) throw new ArgumentsError(`${name} needs a value`)
    merged[option.variable] = value
  }
  return merged
}
