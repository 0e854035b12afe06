// A PostgreSQL and a Redis of the fault suite's own (own data directory and port), so it can crash
// and restart them without touching the machine's servers that other tests use.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { probeTcp } from '@earshot/testing'

const pgBin = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'].find((dir) => existsSync(join(dir, 'initdb')))

async function waitForPort (port: number, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await probeTcp({ host: '127.0.0.1', port }, 500)
      return
    } catch {
      if (Date.now() > deadline) throw new Error(`${what} did not open port ${port} within ${timeoutMs / 1000} s`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

export interface PrivatePostgres {
  url: string
  /** Stops the server the way a crash does (pg_ctl stop -m immediate: no checkpoint) and starts it again. */
  crashAndRestart: () => Promise<void>
  stop: () => void
}

/** initdb in `dir` and a server on `port` (as the postgres user when we are root: PostgreSQL refuses to run as root). */
export async function startPrivatePostgres (dir: string, port: number): Promise<PrivatePostgres> {
  if (pgBin === undefined) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin; install postgresql-15')
  const asRoot = process.getuid?.() === 0
  const run = (command: string, args: string[]): void => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(pgBin, command), ...args]] : [join(pgBin, command), args]
    const result = spawnSync(file, argv, { encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`)
  }
  mkdirSync(dir, { recursive: true })
  chmodSync(dir, 0o777)
  const data = join(dir, 'data')
  if (asRoot) spawnSync('chown', ['postgres', dir])
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8'])
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=50`
  const start = async (): Promise<void> => {
    run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start'])
    await waitForPort(port, 'the private PostgreSQL')
  }
  await start()
  run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'earshot'])
  return {
    url: `postgres://postgres@127.0.0.1:${port}/earshot`,
    crashAndRestart: async () => {
      run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop'])
      await start()
    },
    stop: () => { try { run('pg_ctl', ['-D', data, '-m', 'fast', 'stop']) } catch { /* already stopped */ } },
  }
}

export interface PrivateRedis {
  url: string
  /** SIGKILL and start again on the same append-only file. */
  crashAndRestart: () => Promise<void>
  stop: () => Promise<void>
}

/** A redis-server on `port` with an append-only file in `dir` (fsync every second, as production would run it). */
export async function startPrivateRedis (dir: string, port: number): Promise<PrivateRedis> {
  mkdirSync(dir, { recursive: true })
  let child: ChildProcess | undefined
  const logFile = join(dir, 'redis.log')
  const spawnRedis = (): ChildProcess => {
    // redis-server reports why it stopped (a port in use, a bad AOF) on stdout: kept in a file for the error below.
    const log = openSync(logFile, 'a')
    const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''],
      { stdio: ['ignore', log, log] })
    closeSync(log)
    started.once('error', (err) => { throw new Error(`redis-server could not start (${err.message}); install redis-server`) })
    return started
  }
  const start = async (): Promise<void> => {
    // One more try: a CI run once saw the private Redis keep its port closed for 30 s (cause unknown: its
    // output was not kept then; now it is, and the error quotes it).
    for (let attempt = 1; ; attempt++) {
      child = spawnRedis()
      try {
        await waitForPort(port, 'the private Redis')
        return
      } catch (err) {
        await kill()
        const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join(' | ') : ''
        if (attempt >= 2) throw new Error(`${(err as Error).message}; redis-server said: ${tail === '' ? '(nothing)' : tail}`)
        process.stderr.write(`the private Redis did not open port ${port}; starting it again (its log: ${tail === '' ? 'empty' : tail})\n`)
      }
    }
  }
  const kill = async (): Promise<void> => {
    const current = child
    if (current === undefined || current.exitCode !== null || current.signalCode !== null) return
    const exited = new Promise((resolve) => current.once('exit', resolve))
    current.kill('SIGKILL')
    await exited
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    crashAndRestart: async () => { await kill(); await start() },
    stop: kill,
  }
}
