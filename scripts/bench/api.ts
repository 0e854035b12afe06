import { spawn } from 'node:child_process'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { seedUser } from '@earshot/api'
import { sampleClassification, sampleClassifiedMention, type TicketPriority } from '@earshot/contracts'
import { createPool, createTicketRepository, migrate, type Pool, type TicketRow } from '@earshot/store'
import { benchDatabase, percentile, table, writeBenchResult } from './infra.js'

const TENANTS = 5
const priorities: TicketPriority[] = ['low', 'normal', 'normal', 'normal', 'high', 'high', 'critical']
const statuses: TicketRow['status'][] = ['open', 'open', 'open', 'acknowledged', 'escalated', 'resolved']

/** Tickets with one classified mention each, written like the router writes them (the 0003 trigger fills urgency). */
export async function seedQueue (pool: Pool, tickets: number): Promise<void> {
  const repo = createTicketRepository()
  for (let t = 0; t < TENANTS; t++) await pool.query('INSERT INTO tenants (id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING', [`bench-${t}`])
  const base = Date.UTC(2026, 2, 2, 8)
  for (let start = 0; start < tickets; start += 1000) {
    const rows: TicketRow[] = []
    const mentions: Parameters<typeof repo.insertNewMentions>[1] = []
    const assignments: Parameters<typeof repo.assignMentions>[1] = []
    for (let i = start; i < Math.min(tickets, start + 1000); i++) {
      const tenantId = `bench-${i % TENANTS}`
      const created = new Date(base + i * 1000)
      const ticket: TicketRow = {
        tenantId,
        id: `tkt_${i}`,
        conversationId: `x:c${i}`,
        platform: 'x',
        status: statuses[i % statuses.length] ?? 'open',
        priority: priorities[i % priorities.length] ?? 'normal',
        team: i % 4 === 0 ? 'support' : null,
        assignee: null,
        tags: [],
        sla: { firstResponseDueAt: new Date(created.getTime() + ((i * 7919) % 240) * 60_000).toISOString() },
        details: {},
        lastSequence: 1,
        createdAt: created,
        updatedAt: created,
        closedAt: null,
      }
      rows.push(ticket)
      const nativeId = String(1_900_000_000_000_000_000n + BigInt(i))
      const mention = sampleClassifiedMention({
        tenantId,
        nativeId,
        id: `x:${nativeId}`,
        conversationId: ticket.conversationId,
        text: `bench mention ${i}: the app is down again`,
        classification: sampleClassification({ urgency: { score: (i * 37) % 100, level: 'normal', reasons: [] } }),
      })
      mentions.push({ tenantId, id: mention.id, conversationId: mention.conversationId, platform: 'x', createdAt: mention.createdAt, receivedAt: mention.receivedAt, event: mention })
      assignments.push({ tenantId, mentionId: mention.id, ticketId: ticket.id, decision: { matchedRules: [] } })
    }
    await repo.saveTickets(pool, rows, [])
    await repo.insertNewMentions(pool, mentions)
    await repo.assignMentions(pool, assignments)
  }
  await pool.query('ANALYZE')
}

async function startApiProcess (databaseUrl: string, rateLimit: number): Promise<{ port: number, stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [...(process.env.API_BENCH_PROFILE_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${process.env.API_BENCH_PROFILE_DIR}`]), '--conditions=earshot-source', '--import', 'tsx', join(__dirname, 'api-server-process.ts'), databaseUrl, String(rateLimit)],
    { stdio: ['pipe', 'pipe', 'inherit'] })
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve)
    child.once('exit', (code) => reject(new Error(`the API process exited with ${String(code)}`)))
  })
  const { port } = JSON.parse(line) as { port: number }
  const exited = new Promise((resolve) => child.once('exit', resolve))
  return { port, stop: async () => { child.stdin.end(); await exited } }
}

/**
 * GET /v1/tickets at a fixed rate (open loop, keep-alive) against 10,000 seeded tickets, the API in
 * its own process on a fresh database; prints p50/p95/p99 and the achieved rate.
 */
export async function runApiBenchmark (args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      tickets: { type: 'string', default: '10000' },
      rate: { type: 'string', default: '500' },
      seconds: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '3' },
    },
  })
  const tickets = Number(values.tickets)
  const rate = Number(values.rate)
  const seconds = Number(values.seconds)
  const warmup = Number(values.warmup)
  const db = await benchDatabase()
  const pool = createPool({ connectionString: db.url, max: 4 })
  const agent = new Agent({ keepAlive: true, maxSockets: 64 })
  let stopServer = async (): Promise<void> => {}
  try {
    await migrate(pool)
    const seeded = performance.now()
    await seedQueue(pool, tickets)
    process.stderr.write(`api benchmark: ${tickets} tickets over ${TENANTS} tenants seeded in ${Math.round(performance.now() - seeded)} ms\n`)
    await seedUser(pool, { email: 'bench@earshot.test', password: 'bench-password', name: 'Bench', grants: Array.from({ length: TENANTS }, (_, t) => ({ tenantId: `bench-${t}`, role: 'agency_admin' as const })) })
    const server = await startApiProcess(db.url, rate * seconds * 2)
    stopServer = server.stop
    const port = server.port

    const call = (method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number, body: string, headers: Record<string, string | string[] | undefined> }> =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, method, agent, headers }, (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => { text += chunk })
          res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }) })
        })
        req.on('error', reject)
        // A request still unanswered after 10 s counts as failed, so an overloaded run ends.
        req.setTimeout(10_000, () => { req.destroy(new Error('timed out')) })
        req.end(body)
      })

    const login = await call('POST', '/v1/auth/login', { 'content-type': 'application/json' }, JSON.stringify({ email: 'bench@earshot.test', password: 'bench-password' }))
    const cookie = String((login.headers['set-cookie'] as string[] | undefined)?.[0] ?? '').split(';')[0] ?? ''
    const first = JSON.parse((await call('GET', '/v1/tickets?limit=50', { cookie })).body) as { nextCursor: string | null }
    // The console's mix: the whole queue, one tenant's open tickets, and the next page.
    const paths = ['/v1/tickets?limit=50', '/v1/tickets?tenant=bench-1&status=open&limit=50', `/v1/tickets?limit=50&cursor=${first.nextCursor ?? ''}`]

    // Serial first: the cost of one request with nothing queued, to tell server time from queueing.
    const serial: number[] = []
    for (let i = 0; i < 90; i++) {
      const sent = performance.now()
      await call('GET', paths[i % paths.length] ?? '/', { cookie })
      serial.push(performance.now() - sent)
    }
    serial.sort((a, b) => a - b)
    process.stderr.write(`  serial: p50 ${percentile(serial, 50).toFixed(1)} ms, p99 ${percentile(serial, 99).toFixed(1)} ms\n`)

    // Open loop: requests start on schedule whether or not earlier ones finished.
    async function load (count: number): Promise<{ latencies: number[], bySecond: number[][], failed: number, elapsed: number }> {
      const latencies: number[] = []
      const bySecond: number[][] = []
      let failed = 0
      const started = performance.now()
      const inFlight: Array<Promise<void>> = []
      for (let i = 0; i < count; i++) {
        const due = started + (i * 1000) / rate
        const wait = due - performance.now()
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait))
        const path = paths[i % paths.length] ?? paths[0] ?? '/'
        const sent = performance.now()
        const second = Math.floor((sent - started) / 1000)
        inFlight.push(call('GET', path, { cookie }).then((res) => {
          if (res.status !== 200) { failed++; return }
          const ms = performance.now() - sent
          latencies.push(ms);
          (bySecond[second] ??= []).push(ms)
        }, () => { failed++ }))
      }
      await Promise.all(inFlight)
      latencies.sort((a, b) => a - b)
      return { latencies, bySecond, failed, elapsed: (performance.now() - started) / 1000 }
    }

    // A cold server (JIT, a pool of one connection) answers its first second of load slowly; that is
    // reported on its own, and the figures are taken after it, as a running deployment would see them.
    const cold = await load(rate * warmup)
    process.stderr.write(`  warm-up ${warmup} s at ${rate}/s: p50 ${percentile(cold.latencies, 50).toFixed(1)} ms, p99 ${percentile(cold.latencies, 99).toFixed(1)} ms (not counted)\n`)
    const { latencies, bySecond, failed, elapsed } = await load(rate * seconds)
    const perSecond = bySecond.map((values) => percentile(values.sort((a, b) => a - b), 99).toFixed(0))
    process.stderr.write(`  p99 of each second: ${perSecond.join(' ')} ms\n`)
    const result = {
      tickets,
      targetRate: rate,
      achievedRate: Math.round(latencies.length / elapsed),
      requests: latencies.length,
      failed,
      warmupSeconds: warmup,
      serialP50Ms: Number(percentile(serial, 50).toFixed(1)),
      p50Ms: Number(percentile(latencies, 50).toFixed(1)),
      p95Ms: Number(percentile(latencies, 95).toFixed(1)),
      p99Ms: Number(percentile(latencies, 99).toFixed(1)),
    }
    process.stdout.write(`${table([
      ['GET /v1/tickets', 'rate/s', 'ok', 'failed', 'p50 ms', 'p95 ms', 'p99 ms'],
      [`${tickets} tickets`, String(result.achievedRate), String(result.requests), String(failed), String(result.p50Ms), String(result.p95Ms), String(result.p99Ms)],
    ])}\n`)
    writeBenchResult('api', result)
  } finally {
    agent.destroy()
    await stopServer()
    await pool.end()
    await db.drop()
  }
}
