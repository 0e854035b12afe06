// `npm run bench -- e2e-embedded`: the e2e benchmark's traffic through the all-in-one embedded mode
// (every service in one process on the memory bus, PGlite and the memory cache), for comparison
// with the multi-process pipeline on Kafka, PostgreSQL and Redis (`npm run bench -- e2e`).
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { type ClientRequest, request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { demoTenants } from '../../services/all-in-one/src/demo/tenants.js'
import { allInOneNodeFlags } from '../../services/all-in-one/src/node-flags.js'
import { FakeXProcess, pacedSender, repoRoot, sampleResources, serviceEnvironments } from '../e2e/pipeline.js'
import { chart, type Quantiles, quantiles, sleep } from './e2e.js'
import { table } from './infra.js'

/** A demo login that may read the events of every demo tenant (services/all-in-one/src/demo/users.ts). */
const login = { email: 'agency@earshot.demo', password: 'earshot-demo' }
/**
 * The API's live feed (services/api/src/live-feed.ts), as the all-in-one runs it (it keeps the API's
 * defaults): it polls the outbox table every `pollMs` (eventsPollIntervalMs in services/api/src/app.ts)
 * and delivers the rows after the newest it has read; ids skipped by transactions still open are
 * looked for again for `settleMs`. So an event reaches SSE up to one poll after its commit.
 * Keep in step with live-feed.ts.
 */
const liveFeed = { pollMs: 500, settleMs: 30_000 }
/** A drain stops early once the router has stored every mention and the feed has brought none of the missing events for this long (more than the settle window). */
const feedStallMs = liveFeed.settleMs + 15_000

interface EmbeddedPhase {
  rate: number
  seconds: number
  sent: number
  ticketed: number
  /** Mentions the router stored whose ticket event never came on the feed (the drain gave up). */
  missingOnFeed: number
  /** Mentions without a ticket event on the SSE feed when the phase's traffic stopped, in seconds of that traffic. */
  backlogSeconds: number
  /** The same judgement as `npm run bench -- e2e`: at most 2 s of traffic without its ticket event (on SSE) when the traffic stopped. */
  sustained: boolean
  /** Mentions the router had not yet stored when the traffic stopped, in seconds of that traffic (the pipeline without the live feed). */
  routerBacklogSeconds: number
  /** The same judgement on the router's stored mentions: the pipeline kept up, whatever the feed did. */
  routerSustained: boolean
  /** Mention made available on the fake → its ticket event arrives on GET /v1/events. */
  fromPlatform: Quantiles
  /** Mention made available on the fake → the router's write of its ticket (the event's occurredAt: the start of the router's batch). */
  toRouter: Quantiles
  resources: { rssMb: number, cpuPercent: number }
}

interface Stage { stage: string, perSecond: number, completedAfterMs: number | undefined, reached: number }

/** What `npm run bench -- e2e` wrote (bench-results/e2e.json), as far as the comparison reads it. */
interface MultiProcessResult {
  phases: Array<{ rate: number, sustained: boolean, backlogSeconds: number, fromPlatform: Quantiles, resources: Record<string, { rssMb: number, cpuPercent: number }> }>
  burst: { mentions: number, endToEndPerSecond: number }
}

/** The all-in-one as a child process, as `npm start` runs it (same Node flags), its stdout passed to our stderr. */
class AllInOneProcess {
  private stopping = false

  private constructor (private readonly child: ChildProcess, readonly url: string, private readonly exited: Promise<void>, private readonly exitStatus: () => string | undefined, readonly startupMs: number) {}

  get pid (): number { return this.child.pid ?? 0 }

  static async start (args: string[], env: Record<string, string>, timeoutMs: number): Promise<AllInOneProcess> {
    const started = Date.now()
    // Variables of a developer's own `npm start` (a pinned clock, a sample file, a rate) must not change the measurement.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('EARSHOT_')))
    const child = spawn(process.execPath, [...allInOneNodeFlags, '--conditions=earshot-source', '--import', 'tsx', join(repoRoot, 'services', 'all-in-one', 'src', 'main.ts'), ...args], {
      cwd: repoRoot,
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let status: string | undefined
    const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => { status = signal ?? `code ${String(code)}`; resolve() }))
    const lines = createInterface({ input: child.stdout! })
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`the all-in-one did not print "Earshot is running" within ${timeoutMs / 1000} s; its output is above. Try \`npm start -- --no-sample --port 0\` on its own to see whether it starts`)) }, timeoutMs)
      lines.on('line', (line) => {
        process.stderr.write(`[all-in-one] ${line}\n`)
        const running = /Earshot is running: (http:\/\/\S+\/)/.exec(line)
        if (running !== null) { clearTimeout(timer); resolve(running[1]!) }
      })
      exited.then(() => {
        clearTimeout(timer)
        reject(new Error(`the all-in-one exited (${status ?? '?'}) before it was running; its output is above. Try \`npm start -- --no-sample --port 0\` on its own to see why`))
      }, () => {})
    }).catch(async (err: unknown) => {
      child.kill('SIGKILL')
      await exited
      throw err
    })
    return new AllInOneProcess(child, url, exited, () => status, Date.now() - started)
  }

  /** Throws if the process died by itself, saying where to look. */
  assertRunning (during: string): void {
    const status = this.exitStatus()
    if (this.stopping || status === undefined) return
    throw new Error(`the all-in-one exited (${status}) during ${during}; its output is above (an out-of-memory crash says "JavaScript heap out of memory": the heap is capped by services/all-in-one/src/node-flags.ts). Try fewer rates or a smaller --burst`)
  }

  /** SIGTERM (it drains and closes PGlite within SHUTDOWN_TIMEOUT), SIGKILL after the grace period. */
  async stop (graceMs = 15_000): Promise<void> {
    this.stopping = true
    if (this.exitStatus() !== undefined) return
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs)
    await this.exited
    clearTimeout(timer)
  }
}

/** Signs in as the demo user and returns the session cookie. */
async function signIn (url: string): Promise<string> {
  const res = await fetch(`${url}v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(login) })
  if (res.status !== 200) {
    throw new Error(`POST /v1/auth/login as ${login.email} answered ${res.status}: ${await res.text()}; the all-in-one seeds that user (services/all-in-one/src/demo/users.ts): has it been renamed?`)
  }
  const cookie = res.headers.getSetCookie().map((header) => header.split(';')[0]!).find((pair) => pair.startsWith('earshot_session='))
  if (cookie === undefined) throw new Error('POST /v1/auth/login set no earshot_session cookie; see services/api/src/routes/auth.ts')
  return cookie
}

/**
 * GET /v1/events (Server-Sent Events) with the session; `onEvent` gets each event's type and data
 * with the time its chunk arrived. Resolves once the server confirms the subscription.
 */
async function openEventStream (url: string, cookie: string, onEvent: (type: string, data: string, at: number) => void): Promise<{ close: () => void, failure: () => string | undefined }> {
  let failure: string | undefined
  let closing = false
  let req: ClientRequest | undefined
  await new Promise<void>((resolve, reject) => {
    req = httpRequest(`${url}v1/events`, { headers: { cookie, accept: 'text/event-stream' } }, (res) => {
      res.setEncoding('utf8')
      if (res.statusCode !== 200) {
        let body = ''
        res.on('data', (chunk: string) => { body += chunk })
        res.on('end', () => { reject(new Error(`GET /v1/events answered ${String(res.statusCode)}: ${body}; see services/api/src/routes/events.ts`)) })
        return
      }
      let buffer = ''
      let subscribed = false
      res.on('data', (chunk: string) => {
        const at = Date.now()
        buffer += chunk
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          let type = 'message'
          const data: string[] = []
          for (const line of block.split('\n')) {
            if (line.startsWith(': subscribed to') && !subscribed) { subscribed = true; resolve() }
            if (line.startsWith('event: ')) type = line.slice('event: '.length)
            else if (line.startsWith('data: ')) data.push(line.slice('data: '.length))
          }
          if (data.length > 0) onEvent(type, data.join('\n'), at)
        }
      })
      res.on('end', () => { if (!closing) failure = 'the all-in-one closed the SSE stream (GET /v1/events)' })
    })
    req.on('error', (err) => {
      if (closing) return
      failure = `the SSE stream (GET /v1/events) failed: ${err.message}`
      reject(new Error(failure))
    })
    req.end()
  })
  return { close: () => { closing = true; req?.destroy() }, failure: () => failure }
}

/** The pipeline's counters from the all-in-one's /metrics (Prometheus text), summed over labels. */
async function stageCounters (url: string): Promise<{ published: number, classified: number, stored: number }> {
  const res = await fetch(`${url}metrics`)
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`)
  const text = await res.text()
  const sum = (name: string): number => text.split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0)
  return { published: sum('earshot_ingest_published_total'), classified: sum('earshot_classifier_mentions_total'), stored: sum('earshot_router_mentions_stored_total') }
}

/** Multi-process (bench-results/e2e.json) beside embedded, per rate, burst and memory. */
function comparison (multi: MultiProcessResult, embedded: { phases: EmbeddedPhase[], burst: { mentions: number, endToEndPerSecond: number, toRouterPerSecond: number } }): string {
  const fmt = (q: Quantiles): string => `${q.p50} / ${q.p95} / ${q.p99}`
  const rates = [...new Set([...multi.phases.map((p) => p.rate), ...embedded.phases.map((p) => p.rate)])].sort((a, b) => a - b)
  const rows: string[][] = [['', 'multi-process (Kafka, PostgreSQL, Redis)', 'embedded (one process)']]
  const behind = (sustained: boolean, seconds: number): string => sustained ? '' : ` (not sustained, ${seconds} s behind)`
  const sum = (p: MultiProcessResult['phases'][number], key: 'rssMb' | 'cpuPercent'): number => Object.values(p.resources).reduce((total, r) => total + r[key], 0)
  for (const rate of rates) {
    const m = multi.phases.find((p) => p.rate === rate)
    const e = embedded.phases.find((p) => p.rate === rate)
    rows.push([`${rate}/s platform→ticket event p50/p95/p99 ms`,
      m === undefined ? '—' : `${fmt(m.fromPlatform)}${behind(m.sustained, m.backlogSeconds)} (tickets.v1)`,
      e === undefined ? '—' : `${fmt(e.fromPlatform)}${behind(e.sustained, e.backlogSeconds)} (SSE)`])
    rows.push([`${rate}/s platform→router p50/p95/p99 ms`, m === undefined ? '—' : 'not measured', e === undefined ? '—' : `${fmt(e.toRouter)}${behind(e.routerSustained, e.routerBacklogSeconds)}`])
    rows.push([`${rate}/s CPU% / peak RSS MB`, m === undefined ? '—' : `${sum(m, 'cpuPercent')} / ${sum(m, 'rssMb')} (sum of ${Object.keys(m.resources).join(', ')})`, e === undefined ? '—' : `${e.resources.cpuPercent} / ${e.resources.rssMb}`])
  }
  const perSecond = (n: number): string => n === 0 ? '—' : n.toLocaleString('en')
  rows.push([`burst end to end mentions/s (multi: ${multi.burst.mentions.toLocaleString('en')}, embedded: ${embedded.burst.mentions.toLocaleString('en')})`,
    `${perSecond(multi.burst.endToEndPerSecond)} (to the last tickets.v1 event)`,
    `${perSecond(embedded.burst.endToEndPerSecond)} (to the last SSE event); ${perSecond(embedded.burst.toRouterPerSecond)} (to the router's last store)`])
  return table(rows)
}

/**
 * The same traffic as `npm run bench -- e2e` — the fake X server in its own process, mentions made
 * available at fixed rates, then a burst — through the all-in-one (`npm start -- --live --no-sample`)
 * on a fresh data directory, observed where a user of the embedded mode sees tickets: the API's SSE
 * feed (GET /v1/events), signed in as the demo agency admin.
 */
export async function runE2eEmbeddedBenchmark (args: string[]): Promise<void> {
  const { values } = parseArgs({
    // `npm run bench -- e2e-embedded -- --seconds 10` passes the second `--` through.
    args: args.filter((arg) => arg !== '--'),
    options: {
      rates: { type: 'string', default: '100,1000,5000' },
      seconds: { type: 'string', default: '15' },
      burst: { type: 'string', default: '10000' },
      'poll-interval': { type: 'string', default: '250ms' },
      'drain-timeout': { type: 'string', default: '180' },
    },
  })
  const rates = values.rates.split(',').map(Number)
  const seconds = Number(values.seconds)
  const burst = Number(values.burst)
  const drainTimeoutMs = Number(values['drain-timeout']) * 1000
  if (rates.some((r) => !Number.isInteger(r) || r < 1) || !(seconds > 0) || !Number.isInteger(burst) || burst < 0 || !(drainTimeoutMs > 0)) {
    throw new Error('usage: npm run bench -- e2e-embedded [--rates 100,1000,5000] [--seconds 15] [--burst 10000] [--poll-interval 250ms] [--drain-timeout 180]: rates and burst are whole numbers, seconds and drain timeout positive')
  }
  const runId = Date.now().toString(36)
  const workDir = mkdtempSync(join(tmpdir(), 'earshot-e2e-embedded-'))
  let fake: FakeXProcess | undefined
  let allInOne: AllInOneProcess | undefined
  let stream: Awaited<ReturnType<typeof openEventStream>> | undefined
  let cleaning: Promise<void> | undefined
  const cleanUp = async (): Promise<void> => {
    cleaning ??= (async () => {
      stream?.close()
      await allInOne?.stop()
      // The fake exits when its stdin closes; after Ctrl-C it may be gone already, so do not wait for ever.
      if (fake !== undefined) await Promise.race([fake.stop(), sleep(5_000)])
      rmSync(workDir, { recursive: true, force: true })
    })()
    await cleaning
  }
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\n${signal}: stopping the all-in-one and the fake X server, removing ${workDir}…\n`)
    const exit = (): void => { process.exit(signal === 'SIGINT' ? 130 : 143) }
    cleanUp().then(exit, exit)
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)

  try {
    const x = fake = await FakeXProcess.start(demoTenants.length)
    // The fake's brands are the demo tenants, the only ones the demo users may read, with the demo policies.
    const tenants = demoTenants.map((tenant) => tenant.id)
    // The same sources file (one X mentions source per brand) and X settings as the multi-process run.
    const xEnv = serviceEnvironments({ kafkaBrokers: [], databaseUrl: '', redisUrl: '', runId, tenants, brandIds: x.brandIds, fakeXUrl: x.url, workDir, pollInterval: values['poll-interval'] })['ingest-x']
    const dataDir = join(workDir, 'data')
    process.stderr.write(`e2e-embedded benchmark: starting the all-in-one (--live --no-sample, data in ${dataDir})…\n`)
    allInOne = await AllInOneProcess.start(
      ['--live', '--no-sample', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
      { X_BEARER_TOKEN: xEnv.X_BEARER_TOKEN!, X_API_BASE_URL: xEnv.X_API_BASE_URL!, INGEST_SOURCES_FILE: xEnv.INGEST_SOURCES_FILE! },
      180_000)
    const app = allInOne
    process.stderr.write(`all-in-one running at ${app.url} after ${(app.startupMs / 1000).toFixed(1)} s (pid ${app.pid})\n`)

    // When each mention was made available on the fake, when its ticket event arrived on SSE, and the event's occurredAt.
    const postedAt = new Map<string, number>()
    const ticketedAt = new Map<string, number>()
    const routerAt = new Map<string, number>()
    stream = await openEventStream(app.url, await signIn(app.url), (type, data, at) => {
      if (type !== 'ticket.opened' && type !== 'ticket.message_added') return
      const event = JSON.parse(data) as { occurredAt: string, ticket: { kind?: string, mentionIds: string[] } }
      // An incident (spike) ticket lists mentions that have their own tickets: time each mention by its own.
      if (event.ticket.kind === 'incident') return
      for (const id of event.ticket.mentionIds) {
        if (ticketedAt.has(id)) continue
        ticketedAt.set(id, at)
        routerAt.set(id, Date.parse(event.occurredAt))
      }
    })
    const feed = stream
    const assertHealthy = (during: string): void => {
      app.assertRunning(during)
      const failure = feed.failure()
      if (failure !== undefined) throw new Error(`${failure} during ${during}; the all-in-one's output is above`)
    }
    const post = async (n: number): Promise<string[]> => {
      const at = Date.now()
      const ids = (await x.add(n)).map((id) => `x:${id}`)
      for (const id of ids) postedAt.set(id, at)
      return ids
    }
    const arrived = (ids: readonly string[]): number => ids.reduce((count, id) => count + (ticketedAt.has(id) ? 1 : 0), 0)

    // Warm-up: the classifier's models loaded, PGlite's first writes, the first events on the feed.
    process.stderr.write('warming up (models load, first tickets)…\n')
    const warm = await post(30)
    const warmDeadline = Date.now() + 120_000
    while (arrived(warm) < warm.length) {
      assertHealthy('the warm-up')
      if (Date.now() > warmDeadline) throw new Error(`warm-up: only ${arrived(warm)}/${warm.length} mentions had a ticket event on GET /v1/events after 120 s; see the all-in-one's output above, and GET ${app.url}v1/status`)
      await sleep(200)
    }

    const phases: EmbeddedPhase[] = []
    for (const rate of rates) {
      const before = sampleResources(app.pid)
      let peakRss = before?.rssMb ?? 0
      const startTicketed = ticketedAt.size
      const startStored = (await stageCounters(app.url)).stored
      const count = Math.round(rate * seconds)
      const ids: string[] = []
      process.stderr.write(`rate ${rate}/s for ${seconds} s (${count} mentions)…\n`)
      let reported = Date.now()
      const traffic = pacedSender(rate, count, async (n, sentBefore) => {
        ids.push(...await post(n))
        peakRss = Math.max(peakRss, sampleResources(app.pid)?.rssMb ?? 0)
        assertHealthy(`the ${rate}/s phase`)
        if (Date.now() - reported >= 5_000) {
          reported = Date.now()
          process.stderr.write(`  ${((reported - traffic.begin) / 1000).toFixed(0)} s: ${sentBefore + n} made available, ${ticketedAt.size - startTicketed} ticket events on the feed\n`)
        }
      })
      const begin = traffic.begin
      await traffic.until()
      const trafficEnd = Date.now()
      const atEnd = ticketedAt.size - startTicketed
      const storedAtEnd = (await stageCounters(app.url)).stored - startStored
      const after = sampleResources(app.pid)
      const elapsed = (trafficEnd - begin) / 1000
      const backlogSeconds = Number(((count - atEnd) / rate).toFixed(1))
      const drainDeadline = Date.now() + drainTimeoutMs
      reported = Date.now()
      let lastArrived = arrived(ids)
      let lastProgressAt = Date.now()
      let storedAll = false
      for (;;) {
        const now = Date.now()
        const got = arrived(ids)
        if (got > lastArrived) { lastArrived = got; lastProgressAt = now }
        if (got >= count || now >= drainDeadline || (storedAll && now - lastProgressAt > feedStallMs)) break
        assertHealthy(`the ${rate}/s phase's drain`)
        storedAll ||= (await stageCounters(app.url)).stored - startStored >= count
        peakRss = Math.max(peakRss, sampleResources(app.pid)?.rssMb ?? 0)
        if (now - reported >= 5_000) {
          reported = now
          process.stderr.write(`  draining: ${got}/${count} ticket events on the feed after ${((now - trafficEnd) / 1000).toFixed(0)} s${storedAll ? ' (the router has stored every mention)' : ''}\n`)
        }
        await sleep(200)
      }
      const fromPlatform: number[] = []
      const toRouter: number[] = []
      for (const id of ids) {
        const at = ticketedAt.get(id)
        if (at === undefined) continue
        fromPlatform.push(at - postedAt.get(id)!)
        toRouter.push(routerAt.get(id)! - postedAt.get(id)!)
      }
      if (fromPlatform.length < count) {
        process.stderr.write(storedAll
          ? `  ${count - fromPlatform.length} of ${count} mentions were stored by the router but their ticket event never came on GET /v1/events (none for ${feedStallMs / 1000} s); latencies are of the rest\n`
          : `  ${count - fromPlatform.length} of ${count} mentions had no ticket event after ${drainTimeoutMs / 1000} s (--drain-timeout); latencies are of the rest\n`)
      }
      const routerBacklogSeconds = Number(((count - storedAtEnd) / rate).toFixed(1))
      phases.push({
        rate,
        seconds,
        sent: count,
        ticketed: fromPlatform.length,
        missingOnFeed: storedAll ? count - fromPlatform.length : 0,
        backlogSeconds,
        sustained: backlogSeconds <= 2,
        routerBacklogSeconds,
        routerSustained: routerBacklogSeconds <= 2,
        fromPlatform: quantiles(fromPlatform),
        toRouter: quantiles(toRouter),
        resources: {
          rssMb: Math.round(peakRss),
          cpuPercent: before === undefined || after === undefined ? 0 : Math.round(((after.cpuSeconds - before.cpuSeconds) / elapsed) * 100),
        },
      })
    }

    // Throughput: a burst made available at once; each stage's rate from its first to its last mention.
    const stages: Stage[] = []
    let endToEnd = 0
    let toRouterPerSecond = 0
    let burstPeakRss = 0
    if (burst > 0) {
      process.stderr.write(`burst of ${burst} mentions at once…\n`)
      const stageNames = ['ingest-x → memory bus', 'classifier', 'router → PGlite', 'live feed → SSE'] as const
      const progress = async (ids: readonly string[]): Promise<number[]> => {
        const c = await stageCounters(app.url)
        return [c.published, c.classified, c.stored, arrived(ids)]
      }
      const base = await progress([])
      const firstAt: Array<number | undefined> = stageNames.map(() => undefined)
      const doneAt: Array<number | undefined> = stageNames.map(() => undefined)
      const burstStart = Date.now()
      const ids = await post(burst)
      const burstDeadline = Date.now() + 300_000
      let reported = Date.now()
      let now = base
      let lastFeed = 0
      let lastFeedAt = Date.now()
      while (doneAt.some((d) => d === undefined) && Date.now() < burstDeadline) {
        assertHealthy('the burst')
        now = await progress(ids)
        const at = Date.now()
        if (now[3]! > lastFeed) { lastFeed = now[3]!; lastFeedAt = at }
        // Every mention stored, but the feed has brought nothing for longer than its settle window: the rest will not come.
        if (doneAt[2] !== undefined && at - lastFeedAt > feedStallMs) break
        burstPeakRss = Math.max(burstPeakRss, sampleResources(app.pid)?.rssMb ?? 0)
        for (let i = 0; i < stageNames.length; i++) {
          const progressed = now[i]! - base[i]!
          if (progressed > 0 && firstAt[i] === undefined) firstAt[i] = at
          if (progressed >= burst && doneAt[i] === undefined) doneAt[i] = at
        }
        if (at - reported >= 5_000) {
          reported = at
          process.stderr.write(`  ${((at - burstStart) / 1000).toFixed(0)} s: ${stageNames.map((name, i) => `${name} ${now[i]! - base[i]!}`).join(', ')}\n`)
        }
        await sleep(100)
      }
      stages.push(...stageNames.map((stage, i) => ({
        stage,
        perSecond: doneAt[i] === undefined || firstAt[i] === undefined ? 0 : burst / (Math.max(100, doneAt[i]! - firstAt[i]!) / 1000),
        completedAfterMs: doneAt[i] === undefined ? undefined : doneAt[i]! - burstStart,
        reached: now[i]! - base[i]!,
      })))
      if (doneAt[2] !== undefined && doneAt[3] === undefined) {
        process.stderr.write(`  the router stored all ${burst} mentions, but ${burst - (now[3]! - base[3]!)} ticket events never came on GET /v1/events\n`)
      } else if (doneAt.some((d) => d === undefined)) {
        process.stderr.write('  the burst was not through every stage after 300 s; unfinished stages show 0 mentions/s\n')
      }
      endToEnd = doneAt[3] === undefined ? 0 : burst / ((doneAt[3] - burstStart) / 1000)
      toRouterPerSecond = doneAt[2] === undefined ? 0 : burst / ((doneAt[2] - burstStart) / 1000)
    }

    const missing = phases.reduce((total, p) => total + p.missingOnFeed, 0) + (stages[2]?.completedAfterMs !== undefined && stages[3]?.completedAfterMs === undefined ? burst - (stages[3]?.reached ?? 0) : 0)
    const feedNote = [
      `platform→event is measured on the API's live feed (GET /v1/events, services/api/src/live-feed.ts), which polls the outbox every ${liveFeed.pollMs} ms,`,
      'so an event reaches SSE up to one poll after its transaction commits; `npm run bench -- e2e` instead consumes tickets.v1 from Kafka.',
      'platform→router (the event\'s occurredAt: the start of the router\'s batch, before the commit and the outbox) leaves the feed out and is the figure to compare.',
      ...(missing > 0 ? [`${missing} stored mentions never had their ticket event on the feed: a lost event, which the feed must not do (services/api/test/live-feed.int.test.ts).`] : []),
    ].join('\n')
    const result = {
      mode: 'embedded',
      runId,
      startupMs: app.startupMs,
      policies: 'the demo tenants\' policies (services/all-in-one/src/demo/policies); `npm run bench -- e2e` uses the default policy',
      feed: { pollIntervalMs: liveFeed.pollMs, settleMs: liveFeed.settleMs, missingEvents: missing, note: feedNote },
      phases,
      burst: { mentions: burst, stages, endToEndPerSecond: Math.round(endToEnd), toRouterPerSecond: Math.round(toRouterPerSecond), peakRssMb: Math.round(burstPeakRss) },
    }
    const fmt = (q: Quantiles): string => `${q.p50} / ${q.p95} / ${q.p99}`
    process.stdout.write(`\n${table([
      ['offered rate', 'sent', 'event on SSE', 'never on SSE', 'backlog (SSE / router)', 'platform→event (SSE) p50/p95/p99 ms', 'platform→router p50/p95/p99 ms', 'all-in-one CPU% / peak RSS MB'],
      ...phases.map((p) => [`${p.rate}/s${p.routerSustained ? (p.sustained ? '' : ' (feed behind)') : ' (not sustained)'}`, String(p.sent), String(p.ticketed), String(p.missingOnFeed),
        `${p.backlogSeconds} s / ${p.routerBacklogSeconds} s`, fmt(p.fromPlatform), fmt(p.toRouter), `${p.resources.cpuPercent} / ${p.resources.rssMb}`]),
    ])}\n`)
    if (burst > 0) {
      process.stdout.write(`\n${table([
        [`burst of ${burst.toLocaleString('en')}`, 'mentions/s'],
        ...stages.map((s) => [s.stage, s.completedAfterMs === undefined ? `— (${s.reached.toLocaleString('en')} reached)` : Math.round(s.perSecond).toLocaleString('en')]),
        ['end to end (made available → last ticket event on SSE)', endToEnd === 0 ? '— (not every event came)' : Math.round(endToEnd).toLocaleString('en')],
        ['made available → last mention stored by the router', Math.round(toRouterPerSecond).toLocaleString('en')],
        ['peak RSS during the burst (MB)', String(Math.round(burstPeakRss))],
      ])}\n`)
    }
    process.stdout.write(`\n${feedNote}\n`)
    mkdirSync('bench-results', { recursive: true })
    writeFileSync(join('bench-results', 'e2e-embedded.json'), `${JSON.stringify(result, null, 2)}\n`)
    writeFileSync(join('bench-results', 'e2e-embedded.svg'), chart(phases, stages))
    process.stdout.write('\nwritten to bench-results/e2e-embedded.json and bench-results/e2e-embedded.svg\n')

    const multiFile = join('bench-results', 'e2e.json')
    if (existsSync(multiFile)) {
      try {
        const multi = JSON.parse(readFileSync(multiFile, 'utf8')) as MultiProcessResult
        process.stdout.write(`\nmulti-process (${multiFile}) vs embedded (this run):\n${comparison(multi, result)}\n`)
      } catch (err) {
        process.stderr.write(`cannot compare with ${multiFile} (${err instanceof Error ? err.message : String(err)}); run \`npm run bench -- e2e\` again to rewrite it\n`)
      }
    } else {
      process.stdout.write(`\nno ${multiFile} to compare with: run \`npm run bench -- e2e\` (it needs Java for Kafka, PostgreSQL and Redis), then this again\n`)
    }
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await cleanUp()
  }
}
