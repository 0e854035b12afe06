import { spawn } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { type PoolConfig } from '../src/index.js'

/**
 * Runs startEmbeddedPostgres in a child Node process. In Jest's module sandbox PGlite fails to load:
 * its CommonJS build calls import(), which the sandbox refuses unless Node runs with
 * --experimental-vm-modules (electric-sql/pglite#224). A separate process is also how the
 * all-in-one mode runs it.
 */
export interface EmbeddedPostgresProcess {
  poolConfig: Required<Pick<PoolConfig, 'connectionString' | 'max'>>
  /** Closes stdin, which makes the child close PGlite cleanly and exit; resolves once it exited with 0. */
  stop (): Promise<void>
}

const repositoryRoot = path.resolve(__dirname, '../../..')

export async function startEmbeddedPostgresProcess (options: { dataDir?: string, timeoutMs?: number } = {}): Promise<EmbeddedPostgresProcess> {
  const child = spawn(process.execPath, [
    '--conditions=earshot-source', '--import', 'tsx',
    path.join(__dirname, 'embedded-postgres-process.ts'), ...(options.dataDir === undefined ? [] : [options.dataDir]),
  ], { cwd: repositoryRoot, stdio: ['pipe', 'pipe', 'inherit'] })

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const timeoutMs = options.timeoutMs ?? 30_000
  let timer: NodeJS.Timeout | undefined
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve)
    child.once('exit', (code) => reject(new Error(`the embedded database process exited with ${String(code)} before it was ready`)))
    timer = setTimeout(() => reject(new Error(`the embedded database process was not ready within ${timeoutMs} ms`)), timeoutMs)
  })
  let line: string
  try {
    line = await firstLine
  } catch (err) {
    child.kill()
    throw err
  } finally {
    clearTimeout(timer)
  }
  const { connectionString } = JSON.parse(line) as { connectionString: string }

  return {
    poolConfig: { connectionString, max: 1 },
    async stop () {
      child.stdin.end()
      const code = await exited
      if (code !== 0) throw new Error(`the embedded database process exited with ${String(code)}`)
    },
  }
}
