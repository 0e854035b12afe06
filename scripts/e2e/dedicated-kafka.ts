import { execFile, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const script = join(__dirname, '..', 'infra', 'kafka.sh')

export interface DedicatedKafka {
  brokers: string[]
  version: string
  /** Stops the broker (SIGKILL with kill: true), waits pauseSeconds, and starts it again on the same data. */
  restart: (options?: { kill?: boolean, pauseSeconds?: number }) => Promise<void>
  stop: () => void
  /** The broker's process id while it runs. */
  pid: () => number | undefined
}

/**
 * A broker of its own for one end-to-end run (scripts/infra/kafka.sh on another port and run
 * directory): consumer groups that start at the beginning then see only this run's messages, and
 * the fault suite can restart it without disturbing anything else.
 */
export function startDedicatedKafka (port: number, runDir: string): DedicatedKafka {
  const env = { ...process.env, KAFKA_LOCAL_PORT: String(port), KAFKA_LOCAL_RUN_DIR: runDir }
  const run = (...args: string[]): string => {
    const result = spawnSync('bash', [script, ...args], { encoding: 'utf8', env })
    if (result.status !== 0) throw new Error(`kafka.sh ${args.join(' ')} failed:\n${result.stderr}`)
    return result.stderr
  }
  run('stop')
  const log = run('start')
  return {
    brokers: [`127.0.0.1:${port}`],
    version: `Apache Kafka ${/Apache Kafka (\S+) ready/.exec(log)?.[1] ?? '?'} (scripts/infra, KRaft, dedicated)`,
    // Asynchronous, so traffic keeps flowing while the broker is down.
    restart: async (options = {}) => {
      await promisify(execFile)('bash', [script, 'restart', ...(options.kill === true ? ['--kill'] : []), '--pause', String(options.pauseSeconds ?? 0)], { env })
    },
    stop: () => { run('stop') },
    pid: () => {
      try {
        return Number(readFileSync(join(runDir, 'kafka.pid'), 'utf8').trim())
      } catch {
        return undefined
      }
    },
  }
}
