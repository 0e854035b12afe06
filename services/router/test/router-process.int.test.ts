import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { createKafkaBus, type KafkaBus } from '@earshot/bus'
import { decodeEvent, encodeEvent, messageKeyFor, sampleClassifiedMention, topics } from '@earshot/contracts'
import { createPool, migrate, type Pool } from '@earshot/store'
import { freshDatabase, testEnvironment, uniqueName, waitFor } from '@earshot/testing'

const root = join(__dirname, '..', '..', '..')

describe('router process under kill -9', () => {
  let pool: Pool
  let database: { url: string, drop: () => Promise<void> }
  let bus: KafkaBus
  const children = new Set<ChildProcess>()

  beforeAll(async () => {
    database = await freshDatabase('router_kill')
    pool = createPool({ connectionString: database.url, max: 3 })
    await migrate(pool)
    bus = createKafkaBus({ brokers: testEnvironment().kafkaBrokers, clientId: 'router-kill-test' })
    await bus.ensureTopics([{ name: topics.mentionsClassified, partitions: 6 }, { name: topics.tickets, partitions: 6 }])
  })
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL')
    await bus.close()
    await pool.end()
    await database.drop()
  })

  function startRouter (groupId: string): ChildProcess {
    const child = spawn(process.execPath, ['--conditions=earshot-source', '--import', 'tsx', join(root, 'services/router/src/main.ts')], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        KAFKA_BROKERS: testEnvironment().kafkaBrokers.join(','),
        HTTP_PORT: '0',
        LOG_LEVEL: 'warn',
        ROUTER_GROUP_ID: groupId,
        ROUTER_SESSION_TIMEOUT: '6s',
        ROUTER_SCHEDULER_INTERVAL: '200ms',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    })
    children.add(child)
    child.once('exit', () => children.delete(child))
    return child
  }

  async function kill (child: ChildProcess): Promise<void> {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  }

  async function count (sql: string, params: unknown[]): Promise<number> {
    const { rows } = await pool.query<{ n: string }>(sql, params)
    return Number(rows[0]?.n ?? 0)
  }

  test('killed twice mid-stream, it loses no mention, duplicates no ticket, and publishes every event in sequence', async () => {
    const tenantId = uniqueName('kill').toLowerCase().slice(0, 40)
    const total = 3000
    const conversations = 300
    const producer = bus.producer()
    const mentions = Array.from({ length: total }, (_, i) => sampleClassifiedMention({
      tenantId,
      nativeId: String(1_900_000_000_000_000_000n + BigInt(i)),
      conversationId: `x:conversation-${i % conversations}`,
      url: undefined,
      receivedAt: new Date().toISOString(),
    }))
    const groupId = uniqueName('router')
    // Other runs' mentions on a long-lived broker are not this test's: the group starts at the end.
    await bus.moveGroupToEnd(groupId, topics.mentionsClassified)
    await producer.send(topics.mentionsClassified, mentions.map((m) => ({ key: messageKeyFor(m), value: encodeEvent(topics.mentionsClassified, m) })))
    await producer.close()
    const stored = async (): Promise<number> => await count('SELECT count(*) AS n FROM mentions WHERE tenant_id = $1', [tenantId])
    let router = startRouter(groupId)
    await waitFor(async () => await stored() >= 400, { timeoutMs: 60_000, message: '400 mentions stored' })
    await kill(router)
    router = startRouter(groupId)
    await waitFor(async () => await stored() >= 1600, { timeoutMs: 60_000, message: '1,600 mentions stored' })
    await kill(router)
    router = startRouter(groupId)
    await waitFor(async () => await stored() === total, { timeoutMs: 90_000, message: 'every mention stored' })
    // Mentions grouped under an incident are added to it by the incident folder, about a second later.
    await waitFor(async () => await count('SELECT count(*) AS n FROM incident_mentions WHERE tenant_id = $1', [tenantId]) === 0,
      { timeoutMs: 30_000, message: 'grouped mentions folded into their incident' })
    await waitFor(async () => await count('SELECT count(*) AS n FROM outbox_pending JOIN outbox USING (id) WHERE tenant_id = $1', [tenantId]) === 0,
      { timeoutMs: 30_000, message: 'the outbox drained' })

    expect(await count('SELECT count(DISTINCT id) AS n FROM mentions WHERE tenant_id = $1 AND ticket_id IS NOT NULL', [tenantId])).toBe(total)
    expect(await count("SELECT count(*) AS n FROM tickets WHERE tenant_id = $1 AND details->>'kind' IS DISTINCT FROM 'incident'", [tenantId])).toBe(conversations)
    // REDIS_URL is inherited, so spike detection runs too: the burst may open at most one incident per kind, restarts included.
    const incidents = await count("SELECT count(*) AS n FROM tickets WHERE tenant_id = $1 AND details->>'kind' = 'incident'", [tenantId])
    expect(incidents).toBeLessThanOrEqual(2)
    const { rows } = await pool.query<{ ticket_id: string, sequences: number[] }>(
      'SELECT ticket_id, array_agg(sequence ORDER BY sequence) AS sequences FROM outbox WHERE tenant_id = $1 GROUP BY ticket_id', [tenantId])
    expect(rows).toHaveLength(conversations + incidents)
    for (const row of rows) expect(row.sequences).toEqual(Array.from({ length: row.sequences.length }, (_, i) => i + 1))

    // Other suites write their own payloads to tickets.v1; only this tenant's are decoded (and must be valid).
    const published = (await bus.readAll(topics.tickets))
      .filter((m) => (JSON.parse(m.value.toString('utf8')) as { tenantId?: string }).tenantId === tenantId)
      .map((m) => decodeEvent(topics.tickets, m.value))
    const firstSeen = new Map<string, typeof published[number]>()
    for (const event of published) if (!firstSeen.has(event.eventId)) firstSeen.set(event.eventId, event)
    const outboxEvents = rows.reduce((sum, row) => sum + row.sequences.length, 0)
    expect(firstSeen.size).toBe(outboxEvents)
    const perTicket = new Map<string, number[]>()
    for (const event of firstSeen.values()) perTicket.set(event.ticketId, [...(perTicket.get(event.ticketId) ?? []), event.sequence])
    for (const sequences of perTicket.values()) expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => i + 1))
    await kill(router)
  }, 240_000)
})
