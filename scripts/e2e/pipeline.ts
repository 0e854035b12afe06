// The whole pipeline as separate processes — the fake X server, ingest-x, classifier and router —
// on real Kafka, PostgreSQL and Redis, for the end-to-end benchmark and the fault suite.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface, type Interface } from 'node:readline'

export const repoRoot = join(__dirname, '..', '..')

export type ServiceName = 'ingest-x' | 'classifier' | 'router'
export const serviceNames: readonly ServiceName[] = ['ingest-x', 'classifier', 'router']

export interface ResourceSample { rssMb: number, cpuSeconds: number }

/** RSS and CPU time so far of a Linux process, from /proc. */
export function sampleResources (pid: number): ResourceSample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? '0')
    // Fields after the command name (which may hold spaces) start at the state; utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return { rssMb: rssKb / 1024, cpuSeconds: ticks / 100 }
  } catch {
    return undefined
  }
}

/**
 * Builds the repository (tsc -b) so `ServiceProcess` can run each service's compiled dist/main.js, as
 * the containers do; `what` names what is built for in the progress line.
 */
export function buildServices (what: string): void {
  process.stderr.write(`building (tsc -b) to run ${what}; --source runs src/main.ts through tsx instead\n`)
  const built = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], { cwd: repoRoot, stdio: 'inherit' })
  if (built.status !== 0) throw new Error('tsc -b failed; fix the build or pass --source')
}

/** CPU seconds so far of every process whose command name (/proc/<pid>/comm) is `comm`, e.g. all of a PostgreSQL server's backends. */
export function cpuSecondsOfCommand (comm: string): number {
  let total = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== comm) continue
    } catch {
      continue
    }
    total += sampleResources(Number(entry))?.cpuSeconds ?? 0
  }
  return total
}

/**
 * V8 flags each service's container command passes to node (k8s/base/*.yaml, docker-compose.yml),
 * so benchmarks and fault runs start the services as deployed. The classifier's event loop mostly
 * moves kafkajs buffers, whose off-heap bytes count towards V8's old-generation limit: on a small
 * heap that meant a full collection every 100 ms; a larger initial heap and smaller young
 * generation make them rare (see docs/operations.md).
 */
export const serviceNodeArgs: Record<ServiceName, readonly string[]> = {
  'ingest-x': [],
  classifier: ['--max-semi-space-size=8', '--initial-heap-size=64'],
  router: [],
}

/**
 * One service's process: started, killed with SIGKILL or stopped with SIGTERM, and started again
 * with the same environment. Like Kubernetes or compose's `restart: unless-stopped`, a process that
 * exits on its own (e.g. it fails fast because the broker is down at start-up) is started again
 * after a pause, so a fault suite measures the services, not an absent supervisor.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined
  private exited: Promise<number | null> = Promise.resolve(null)
  private respawn: NodeJS.Timeout | undefined
  restarts = 0
  /** Exits nobody asked for. */
  crashes = 0

  /** `compiled`: run the built services/<name>/dist/main.js with plain node, as the container image does (no tsx in memory). */
  constructor (readonly name: ServiceName, private readonly env: Record<string, string>, private readonly respawnAfterMs = 2_000, private readonly compiled = false) {}

  get pid (): number | undefined { return this.child?.pid }

  start (): void {
    // E2E_PROFILE_DIR: a V8 CPU profile per service, written when it exits (for finding where a stage spends its time).
    const profile = process.env.E2E_PROFILE_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(process.env.E2E_PROFILE_DIR, this.name)}`]
    const entry = this.compiled ? [join(repoRoot, 'services', this.name, 'dist', 'main.js')] : ['--conditions=earshot-source', '--import', 'tsx', join(repoRoot, 'services', this.name, 'src', 'main.ts')]
    const child = spawn(process.execPath, [...serviceNodeArgs[this.name], ...profile, ...entry], {
      cwd: repoRoot,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'inherit', 'inherit'],
    })
    this.child = child
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      if (this.child === child) {
        // Not killed or stopped by us: supervise.
        this.child = undefined
        this.crashes++
        process.stderr.write(`[supervisor] ${this.name} exited by itself (${signal ?? `code ${String(code)}`}); starting it again in ${this.respawnAfterMs} ms\n`)
        this.respawn = setTimeout(() => { this.respawn = undefined; this.start() }, this.respawnAfterMs)
      }
      resolve(code)
    }))
  }

  /** Takes the process out of supervision, so its exit is not answered with a restart. */
  private release (): ChildProcess | undefined {
    if (this.respawn !== undefined) { clearTimeout(this.respawn); this.respawn = undefined }
    const child = this.child
    this.child = undefined
    return child
  }

  async kill (): Promise<void> {
    const child = this.release()
    if (child === undefined) return
    child.kill('SIGKILL')
    await this.exited
  }

  /** SIGTERM: the service drains and exits; SIGKILL after the grace period. */
  async stop (graceMs = 30_000): Promise<void> {
    const child = this.release()
    if (child === undefined) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    await this.exited
    clearTimeout(timer)
  }

  async restart (how: 'kill' | 'stop' = 'kill'): Promise<void> {
    await (how === 'kill' ? this.kill() : this.stop())
    this.restarts++
    this.start()
  }
}

/** The fake X server in its own process, taking {"add": n} commands. */
export class FakeXProcess {
  /** Callers waiting for an answer, in the order their commands were written (the fake answers in order). */
  private readonly waiting: Array<(ids: string[]) => void> = []

  private constructor (private readonly child: ChildProcess, lines: Interface, readonly url: string, readonly brandIds: string[]) {
    lines.on('line', (line) => { this.waiting.shift()?.((JSON.parse(line) as { ids: string[] }).ids) })
  }

  total = 0

  get pid (): number | undefined { return this.child.pid }

  static async start (brands: number): Promise<FakeXProcess> {
    const child = spawn(process.execPath, ['--conditions=earshot-source', '--import', 'tsx', join(__dirname, 'fake-x-live.ts'), String(brands)],
      { stdio: ['pipe', 'pipe', 'inherit'] })
    const lines = createInterface({ input: child.stdout! })
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve)
      child.once('exit', (code) => reject(new Error(`the fake X process exited with ${String(code)}`)))
    })
    const { url, brandIds } = JSON.parse(first) as { url: string, brandIds: string[] }
    return new FakeXProcess(child, lines, url, brandIds)
  }

  /**
   * Posts n mentions now; resolves with their tweet ids once the fake serves them. Safe to call
   * concurrently (traffic ticks and a fault's burst): each answer goes to the command it answers.
   */
  async add (n: number): Promise<string[]> {
    const answered = new Promise<string[]>((resolve) => { this.waiting.push(resolve) })
    this.child.stdin!.write(`${JSON.stringify({ add: n })}\n`)
    const ids = await answered
    this.total += n
    return ids
  }

  async stop (): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve))
    this.child.stdin!.end()
    await exited
  }
}

export interface PipelineSettings {
  kafkaBrokers: string[]
  databaseUrl: string
  redisUrl: string
  runId: string
  /** One tenant (and one X mentions source) per brand of the fake. */
  tenants: string[]
  brandIds: string[]
  fakeXUrl: string
  workDir: string
  pollInterval?: string
  logLevel?: string
}

/** The environment of each service for one run: its own consumer groups and cache prefix, so runs never share state. */
export function serviceEnvironments (s: PipelineSettings): Record<ServiceName, Record<string, string>> {
  const sourcesFile = join(s.workDir, 'sources.json')
  writeFileSync(sourcesFile, JSON.stringify({
    sources: s.tenants.map((tenantId, i) => ({
      tenantId, sourceId: 'x-mentions', platform: 'x', pollInterval: s.pollInterval ?? '250ms', settings: { kind: 'mentions', userId: s.brandIds[i] },
    })),
  }))
  const common = { KAFKA_BROKERS: s.kafkaBrokers.join(','), LOG_LEVEL: s.logLevel ?? 'warn', HTTP_PORT: '0', SHUTDOWN_TIMEOUT: '20s' }
  const redis = { REDIS_URL: s.redisUrl, REDIS_KEY_PREFIX: `earshot-e2e:${s.runId}:` }
  return {
    'ingest-x': { ...common, ...redis, KAFKA_CLIENT_ID: 'e2e-ingest-x', X_BEARER_TOKEN: 'e2e', X_API_BASE_URL: s.fakeXUrl, INGEST_SOURCES_FILE: sourcesFile },
    classifier: { ...common, KAFKA_CLIENT_ID: 'e2e-classifier', CLASSIFIER_GROUP_ID: `e2e-classifier-${s.runId}` },
    router: { ...common, ...redis, KAFKA_CLIENT_ID: 'e2e-router', DATABASE_URL: s.databaseUrl, ROUTER_GROUP_ID: `e2e-router-${s.runId}`, ROUTER_SCHEDULER_INTERVAL: '1s', ROUTER_SESSION_TIMEOUT: '10s' },
  }
}

/**
 * Sends `total` items at `rate` per second from the moment it is made, `rate × tickMs / 1000` at a
 * time: `until(n)` sends ticks (each `send(count, sentBefore)`) until `n` items are out. Traffic stays
 * on schedule when a caller stops in between (a fault starts) and resumes.
 */
export function pacedSender (rate: number, total: number, send: (count: number, sentBefore: number) => Promise<void>, tickMs = 100) {
  const begin = Date.now()
  const perTick = Math.max(1, Math.round(rate * tickMs / 1000))
  let sent = 0
  return {
    begin,
    get sent (): number { return sent },
    async until (target = total): Promise<void> {
      while (sent < Math.min(target, total)) {
        const wait = begin + (sent / rate) * 1000 - Date.now()
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        const count = Math.min(total - sent, perTick)
        await send(count, sent)
        sent += count
      }
    },
  }
}
