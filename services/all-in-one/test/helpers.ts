import { type ChildProcess, spawn } from 'node:child_process'
import { findRepoRoot } from '@earshot/testing'

export interface RunningAllInOne {
  url: string
  child: ChildProcess
  output: () => string
  /** SIGTERM, then resolves with the exit code and how long the shutdown took. */
  stop: () => Promise<{ code: number | null, ms: number }>
}

const children = new Set<ChildProcess>()

/** Kills anything a failed test left running. */
export function killLeftovers (): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}

/** Starts services/all-in-one/src/main.ts as a child process (PGlite cannot load inside Jest) and waits for its URL. */
export async function startAllInOne (args: readonly string[], timeoutMs = 60_000): Promise<RunningAllInOne> {
  const child = spawn(process.execPath, ['--conditions=earshot-source', '--import', 'tsx', 'services/all-in-one/src/main.ts', ...args], {
    cwd: findRepoRoot(), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' },
  })
  children.add(child)
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within ${timeoutMs} ms; output:\n${output}`)), timeoutMs)
    const check = (): void => {
      const match = /Earshot is running: (http:\/\/\S+\/)/.exec(output)
      if (match?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout?.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`exited with ${String(code)} before serving; output:\n${output}`))
    })
  })
  return {
    url,
    child,
    output: () => output,
    stop: async () => {
      const started = Date.now()
      child.kill('SIGTERM')
      const code = await exited
      return { code, ms: Date.now() - started }
    },
  }
}

export async function getJson<T> (url: string): Promise<T> {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`)
  return await response.json() as T
}
