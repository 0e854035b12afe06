import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Kafka, logLevel } from 'kafkajs'
import { createKafkaBus } from '@earshot/bus'
import { type TicketEvent, topicNames, topics } from '@earshot/contracts'
import { createPool, migrate } from '@earshot/store'
import { startDedicatedKafka } from '../e2e/dedicated-kafka.js'
import { buildServices, cpuSecondsOfCommand, FakeXProcess, pacedSender, type ResourceSample, sampleResources, ServiceProcess, serviceEnvironments, type ServiceName, serviceNames } from '../e2e/pipeline.js'
import { benchDatabase, percentile, table } from './infra.js'

export interface Quantiles { p50: number, p95: number, p99: number }

interface RatePhase {
  rate: number
  seconds: number
  sent: number
  ticketed: number
  /** Backlog still untouched when the phase's traffic stopped, in seconds of that traffic. */
  backlogSeconds: number
  sustained: boolean
  fromPlatform: { p50: number, p95: number, p99: number }
  fromIngest: { p50: number, p95: number, p99: number }
  /** From ingest to the router's ticket write (the event's occurredAt): the rest is the outbox relay and delivery. */
  ingestToWrite: { p50: number, p95: number, p99: number }
  resources: Record<ServiceName, { rssMb: number, cpuPercent: number }>
}

export const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

export function quantiles (values: number[]): Quantiles {
  const sorted = [...values].sort((a, b) => a - b)
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) }
}

/** Latency against rate (p50/p95/p99, log scale) and throughput per stage, as one SVG. */
export function chart (phases: Array<{ rate: number, fromPlatform: Quantiles }>, stages: Array<{ stage: string, perSecond: number }>): string {
  const w = 900
  const h = 360
  const left = { x: 60, y: 30, w: 380, h: 270 }
  const right = { x: 520, y: 30, w: 340, h: 270 }
  const maxLatency = Math.max(10, ...phases.map((p) => p.fromPlatform.p99))
  const logY = (ms: number): number => left.y + left.h - (Math.log10(Math.max(1, ms)) / Math.log10(maxLatency * 1.2)) * left.h
  const x = (i: number): number => left.x + (phases.length === 1 ? left.w / 2 : (i / (phases.length - 1)) * left.w)
  const colours = { p50: '#2b8a3e', p95: '#e67700', p99: '#c92a2a' }
  const lines = (['p50', 'p95', 'p99'] as const).map((q) => {
    const points = phases.map((p, i) => `${x(i).toFixed(1)},${logY(p.fromPlatform[q]).toFixed(1)}`).join(' ')
    const dots = phases.map((p, i) => `<circle cx="${x(i).toFixed(1)}" cy="${logY(p.fromPlatform[q]).toFixed(1)}" r="3" fill="${colours[q]}"/>`).join('')
    return `<polyline fill="none" stroke="${colours[q]}" stroke-width="2" points="${points}"/>${dots}`
  }).join('')
  const ticks = [10, 100, 1000, 10_000, 100_000].filter((t) => t <= maxLatency * 1.2)
    .map((t) => `<text x="${left.x - 6}" y="${logY(t) + 4}" text-anchor="end" font-size="11">${t >= 1000 ? `${t / 1000}s` : `${t}ms`}</text><line x1="${left.x}" x2="${left.x + left.w}" y1="${logY(t)}" y2="${logY(t)}" stroke="#eee"/>`).join('')
  const xLabels = phases.map((p, i) => `<text x="${x(i)}" y="${left.y + left.h + 16}" text-anchor="middle" font-size="11">${p.rate}/s</text>`).join('')
  const maxStage = Math.max(1, ...stages.map((s) => s.perSecond))
  const barW = right.w / stages.length - 16
  const bars = stages.map((s, i) => {
    const bh = (s.perSecond / maxStage) * right.h
    const bx = right.x + i * (right.w / stages.length) + 8
    return `<rect x="${bx}" y="${right.y + right.h - bh}" width="${barW}" height="${bh}" fill="#1c7ed6"/>` +
      `<text x="${bx + barW / 2}" y="${right.y + right.h - bh - 4}" text-anchor="middle" font-size="11">${Math.round(s.perSecond).toLocaleString('en')}</text>` +
      `<text x="${bx + barW / 2}" y="${right.y + right.h + 16}" text-anchor="middle" font-size="11">${s.stage}</text>`
  }).join('')
  const legend = (['p50', 'p95', 'p99'] as const).map((q, i) => `<text x="${left.x + 10 + i * 50}" y="${left.y + 12}" font-size="11" fill="${colours[q]}">${q}</text>`).join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${left.x}" y="18" font-size="13" font-weight="bold">Mention on the platform → ticket event (ms, log scale) by offered rate</text>
<text x="${right.x}" y="18" font-size="13" font-weight="bold">Sustained throughput per stage (mentions/s)</text>
${ticks}${lines}${xLabels}${legend}
<line x1="${left.x}" x2="${left.x}" y1="${left.y}" y2="${left.y + left.h}" stroke="#333"/>
${bars}
</svg>
`
}

/**
 * The fake X server → ingest-x → Kafka → classifier → router → PostgreSQL (→ outbox → tickets.v1),
 * every service its own process on a dedicated Kafka broker, the machine's PostgreSQL and Redis.
 */
export async function runE2eBenchmark (args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      rates: { type: 'string', default: '100,1000,3000,5000' },
      seconds: { type: 'string', default: '15' },
      burst: { type: 'string', default: '30000' },
      port: { type: 'string', default: '39492' },
      source: { type: 'boolean', default: false },
    },
  })
  const rates = values.rates.split(',').map(Number)
  const seconds = Number(values.seconds)
  const burst = Number(values.burst)
  const runId = Date.now().toString(36)
  const workDir = mkdtempSync(join(tmpdir(), 'earshot-e2e-'))
  // The containers run the compiled services; so does the benchmark (tsx adds esbuild's helpers to hot code).
  if (!values.source) buildServices('each services/*/dist/main.js')
  process.stderr.write(`e2e benchmark: starting a dedicated broker on ${values.port}…\n`)
  const kafka = startDedicatedKafka(Number(values.port), join(workDir, 'kafka'))
  const db = await benchDatabase()
  const pool = createPool({ connectionString: db.url, max: 2 })
  const fake = await FakeXProcess.start(4)
  const tenants = fake.brandIds.map((_, i) => `e2e-${runId}-${i}`)
  const bus = createKafkaBus({ brokers: kafka.brokers, clientId: 'bench-e2e' })
  const admin = new Kafka({ brokers: kafka.brokers, clientId: 'bench-e2e-admin', logLevel: logLevel.NOTHING }).admin()
  const services = new Map<ServiceName, ServiceProcess>()
  try {
    await migrate(pool)
    await bus.ensureTopics(topicNames.map((name) => ({ name, partitions: 6 })))
    await admin.connect()
    const env = serviceEnvironments({ kafkaBrokers: kafka.brokers, databaseUrl: db.url, redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', runId, tenants, brandIds: fake.brandIds, fakeXUrl: fake.url, workDir })
    for (const name of serviceNames) {
      const service = new ServiceProcess(name, env[name], 2_000, !values.source)
      service.start()
      services.set(name, service)
    }

    // When each mention's ticket event arrived (the mention id is the snapshot's newest).
    const ticketedAt = new Map<string, number>()
    const writtenAt = new Map<string, number>()
    const watcher = bus.consumer({
      groupId: `bench-e2e-watch-${runId}`,
      topics: [topics.tickets],
      // The watcher measures when an event is on the topic: it waits at most 10 ms for a fuller fetch
      // (the bus default, 40 ms, would be counted as latency; 1 byte makes it fetch nonstop and load the broker).
      fetch: { minBytes: 64 * 1024, maxWaitMs: 10 },
      handler: async (batch) => {
        const at = Date.now()
        for (const message of batch.messages) {
          // Parsed, not validated: the router validated each event before storing it, and the watcher's
          // CPU is taken from the pipeline it measures (validation cost it about a tenth of a core at 1,000/s).
          const event = JSON.parse(String(message.value)) as TicketEvent
          for (const id of event.ticket.mentionIds) {
            const key = `${event.tenantId}/${id}`
            if (ticketedAt.has(key)) continue
            ticketedAt.set(key, at)
            writtenAt.set(key, Date.parse(event.occurredAt))
          }
        }
      },
    })
    await watcher.start()

    // Warm-up: every process loaded (the classifier's models, tsx) and the first tickets written.
    process.stderr.write('warming up (services start, models load)…\n')
    await fake.add(40)
    const warmDeadline = Date.now() + 120_000
    while (ticketedAt.size < 40) {
      if (Date.now() > warmDeadline) throw new Error(`warm-up: only ${ticketedAt.size}/40 mentions reached tickets.v1 in 120 s; see the services' logs above`)
      await sleep(200)
    }

    async function latencies (since: number): Promise<{ fromPlatform: number[], fromIngest: number[], ingestToWrite: number[] }> {
      const { rows } = await pool.query<{ tenant_id: string, id: string, created_at: Date, received_at: Date }>(
        'SELECT tenant_id, id, created_at, received_at FROM mentions WHERE tenant_id = ANY($1) AND created_at >= $2', [tenants, new Date(since)])
      const fromPlatform: number[] = []
      const fromIngest: number[] = []
      const ingestToWrite: number[] = []
      for (const row of rows) {
        const at = ticketedAt.get(`${row.tenant_id}/${row.id}`)
        if (at === undefined) continue
        fromPlatform.push(at - row.created_at.getTime())
        fromIngest.push(at - row.received_at.getTime())
        ingestToWrite.push((writtenAt.get(`${row.tenant_id}/${row.id}`) ?? at) - row.received_at.getTime())
      }
      return { fromPlatform, fromIngest, ingestToWrite }
    }

    const phases: RatePhase[] = []
    for (const rate of rates) {
      const before = new Map([...services].map(([name, s]) => [name, sampleResources(s.pid ?? 0)]))
      const peakRss = new Map<ServiceName, number>()
      const startTicketed = ticketedAt.size
      const count = rate * seconds
      process.stderr.write(`rate ${rate}/s for ${seconds} s (${count} mentions)…\n`)
      const traffic = pacedSender(rate, count, async (n) => {
        await fake.add(n)
        for (const [name, s] of services) peakRss.set(name, Math.max(peakRss.get(name) ?? 0, sampleResources(s.pid ?? 0)?.rssMb ?? 0))
      })
      const begin = traffic.begin
      await traffic.until()
      const trafficEnd = Date.now()
      const atEnd = ticketedAt.size - startTicketed
      const backlogSeconds = Number(((count - atEnd) / rate).toFixed(1))
      const after = new Map([...services].map(([name, s]) => [name, sampleResources(s.pid ?? 0)]))
      const elapsed = (trafficEnd - begin) / 1000
      const drainDeadline = Date.now() + 180_000
      while (ticketedAt.size - startTicketed < count && Date.now() < drainDeadline) await sleep(200)
      const measured = await latencies(begin)
      const resources = Object.fromEntries(serviceNames.map((name) => {
        const a = before.get(name) as ResourceSample | undefined
        const b = after.get(name) as ResourceSample | undefined
        return [name, { rssMb: Math.round(peakRss.get(name) ?? 0), cpuPercent: a === undefined || b === undefined ? 0 : Math.round(((b.cpuSeconds - a.cpuSeconds) / elapsed) * 100) }]
      })) as RatePhase['resources']
      phases.push({
        rate,
        seconds,
        sent: count,
        ticketed: measured.fromPlatform.length,
        backlogSeconds,
        sustained: backlogSeconds <= 2,
        fromPlatform: quantiles(measured.fromPlatform),
        fromIngest: quantiles(measured.fromIngest),
        ingestToWrite: quantiles(measured.ingestToWrite),
        resources,
      })
    }

    // Sustained throughput: a burst posted at once, each stage's rate from its first to its last message.
    process.stderr.write(`burst of ${burst} mentions at once…\n`)
    const offsets = async (topic: string): Promise<number> => (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0)
    const stageNames = ['ingest → mentions.v1', 'classifier → mentions.classified.v1', 'router → tickets.v1'] as const
    const base = [await offsets(topics.mentions), await offsets(topics.mentionsClassified), ticketedAt.size]
    const firstAt: Array<number | undefined> = [undefined, undefined, undefined]
    const doneAt: Array<number | undefined> = [undefined, undefined, undefined]
    // CPU time of every part, services, broker, database, cache, fake and watcher, from the burst's
    // start to its last ticket event: per mention it is what the machine pays, whatever its speed.
    const ownCpuSeconds = (): number => {
      const { user, system } = process.cpuUsage()
      return (user + system) / 1e6
    }
    const cpuByPart = (): Record<string, number> => ({
      ...Object.fromEntries([...services].map(([name, s]) => [name, sampleResources(s.pid ?? 0)?.cpuSeconds ?? 0])),
      broker: sampleResources(kafka.pid() ?? 0)?.cpuSeconds ?? 0,
      postgres: cpuSecondsOfCommand('postgres'),
      redis: cpuSecondsOfCommand('redis-server'),
      'fake X': sampleResources(fake.pid ?? 0)?.cpuSeconds ?? 0,
      'bench watcher': ownCpuSeconds(),
    })
    const cpuAtStart = cpuByPart()
    let cpuAtEnd: Record<string, number> | undefined
    const burstStart = Date.now()
    await fake.add(burst)
    const burstDeadline = Date.now() + 300_000
    while (doneAt.some((d) => d === undefined) && Date.now() < burstDeadline) {
      const now = [await offsets(topics.mentions), await offsets(topics.mentionsClassified), ticketedAt.size]
      for (let i = 0; i < 3; i++) {
        const progressed = now[i]! - base[i]!
        if (progressed > 0 && firstAt[i] === undefined) firstAt[i] = Date.now()
        if (progressed >= burst && doneAt[i] === undefined) {
          doneAt[i] = Date.now()
          if (i === 2) cpuAtEnd = cpuByPart()
        }
      }
      await sleep(100)
    }
    const stages = stageNames.map((stage, i) => ({
      stage,
      perSecond: doneAt[i] === undefined || firstAt[i] === undefined ? 0 : burst / (Math.max(100, doneAt[i]! - firstAt[i]!) / 1000),
      completedAfterMs: doneAt[i] === undefined ? undefined : doneAt[i]! - burstStart,
    }))
    const endToEnd = doneAt[2] === undefined ? 0 : burst / ((doneAt[2] - burstStart) / 1000)
    await watcher.stop()
    // CPU milliseconds per 1,000 mentions (= µs per mention) for each part.
    const cpuPerMention = cpuAtEnd === undefined
      ? undefined
      : Object.fromEntries(Object.keys(cpuAtStart).map((part) => [part, Math.round(((cpuAtEnd![part] ?? 0) - (cpuAtStart[part] ?? 0)) * 1e6 / burst)]))
    const cpuTotal = cpuPerMention === undefined ? 0 : Object.values(cpuPerMention).reduce((sum, us) => sum + us, 0)

    // Sustained throughput: the highest offered rate the pipeline kept up with (its lag did not grow past 2 s).
    const kept = phases.filter((p) => p.sustained).map((p) => p.rate)
    const sustainedPerSecond = kept.length === 0 ? 0 : Math.max(...kept)
    const notKept = phases.filter((p) => !p.sustained && p.rate > sustainedPerSecond).map((p) => p.rate)
    const sustainedLine = sustainedPerSecond === 0
      ? `sustained throughput: none of the rates tried was kept up with (${phases.map((p) => p.rate).join(', ')}/s)`
      : `sustained throughput: ${sustainedPerSecond.toLocaleString('en')} mentions/s, the highest rate tried that was kept up with (backlog ≤ 2 s when its traffic stopped)${notKept.length === 0 ? '; try higher rates' : `; ${notKept.map((r) => r.toLocaleString('en')).join(', ')}/s fell behind`}`
    const result = { broker: kafka.version, runId, services: values.source ? 'src/main.ts via tsx' : 'dist/main.js (compiled)', phases, sustainedPerSecond, burst: { mentions: burst, stages, endToEndPerSecond: Math.round(endToEnd), cpuMicrosecondsPerMention: cpuPerMention } }
    const fmt = (q: { p50: number, p95: number, p99: number }): string => `${q.p50} / ${q.p95} / ${q.p99}`
    process.stdout.write(`\n${table([
      ['offered rate', 'sent', 'ticketed', 'backlog', 'platform→event p50/p95/p99 ms', 'ingest→event p50/p95/p99 ms', 'ingest→ticket write', ...serviceNames.map((n) => `${n} CPU% / RSS MB`)],
      ...phases.map((p) => [`${p.rate}/s${p.sustained ? '' : ' (not sustained)'}`, String(p.sent), String(p.ticketed), `${p.backlogSeconds} s`, fmt(p.fromPlatform), fmt(p.fromIngest), fmt(p.ingestToWrite),
        ...serviceNames.map((n) => `${p.resources[n].cpuPercent} / ${p.resources[n].rssMb}`)]),
    ])}\n${sustainedLine}\n\n${table([
      [`burst of ${burst.toLocaleString('en')}`, 'mentions/s'],
      ...stages.map((s) => [s.stage, Math.round(s.perSecond).toLocaleString('en')]),
      ['end to end (post → last ticket event)', Math.round(endToEnd).toLocaleString('en')],
    ])}\n${cpuPerMention === undefined
      ? ''
      : `\n${table([
        ['CPU during the burst', 'µs per mention'],
        ...Object.entries(cpuPerMention).map(([part, us]) => [part, String(us)]),
        ['total (2 cores allow at most)', `${cpuTotal} (${Math.round(2e6 / Math.max(1, cpuTotal)).toLocaleString('en')}/s)`],
      ])}\n`}`)
    mkdirSync('bench-results', { recursive: true })
    writeFileSync(join('bench-results', 'e2e.json'), `${JSON.stringify(result, null, 2)}\n`)
    writeFileSync(join('bench-results', 'e2e.svg'), chart(phases, stages))
    process.stdout.write('\nwritten to bench-results/e2e.json and bench-results/e2e.svg\n')
  } finally {
    for (const service of services.values()) await service.stop(10_000)
    await admin.disconnect().catch(() => {})
    await bus.close()
    await fake.stop()
    await pool.end()
    // E2E_KEEP_DATABASE=1 leaves the database for inspection (its URL is printed at the start).
    if (process.env.E2E_KEEP_DATABASE === '1') process.stderr.write(`kept ${db.url}\n`)
    else await db.drop()
    kafka.stop()
  }
}
