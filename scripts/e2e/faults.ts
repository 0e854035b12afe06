// npm run test:faults [-- --mentions 20000 --rate 500]: mentions flow through every service (each its
// own process) while each service is killed with SIGKILL and restarted, the Kafka broker, a private
// PostgreSQL and a private Redis are crashed and restarted, and poison messages are injected. Then
// it checks that nothing was lost or duplicated. Exits 1 with the failed checks.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createKafkaBus, readDeadLetter } from '@earshot/bus'
import { type ClassifiedMention, decodeEvent, topicNames, topics } from '@earshot/contracts'
import { createPolicyBook } from '@earshot/router'
import { createPool, migrate } from '@earshot/store'
import { evaluate } from '@earshot/triage'
import { startDedicatedKafka } from './dedicated-kafka.js'
import { FakeXProcess, pacedSender, ServiceProcess, serviceEnvironments, type ServiceName, serviceNames } from './pipeline.js'
import { startPrivatePostgres, startPrivateRedis } from './private-services.js'

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }
const say = (line: string): void => { process.stderr.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${line}\n`) }

interface Fault { at: number, name: string, run: () => Promise<void> }

async function main (): Promise<void> {
  const { values } = parseArgs({
    options: {
      mentions: { type: 'string', default: '20000' },
      rate: { type: 'string', default: '500' },
      'kafka-port': { type: 'string', default: '39592' },
      'pg-port': { type: 'string', default: '55433' },
      'redis-port': { type: 'string', default: '56380' },
    },
  })
  const total = Number(values.mentions)
  const rate = Number(values.rate)
  const runId = Date.now().toString(36)
  const workDir = mkdtempSync(join(tmpdir(), 'earshot-faults-'))
  chmodSync(workDir, 0o755) // the private PostgreSQL runs as the postgres user
  say(`${total} mentions at ${rate}/s; work dir ${workDir}`)
  const kafka = startDedicatedKafka(Number(values['kafka-port']), join(workDir, 'kafka'))
  say(`broker: ${kafka.version}`)
  const postgres = await startPrivatePostgres(join(workDir, 'postgres'), Number(values['pg-port'])).catch((err: unknown) => { kafka.stop(); throw err })
  const redis = await startPrivateRedis(join(workDir, 'redis'), Number(values['redis-port'])).catch((err: unknown) => { kafka.stop(); postgres.stop(); throw err })
  say(`private PostgreSQL ${postgres.url}, private Redis ${redis.url}`)
  const pool = createPool({ connectionString: postgres.url, max: 2 })
  const fake = await FakeXProcess.start(4)
  const tenants = fake.brandIds.map((_, i) => `faults-${runId}-${i}`)
  const bus = createKafkaBus({ brokers: kafka.brokers, clientId: 'faults' })
  const services = new Map<ServiceName, ServiceProcess>()
  const failures: string[] = []
  const check = (ok: boolean, what: string): void => {
    say(`${ok ? 'ok  ' : 'FAIL'} ${what}`)
    if (!ok) failures.push(what)
  }
  try {
    await migrate(pool)
    await bus.ensureTopics(topicNames.map((name) => ({ name, partitions: 6 })))
    const env = serviceEnvironments({ kafkaBrokers: kafka.brokers, databaseUrl: postgres.url, redisUrl: redis.url, runId, tenants, brandIds: fake.brandIds, fakeXUrl: fake.url, workDir, logLevel: process.env.FAULTS_LOG_LEVEL })
    for (const name of serviceNames) {
      const service = new ServiceProcess(name, env[name])
      service.start()
      services.set(name, service)
    }
    const stored = async (): Promise<number> => {
      for (;;) {
        try {
          const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM mentions WHERE tenant_id = ANY($1)', [tenants])
          return Number(rows[0]?.n ?? 0)
        } catch { await sleep(500) } // the private PostgreSQL may be restarting
      }
    }

    const posted: string[] = []
    posted.push(...await fake.add(20))
    const warmDeadline = Date.now() + 120_000
    while (await stored() < 20) {
      if (Date.now() > warmDeadline) throw new Error('warm-up: the first 20 mentions were not stored within 120 s; see the services\' logs above')
      await sleep(250)
    }
    say('pipeline warm; traffic and faults begin')

    // A kill between batches proves little: each consumer is killed while it works through a burst,
    // once its output has started to grow, so uncommitted work is in flight (a build that commits
    // offsets before the handler loses it, and the checks below fail).
    const burst = Math.max(1000, Math.round(rate * 4))
    const admin = bus.kafka.admin()
    await admin.connect()
    const classifiedCount = async (): Promise<number> => (await admin.fetchTopicOffsets(topics.mentionsClassified)).reduce((sum, p) => sum + Number(p.high), 0)
    async function killMidBurst (name: ServiceName, output: () => Promise<number>): Promise<void> {
      const before = await output()
      posted.push(...await fake.add(burst))
      const deadline = Date.now() + 30_000
      while (await output() < before + burst / 10 && Date.now() < deadline) await sleep(20)
      await services.get(name)!.restart('kill')
      say(`  killed ${name} after ${(await output()) - before} of the burst's ${burst} had come out of it`)
    }
    const poison = [
      { name: 'malformed JSON', value: Buffer.from('{"schemaVersion":1,"tenantId":') },
      { name: 'schema-invalid event', value: Buffer.from(JSON.stringify({ schemaVersion: 1, tenantId: tenants[0], id: 'x:1', text: 42 })) },
      { name: 'oversized 10 MB message', value: Buffer.from(JSON.stringify({ schemaVersion: 1, tenantId: tenants[0], text: 'a'.repeat(10 * 1024 * 1024) })) },
    ]
    const poisonKeys = poison.map((p, i) => `${tenants[0]!}:poison-${runId}-${i}`)
    const faults: Fault[] = [
      { at: 0.08, name: 'kill -9 ingest-x and restart', run: async () => { await services.get('ingest-x')!.restart('kill') } },
      { at: 0.18, name: `kill -9 classifier mid-batch (during a burst of ${burst}) and restart`, run: async () => { await killMidBurst('classifier', classifiedCount) } },
      { at: 0.28, name: `kill -9 router mid-batch (during a burst of ${burst}) and restart`, run: async () => { await killMidBurst('router', stored) } },
      {
        at: 0.38,
        name: 'inject poison messages into mentions.v1',
        run: async () => {
          const producer = bus.producer()
          await producer.send(topics.mentions, poison.map((p, i) => ({ key: poisonKeys[i]!, value: p.value })))
          await producer.close()
        },
      },
      // Down for longer than kafkajs's retries last (~30 s), so clients must recover from giving up, not only retry.
      { at: 0.48, name: 'crash the Kafka broker (SIGKILL), keep it down 40 s, restart it', run: async () => { await kafka.restart({ kill: true, pauseSeconds: 40 }) } },
      { at: 0.62, name: 'crash PostgreSQL (immediate stop) and restart it', run: async () => { await postgres.crashAndRestart() } },
      { at: 0.76, name: 'crash Redis (SIGKILL) and restart it', run: async () => { await redis.crashAndRestart() } },
    ]

    const traffic = pacedSender(rate, total, async (n) => { posted.push(...await fake.add(n)) })
    let pending: Promise<void> = Promise.resolve()
    for (const fault of faults) {
      // Traffic keeps flowing while a fault runs: the fault is started, not awaited, before the next ticks.
      await traffic.until(fault.at * total)
      await pending
      say(`fault: ${fault.name} (after ${traffic.sent} mentions)`)
      pending = fault.run()
    }
    await traffic.until()
    await pending
    say(`all ${posted.length} mentions posted in ${Math.round((Date.now() - traffic.begin) / 1000)} s; waiting for the pipeline to catch up`)

    // Up to 5 minutes, but a pipeline that stored nothing for 90 s has stalled (or lost the rest).
    const drainDeadline = Date.now() + 300_000
    let last = -1
    let progressAt = Date.now()
    for (;;) {
      const n = await stored()
      if (n >= posted.length) break
      if (n !== last) {
        say(`${n}/${posted.length} mentions stored`)
        progressAt = Date.now()
      }
      last = n
      if (Date.now() > drainDeadline || Date.now() - progressAt > 90_000) break
      await sleep(1000)
    }
    // Let the relay publish the last events.
    const relayDeadline = Date.now() + 60_000
    let unsent = -1
    let unfolded = -1
    while (Date.now() < relayDeadline) {
      const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM incident_mentions WHERE tenant_id = ANY($1)', [tenants])
      unfolded = Number(rows[0]?.n ?? 0)
      const { rows: outbox } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox_pending JOIN outbox USING (id) WHERE tenant_id = ANY($1)', [tenants])
      unsent = Number(outbox[0]?.n ?? 0)
      if (unsent === 0 && unfolded === 0) break
      await sleep(500)
    }

    // 1. Every mention id exactly once.
    const { rows: mentionRows } = await pool.query<{ id: string, tenant_id: string, ticket_id: string | null, event: ClassifiedMention }>(
      'SELECT id, tenant_id, ticket_id, event FROM mentions WHERE tenant_id = ANY($1)', [tenants])
    const storedIds = new Set(mentionRows.map((r) => r.id))
    const missing = posted.filter((id) => !storedIds.has(`x:${id}`))
    check(missing.length === 0, `every posted mention is stored (${storedIds.size}/${posted.length}; missing ${missing.length}${missing.length > 0 ? `, e.g. ${missing.slice(0, 3).join(', ')}` : ''})`)
    check(mentionRows.length === storedIds.size && mentionRows.length === posted.length, `no mention is stored twice (${mentionRows.length} rows for ${posted.length} mentions)`)

    // 2. Tickets as the policy implies: each mention is its own conversation, so one ticket each, at the priority the policy gives it.
    const { rows: ticketRows } = await pool.query<{ id: string, tenant_id: string, conversation_id: string, priority: string, kind: string | null }>(
      "SELECT id, tenant_id, conversation_id, priority, details->>'kind' AS kind FROM tickets WHERE tenant_id = ANY($1)", [tenants])
    const conversationTickets = ticketRows.filter((t) => t.kind !== 'incident')
    const perConversation = new Map<string, number>()
    for (const t of conversationTickets) perConversation.set(`${t.tenant_id}/${t.conversation_id}`, (perConversation.get(`${t.tenant_id}/${t.conversation_id}`) ?? 0) + 1)
    const duplicated = [...perConversation.values()].filter((n) => n > 1).length
    check(duplicated === 0, `no conversation has two tickets (${duplicated} do)`)
    check(conversationTickets.length === posted.length, `one ticket per mention's conversation (${conversationTickets.length} tickets for ${posted.length} mentions)`)
    const policies = createPolicyBook()
    const byTicket = new Map(conversationTickets.map((t) => [`${t.tenant_id}/${t.id}`, t]))
    let wrongPriority = 0
    for (const row of mentionRows) {
      const expected = evaluate(policies.policyFor(row.tenant_id), { mention: row.event, queueSize: 0 }, new Date(row.event.receivedAt)).priority
      if (byTicket.get(`${row.tenant_id}/${row.ticket_id ?? ''}`)?.priority !== expected) wrongPriority++
    }
    check(wrongPriority === 0, `every ticket has the priority the policy gives its mention (${wrongPriority} differ)`)

    // 2b. Each incident counts exactly the mentions whose tickets name it (one mention per ticket here): grouped once and folded once, through the crashes.
    const { rows: incidentCounts } = await pool.query<{ id: string, counted: number, named: string }>(
      `SELECT i.id, (i.details->'incident'->>'mentionCount')::int AS counted,
         (SELECT count(*) FROM tickets t WHERE t.tenant_id = i.tenant_id AND t.details->>'incidentId' = i.id) AS named
       FROM tickets i WHERE i.tenant_id = ANY($1) AND i.details->>'kind' = 'incident'`, [tenants])
    const miscounted = incidentCounts.filter((r) => r.counted !== Number(r.named))
    check(unfolded === 0 && miscounted.length === 0, `every incident counts exactly the mentions grouped under it (${incidentCounts.length} incidents, ${miscounted.length} miscounted${miscounted.length > 0 ? ` e.g. ${miscounted[0]!.id}: ${miscounted[0]!.counted} vs ${miscounted[0]!.named}` : ''}; ${unfolded} waiting to be folded)`)

    // 3. The outbox is fully relayed, and tickets.v1 holds every ticket's events with contiguous sequences.
    check(unsent === 0, `the outbox is fully relayed (${unsent} unsent)`)
    const { rows: lastSequences } = await pool.query<{ tenant_id: string, id: string, last_sequence: number }>(
      'SELECT tenant_id, id, last_sequence FROM tickets WHERE tenant_id = ANY($1)', [tenants])
    const published = await bus.readAll(topics.tickets, { timeoutMs: 30_000 })
    const sequences = new Map<string, Set<number>>()
    const seenEvents = new Set<string>()
    let duplicateEvents = 0
    for (const message of published) {
      const event = decodeEvent(topics.tickets, message.value)
      if (!tenants.includes(event.tenantId)) continue
      if (seenEvents.has(event.eventId)) { duplicateEvents++; continue }
      seenEvents.add(event.eventId)
      const key = `${event.tenantId}/${event.ticketId}`
      const set = sequences.get(key) ?? new Set<number>()
      set.add(event.sequence)
      sequences.set(key, set)
    }
    let gaps = 0
    for (const t of lastSequences) {
      const set = sequences.get(`${t.tenant_id}/${t.id}`) ?? new Set<number>()
      for (let s = 1; s <= t.last_sequence; s++) if (!set.has(s)) { gaps++; break }
      if (set.size !== t.last_sequence) { gaps++ }
    }
    check(gaps === 0, `tickets.v1 holds every ticket's events 1..last_sequence (${gaps} of ${lastSequences.length} tickets incomplete; ${duplicateEvents} duplicate deliveries removed by eventId)`)

    // 4. The DLQ holds exactly the poison messages, each with its reason.
    const dead = await bus.readAll(`${topics.mentions}.dlq`, { timeoutMs: 15_000 })
    const ours = dead.filter((m) => (m.key ?? '').startsWith(`${tenants[0]!}:`))
    const keys = ours.map((m) => m.key ?? '').sort()
    check(JSON.stringify([...new Set(keys)]) === JSON.stringify([...poisonKeys].sort()), `mentions.v1.dlq holds exactly the ${poison.length} poison messages (${keys.length} dead letters: ${keys.join(', ')})`)
    for (const message of ours) {
      const info = readDeadLetter(message)
      const which = poison[poisonKeys.indexOf(message.key ?? '')]?.name ?? '?'
      check(info.error.length > 0 && info.topic === topics.mentions, `dead letter for the ${which} has a reason: ${info.errorCode} ${info.error.slice(0, 120)}`)
    }
    const restarts = [...services.values()].map((s) => `${s.name} ×${s.restarts}${s.crashes > 0 ? ` (+${s.crashes} by the supervisor after exiting by itself)` : ''}`).join(', ')
    say(`services restarted: ${restarts}`)
    await admin.disconnect()
  } finally {
    for (const service of services.values()) await service.stop(10_000)
    await bus.close().catch(() => {})
    await fake.stop()
    await pool.end().catch(() => {})
    postgres.stop()
    await redis.stop()
    kafka.stop()
  }
  if (failures.length > 0) {
    say(`${failures.length} check(s) failed:\n  ${failures.join('\n  ')}`)
    process.exit(1)
  }
  rmSync(workDir, { recursive: true, force: true })
  say('every check passed')
}

main().catch((err: unknown) => {
  say(`failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`)
  process.exit(1)
})
