import { createLogger } from '@earshot/observability'
import { type Pool } from '@earshot/store'
import { uniqueName } from '@earshot/testing'
import { migratedDatabase } from '@earshot/testing/store'
import { type ApiApp, createApiApp } from '../src/app.js'
import { createApiKey, seedUser } from '../src/index.js'
import { insertTicket } from './helper.js'

describe('the Earshot API on real PostgreSQL', () => {
  let pool: Pool
  let close: () => Promise<void>
  let app: ApiApp
  const tenantA = uniqueName('tenant-a').toLowerCase()
  const tenantB = uniqueName('tenant-b').toLowerCase()
  const password = 'correct horse battery staple'
  const cookies: Record<string, string> = {}

  async function login (email: string): Promise<string> {
    const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } })
    expect(res.statusCode).toBe(200)
    const cookie = res.cookies.find((c) => c.name === 'earshot_session')
    expect(cookie?.httpOnly).toBe(true)
    expect(cookie?.sameSite).toBe('Lax')
    return `earshot_session=${cookie?.value ?? ''}`
  }

  beforeAll(async () => {
    ({ pool, close } = await migratedDatabase('api', 6))
    await seedUser(pool, { email: 'mo@a.test', password, name: 'Mo', grants: [{ tenantId: tenantA, role: 'moderator' }] })
    await seedUser(pool, { email: 'vi@a.test', password, name: 'Vi', grants: [{ tenantId: tenantA, role: 'viewer' }] })
    await seedUser(pool, { email: 'bo@b.test', password, name: 'Bo', grants: [{ tenantId: tenantB, role: 'agency_admin' }] })
    for (let n = 0; n < 25; n++) await insertTicket(pool, tenantA, n, { priority: n % 5 === 0 ? 'high' : 'normal', score: (n * 7) % 100, dueInMinutes: n })
    await insertTicket(pool, tenantB, 1000, { text: 'tenant b secret' })
    app = await createApiApp({ pool, logger: createLogger({ level: 'silent', name: 'api-test' }), eventsPollIntervalMs: 50, heartbeatMs: 200 })
    await app.ready()
    cookies.mo = await login('mo@a.test')
    cookies.vi = await login('vi@a.test')
    cookies.bo = await login('bo@b.test')
  })
  afterAll(async () => {
    await app.close()
    await close()
  })

  test('without credentials every /v1 route answers 401', async () => {
    for (const url of ['/v1/me', '/v1/tickets', `/v1/tenants/${tenantA}/tickets/tkt_1`, `/v1/tenants/${tenantA}/audit`]) {
      const res = await app.inject({ method: 'GET', url })
      expect(res.statusCode).toBe(401)
      expect(res.json()).toMatchObject({ error: 'unauthorized' })
    }
    const action = await app.inject({ method: 'POST', url: `/v1/tenants/${tenantA}/tickets/tkt_1/resolve`, payload: {} })
    expect(action.statusCode).toBe(401)
  })

  test('a wrong password is refused; /me shows the user and tenants; logout ends the session', async () => {
    const wrong = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'mo@a.test', password: 'nope' } })
    expect(wrong.statusCode).toBe(401)
    const session = await login('mo@a.test')
    const me = await app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: session } })
    expect(me.json()).toMatchObject({ user: { email: 'mo@a.test', name: 'Mo' }, tenants: [{ tenantId: tenantA, role: 'moderator' }] })
    const out = await app.inject({ method: 'POST', url: '/v1/auth/logout', headers: { cookie: session } })
    expect(out.statusCode).toBe(204)
    expect((await app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: session } })).statusCode).toBe(401)
  })

  test('the queue is sorted by priority, urgency score, then SLA due time, and pages are stable', async () => {
    const seen: string[] = []
    let cursor: string | null = null
    const items: Array<{ id: string, priority: string, urgency: { score: number }, tenantId: string }> = []
    do {
      const url: string = `/v1/tickets?limit=7${cursor === null ? '' : `&cursor=${cursor}`}`
      const res = await app.inject({ method: 'GET', url, headers: { cookie: cookies.mo ?? '' } })
      expect(res.statusCode).toBe(200)
      const body = res.json<{ items: typeof items, nextCursor: string | null }>()
      items.push(...body.items)
      seen.push(...body.items.map((i) => i.id))
      cursor = body.nextCursor
    } while (cursor !== null)
    expect(seen).toHaveLength(25)
    expect(new Set(seen).size).toBe(25)
    expect(items.every((i) => i.tenantId === tenantA)).toBe(true)
    const rank = (p: string): number => ['critical', 'high', 'normal', 'low'].indexOf(p)
    for (let i = 1; i < items.length; i++) {
      const a = items[i - 1]!
      const b = items[i]!
      expect(rank(a.priority) < rank(b.priority) || (rank(a.priority) === rank(b.priority) && a.urgency.score >= b.urgency.score)).toBe(true)
    }
    const all = await app.inject({ method: 'GET', url: '/v1/tickets?limit=200', headers: { cookie: cookies.mo ?? '' } })
    expect(all.json<{ items: Array<{ id: string }> }>().items.map((i) => i.id)).toEqual(seen)
    const first = all.json<{ items: Array<Record<string, unknown>> }>().items[0]
    expect(first).toMatchObject({ preview: expect.stringContaining('mention number') as unknown, mentionCount: 1, acknowledgement: { mode: 'suggest' } })
  })

  test('a tenant the user has no grant for is 404, never 403, on every route that takes an id', async () => {
    const mo = { cookie: cookies.mo ?? '' }
    const urls = [
      ['GET', `/v1/tickets?tenant=${tenantB}`],
      ['GET', `/v1/tenants/${tenantB}/tickets/tkt_1000`],
      ['GET', `/v1/tenants/${tenantB}/audit`],
      ['GET', `/v1/tenants/${tenantB}/templates`],
      ['GET', `/v1/tenants/${tenantB}/sources`],
      ['GET', `/v1/tenants/${tenantB}/corrections.jsonl`],
      ['POST', `/v1/tenants/${tenantB}/tickets/tkt_1000/resolve`],
      ['POST', `/v1/tenants/${tenantB}/tickets/tkt_1000/take`],
      ['POST', `/v1/tenants/${tenantB}/corrections`],
      ['GET', `/v1/events?tenant=${tenantB}`],
      ['GET', `/v1/tenants/${tenantB}/templates/holding`],
      ['PUT', `/v1/tenants/${tenantB}/templates/holding`],
      ['GET', `/v1/tenants/${tenantB}/policy`],
      ['GET', `/v1/tenants/${tenantB}/policy/versions`],
      ['GET', `/v1/tenants/${tenantB}/policy/diff`],
      ['POST', `/v1/tenants/${tenantB}/policy/validate`],
      ['POST', `/v1/tenants/${tenantB}/policy/dry-run`],
      ['POST', `/v1/tenants/${tenantB}/policy/versions`],
      ['POST', `/v1/tenants/${tenantB}/policy/rollback`],
      ['GET', `/v1/tenants/${tenantB}/metrics`],
      ['GET', `/v1/tenants/${tenantB}/api-keys`],
      ['POST', `/v1/tenants/${tenantB}/api-keys`],
      ['DELETE', `/v1/tenants/${tenantB}/api-keys/abc`],
    ] as const
    for (const [method, url] of urls) {
      const payload = url.endsWith('/corrections')
        ? { mentionId: 'x:1', labels: { sentiment: 'positive' } }
        : url.endsWith('/api-keys') ? { name: 'x', role: 'viewer' } : url.endsWith('/rollback') ? { version: 1 } : url.includes('/policy/') ? { yaml: 'rules: []' } : url.includes('/templates/') ? { body: 'hi' } : {}
      const res = await app.inject({ method, url, headers: mo, ...(method === 'GET' ? {} : { payload }) })
      expect([url, res.statusCode]).toEqual([url, 404])
    }
    // The owner sees it.
    const own = await app.inject({ method: 'GET', url: `/v1/tenants/${tenantB}/tickets/tkt_1000`, headers: { cookie: cookies.bo ?? '' } })
    expect(own.statusCode).toBe(200)
    expect(own.json()).toMatchObject({ ticket: { id: 'tkt_1000' }, mentions: [{ mention: { text: 'tenant b secret' }, decision: { matchedRules: [] } }] })
  })

  test('a viewer may read but not act (403)', async () => {
    const vi = { cookie: cookies.vi ?? '' }
    expect((await app.inject({ method: 'GET', url: `/v1/tenants/${tenantA}/tickets/tkt_2`, headers: vi })).statusCode).toBe(200)
    const res = await app.inject({ method: 'POST', url: `/v1/tenants/${tenantA}/tickets/tkt_2/resolve`, headers: vi, payload: {} })
    expect(res.statusCode).toBe(403)
    expect(res.json()).toMatchObject({ error: 'forbidden' })
  })

  test('malformed input is a 400 naming the field', async () => {
    const mo = { cookie: cookies.mo ?? '' }
    const wrongType = await app.inject({ method: 'POST', url: `/v1/tenants/${tenantA}/tickets/tkt_3/assign`, headers: mo, payload: { assignee: 42 } })
    expect(wrongType.statusCode).toBe(400)
    expect(wrongType.json()).toEqual({ error: 'bad_request', code: 'API_ERR_BAD_REQUEST', message: 'body/assignee must be string', field: 'assignee' })
    const missing = await app.inject({ method: 'POST', url: `/v1/tenants/${tenantA}/tickets/tkt_3/escalate`, headers: mo, payload: {} })
    expect(missing.json()).toMatchObject({ error: 'bad_request', field: 'team' })
    const badCursor = await app.inject({ method: 'GET', url: '/v1/tickets?cursor=zzz', headers: mo })
    expect(badCursor.json()).toMatchObject({ error: 'bad_request', field: 'cursor' })
    const badStatus = await app.inject({ method: 'GET', url: '/v1/tickets?status=sleeping', headers: mo })
    expect(badStatus.statusCode).toBe(400)
    expect(badStatus.json()).toMatchObject({ error: 'bad_request', field: 'status' })
  })

  test('actions write the ticket, contiguous tickets.v1 sequences in the outbox and an audit row; invalid transitions are 409', async () => {
    const mo = { cookie: cookies.mo ?? '' }
    const url = (action: string): string => `/v1/tenants/${tenantA}/tickets/tkt_4/${action}`
    const take = await app.inject({ method: 'POST', url: url('take'), headers: mo, payload: {} })
    expect(take.statusCode).toBe(200)
    expect(take.json()).toMatchObject({ ticket: { assignee: 'mo@a.test' }, sequences: [1] })
    const reply = await app.inject({ method: 'POST', url: url('reply'), headers: mo, payload: { text: 'We are on it' } })
    expect(reply.json()).toMatchObject({ ticket: { status: 'acknowledged' }, sequences: [2] })
    const escalate = await app.inject({ method: 'POST', url: url('escalate'), headers: mo, payload: { team: 'billing', priority: 'high' } })
    expect(escalate.json()).toMatchObject({ ticket: { status: 'escalated', team: 'billing', priority: 'high' }, sequences: [3] })
    const resolve = await app.inject({ method: 'POST', url: url('resolve'), headers: mo, payload: {} })
    expect(resolve.json()).toMatchObject({ ticket: { status: 'resolved', dueAt: null }, sequences: [4] })
    const again = await app.inject({ method: 'POST', url: url('resolve'), headers: mo, payload: {} })
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({ error: 'conflict', message: 'ticket tkt_4 is already resolved' })

    const { rows } = await pool.query<{ sequence: number, payload: { type: string, ticket: { status: string } } }>(
      'SELECT sequence, payload FROM outbox WHERE tenant_id = $1 AND ticket_id = $2 ORDER BY sequence', [tenantA, 'tkt_4'])
    expect(rows.map((r) => [r.sequence, r.payload.type])).toEqual([[1, 'ticket.assigned'], [2, 'ticket.replied'], [3, 'ticket.escalated'], [4, 'ticket.resolved']])
    expect(rows[3]?.payload.ticket.status).toBe('resolved')
    const audit = await app.inject({ method: 'GET', url: `/v1/tenants/${tenantA}/audit?ticketId=tkt_4`, headers: mo })
    expect(audit.json<{ items: Array<{ action: string, actorId: string }> }>().items.map((i) => i.action))
      .toEqual(['ticket.resolve', 'ticket.escalate', 'ticket.reply', 'ticket.take'])
    const missing = await app.inject({ method: 'POST', url: `/v1/tenants/${tenantA}/tickets/tkt_nope/take`, headers: mo, payload: {} })
    expect(missing.statusCode).toBe(404)
  })

  test('a snooze schedules its end for the router\'s scheduler; snoozing again moves it', async () => {
    const mo = { cookie: cookies.mo ?? '' }
    const url = `/v1/tenants/${tenantA}/tickets/tkt_20/snooze`
    const first = await app.inject({ method: 'POST', url, headers: mo, payload: { until: '2030-01-01T09:00:00.000Z' } })
    expect(first.statusCode).toBe(200)
    expect(first.json()).toMatchObject({ ticket: { status: 'snoozed' } })
    const second = await app.inject({ method: 'POST', url, headers: mo, payload: { until: '2030-01-01T12:00:00.000Z' } })
    expect(second.statusCode).toBe(200)
    const { rows } = await pool.query<{ due_at: Date, state: string }>(
      "SELECT due_at, state FROM schedules WHERE tenant_id = $1 AND ticket_id = $2 AND kind = 'snooze_end' ORDER BY due_at", [tenantA, 'tkt_20'])
    expect(rows.map((r) => [r.due_at.toISOString(), r.state])).toEqual([['2030-01-01T09:00:00.000Z', 'cancelled'], ['2030-01-01T12:00:00.000Z', 'pending']])
  })

  test('concurrent actions on one ticket still get contiguous sequences', async () => {
    const mo = { cookie: cookies.mo ?? '' }
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((who) =>
      app.inject({ method: 'POST', url: `/v1/tenants/${tenantA}/tickets/tkt_5/assign`, headers: mo, payload: { assignee: who } })))
    expect(results.every((r) => r.statusCode === 200)).toBe(true)
    const { rows } = await pool.query<{ sequence: number }>('SELECT sequence FROM outbox WHERE tenant_id = $1 AND ticket_id = $2 ORDER BY sequence', [tenantA, 'tkt_5'])
    expect(rows.map((r) => r.sequence)).toEqual([1, 2, 3, 4, 5])
  })

  test('an API key authenticates with Bearer esk_…, is scoped to its tenant, and a wrong secret is 401', async () => {
    const key = await createApiKey(pool, { tenantId: tenantA, role: 'integration', name: 'crm' })
    const auth = { authorization: `Bearer ${key.token}` }
    const list = await app.inject({ method: 'GET', url: '/v1/tickets?limit=1', headers: auth })
    expect(list.statusCode).toBe(200)
    expect(list.json<{ items: Array<{ tenantId: string }> }>().items[0]?.tenantId).toBe(tenantA)
    expect((await app.inject({ method: 'GET', url: `/v1/tenants/${tenantB}/tickets/tkt_1000`, headers: auth })).statusCode).toBe(404)
    expect((await app.inject({ method: 'POST', url: `/v1/tenants/${tenantA}/tickets/tkt_6/take`, headers: auth, payload: {} })).statusCode).toBe(403)
    const forged = `Bearer ${key.token.slice(0, -2)}xx`
    expect((await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: forged } })).statusCode).toBe(401)

    // An agency admin issues and revokes keys; a revoked key stops working.
    const bo = { cookie: cookies.bo ?? '' }
    expect((await app.inject({ method: 'POST', url: `/v1/tenants/${tenantA}/api-keys`, headers: { cookie: cookies.mo ?? '' }, payload: { name: 'x', role: 'viewer' } })).statusCode).toBe(403)
    const issued = await app.inject({ method: 'POST', url: `/v1/tenants/${tenantB}/api-keys`, headers: bo, payload: { name: 'helpdesk', role: 'viewer' } })
    expect(issued.statusCode).toBe(201)
    const { id, token } = issued.json<{ id: string, token: string }>()
    const listed = await app.inject({ method: 'GET', url: `/v1/tenants/${tenantB}/api-keys`, headers: bo })
    expect(listed.body).not.toContain(token)
    expect(listed.json<{ items: Array<{ id: string }> }>().items.map((k) => k.id)).toEqual([id])
    expect((await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200)
    expect((await app.inject({ method: 'DELETE', url: `/v1/tenants/${tenantB}/api-keys/${id}`, headers: bo })).statusCode).toBe(204)
    expect((await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401)
  })

  test('corrections are stored and exported as training JSONL', async () => {
    const mo = { cookie: cookies.mo ?? '' }
    const mentionId = 'x:1897000000000000007'
    const res = await app.inject({ method: 'POST', url: `/v1/tenants/${tenantA}/corrections`, headers: mo, payload: { mentionId, labels: { sentiment: 'positive', intents: ['praise'] } } })
    expect(res.statusCode).toBe(201)
    const bad = await app.inject({ method: 'POST', url: `/v1/tenants/${tenantA}/corrections`, headers: mo, payload: { mentionId, labels: { sentiment: 'ecstatic' } } })
    expect(bad.json()).toMatchObject({ error: 'bad_request', field: 'labels.sentiment' })
    const jsonl = await app.inject({ method: 'GET', url: `/v1/tenants/${tenantA}/corrections.jsonl`, headers: mo })
    const lines = jsonl.body.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ id: mentionId, labels: { sentiment: 'positive', intents: ['praise'] } })
    expect(lines[0]).not.toHaveProperty('classification')
  })

  test('policies: validate with line numbers, publish (admins only), diff, rollback and a dry run without side effects', async () => {
    const bo = { cookie: cookies.bo ?? '' }
    const base = `/v1/tenants/${tenantB}/policy`
    const initial = await app.inject({ method: 'GET', url: base, headers: bo })
    expect(initial.json()).toMatchObject({ version: null, yaml: expect.stringContaining('rules: []') as unknown })
    const invalid = await app.inject({ method: 'POST', url: `${base}/validate`, headers: { ...bo, 'content-type': 'application/yaml' }, payload: 'timezone: UTC\nrules:\n  - name: x\n    when: { sentiment: angry }\n    then: []\n' })
    expect(invalid.statusCode).toBe(200)
    const issues = invalid.json<{ valid: boolean, issues: Array<{ line: number }> }>()
    expect(issues.valid).toBe(false)
    expect(issues.issues[0]?.line).toBeGreaterThan(0)
    const v1 = initial.json<{ yaml: string }>().yaml
    const v2 = v1.replace('normal: { first_response: 4h }', 'normal: { first_response: 2h }')
    const moderator = await app.inject({ method: 'POST', url: `/v1/tenants/${tenantA}/policy/versions`, headers: { cookie: cookies.mo ?? '' }, payload: { yaml: v1 } })
    expect(moderator.statusCode).toBe(403)
    const rejected = await app.inject({ method: 'POST', url: `${base}/versions`, headers: bo, payload: { yaml: 'rules: 3' } })
    expect(rejected.json()).toMatchObject({ error: 'bad_request', field: 'yaml' })
    expect((await app.inject({ method: 'POST', url: `${base}/versions`, headers: bo, payload: { yaml: v1 } })).json()).toEqual({ version: 1 })
    expect((await app.inject({ method: 'POST', url: `${base}/versions`, headers: bo, payload: { yaml: v2, note: 'faster' } })).json()).toEqual({ version: 2 })
    const diff = await app.inject({ method: 'GET', url: `${base}/diff`, headers: bo })
    expect(diff.json()).toMatchObject({ from: 1, to: 2 })
    expect(diff.json<{ diff: string }>().diff).toContain('-  normal: { first_response: 4h }\n+  normal: { first_response: 2h }')
    expect((await app.inject({ method: 'POST', url: `${base}/rollback`, headers: bo, payload: { version: 1 } })).json()).toEqual({ version: 3 })
    expect((await app.inject({ method: 'GET', url: base, headers: bo })).json()).toMatchObject({ version: 3, yaml: v1 })
    const versions = await app.inject({ method: 'GET', url: `${base}/versions`, headers: bo })
    expect(versions.json<{ items: Array<{ version: number }> }>().items.map((v) => v.version)).toEqual([3, 2, 1])
    const before = await pool.query('SELECT count(*) FROM outbox')
    const dryRun = await app.inject({ method: 'POST', url: `${base}/dry-run`, headers: bo, payload: { yaml: v2, stored: 5 } })
    expect(dryRun.statusCode).toBe(200)
    const decisions = dryRun.json<{ decisions: Array<{ tenantId: string, explanation: { lines: string[] } }> }>().decisions
    expect(decisions).toHaveLength(1)
    expect(decisions[0]).toMatchObject({ tenantId: tenantB, explanation: { lines: expect.any(Array) as unknown } })
    expect((await pool.query('SELECT count(*) FROM outbox')).rows).toEqual(before.rows)
  })

  test('metrics report volume, sentiment, first response and the gratitude index for the tenant', async () => {
    const mo = { cookie: cookies.mo ?? '' }
    const res = await app.inject({ method: 'GET', url: `/v1/tenants/${tenantA}/metrics?from=2026-03-01T00:00:00.000Z&to=2026-03-04T00:00:00.000Z&bucket=day`, headers: mo })
    expect(res.statusCode).toBe(200)
    const body = res.json<{ volume: Array<{ mentions: number }>, firstResponse: { tickets: number }, gratitudeIndex: { positiveMentions: number } }>()
    expect(body.volume.reduce((sum, v) => sum + v.mentions, 0)).toBe(25)
    expect(body.firstResponse.tickets).toBe(25)
    expect(body.gratitudeIndex.positiveMentions).toBe(0)
    const bad = await app.inject({ method: 'GET', url: `/v1/tenants/${tenantA}/metrics?bucket=week`, headers: mo })
    expect(bad.json()).toMatchObject({ error: 'bad_request', field: 'bucket' })
  })

  test('OpenAPI is served at /docs/json and health at /healthz', async () => {
    const doc = await app.inject({ method: 'GET', url: '/docs/json' })
    expect(doc.statusCode).toBe(200)
    expect(Object.keys(doc.json<{ paths: Record<string, unknown> }>().paths)).toEqual(expect.arrayContaining(['/v1/tickets', '/v1/tenants/{tenantId}/tickets/{ticketId}/resolve']))
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' })
  })
})
