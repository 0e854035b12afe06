import { type ClassifiedMention, sampleClassification, sampleClassifiedMention } from '@earshot/contracts'
import { errorCode, isRetriable } from '@earshot/errors'
import { type Pool } from '@earshot/store'
import { migratedDatabase } from '@earshot/testing/store'
import { createPolicyBook, createTicketWriter } from '../src/index.js'

const policy = `
version: 1
timezone: Europe/London
business_hours: { mon-fri: "08:00-20:00" }
coverage: { in_hours: brand, out_of_hours: agency }
permissions: { agency_may_reply: false }
slas:
  critical: { first_response: 15m, clock: calendar }
  high: { first_response: 1h }
  normal: { first_response: 4h }
  low: { first_response: 1d }
rules:
  - name: safety or legal threat
    when: { any: [ { flag: safety }, { flag: legalThreat } ] }
    then:
      - escalate: { team: legal, priority: critical, notify: [pager] }
      - acknowledge: { template: holding, mode: auto }
      - follow_up: { after: 2h, unless: resolved, then: { escalate: { team: duty-manager } } }
    stop: true
  - name: spam
    when: { flag: spam }
    then: [ { close: { reason: spam } } ]
templates:
  holding: "Hi {{author.handle}}, thanks for letting us know. Our team will pick this up within {{sla.first_response}}."
`

const noFlags = { prRisk: false, pii: false, profanity: false, legalThreat: false, safety: false, spam: false }

function mention (n: number, overrides: Partial<ClassifiedMention> = {}): ClassifiedMention {
  return sampleClassifiedMention({
    tenantId: 'acme-rail',
    nativeId: String(1_900_000_000_000_000_000n + BigInt(n)),
    conversationId: 'x:conversation-1',
    url: undefined,
    receivedAt: '2026-11-23T21:30:00Z',
    ...overrides,
  })
}

describe('ticket writer on real PostgreSQL', () => {
  let pool: Pool
  let close: () => Promise<void>
  let clock = new Date('2026-11-23T21:30:05Z') // a Monday evening: out of hours, agency cover
  const writer = () => createTicketWriter({ pool, policies: createPolicyBook({ 'acme-rail': policy }), now: () => clock })

  beforeAll(async () => {
    ({ pool, close } = await migratedDatabase('writer', 4))
  })
  afterAll(async () => {
    await close()
  })
  afterEach(async () => {
    await pool.query('TRUNCATE mentions, tickets, outbox, schedules')
  })

  async function outbox (): Promise<Array<{ ticket_id: string, sequence: number, type: string, status: string }>> {
    const { rows } = await pool.query<{ ticket_id: string, sequence: number, type: string, status: string }>(
      "SELECT ticket_id, sequence, payload->>'type' AS type, payload->'ticket'->>'status' AS status FROM outbox ORDER BY ticket_id, sequence")
    return rows
  }

  test('the same classified mention delivered three times gives one ticket and one set of events', async () => {
    const w = writer()
    const m = mention(1)
    expect(await w.writeBatch([m, m])).toMatchObject({ stored: 1, duplicates: 1, ticketsOpened: 1 })
    expect(await w.writeBatch([m])).toMatchObject({ stored: 0, duplicates: 1, ticketsOpened: 0 })
    const { rows } = await pool.query('SELECT id FROM tickets')
    expect(rows).toHaveLength(1)
    expect((await outbox()).map((e) => e.type)).toEqual(['ticket.opened'])
  })

  test('two writers given the same new mentions at once: one stores them, the other rolls back retriably and its retry skips them', async () => {
    const batch = [mention(1, { conversationId: 'x:race-1' }), mention(2, { conversationId: 'x:race-2' })]
    const results = await Promise.allSettled([writer().writeBatch(batch), writer().writeBatch(batch)])
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    // The loser fails on the open-ticket-per-conversation index or on the mentions' key: both roll back and are retried.
    for (const f of failed) {
      expect(['ROUTER_ERR_CONCURRENT_DELIVERY', '23505']).toContain(errorCode(f.reason))
      expect(isRetriable(f.reason)).toBe(true)
    }
    expect(await writer().writeBatch(batch)).toMatchObject({ stored: 0, duplicates: 2 })
    const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM tickets')
    expect(Number(rows[0]!.n)).toBe(2)
    expect((await outbox()).map((e) => e.sequence)).toEqual([1, 1])
  })

  test('mentions of one conversation join its ticket with contiguous event sequences', async () => {
    const w = writer()
    await w.writeBatch([mention(1), mention(2)])
    await w.writeBatch([mention(3)])
    const { rows } = await pool.query<{ id: string }>('SELECT id FROM tickets')
    expect(rows).toHaveLength(1)
    const events = await outbox()
    expect(events.map((e) => e.type)).toEqual(['ticket.opened', 'ticket.message_added', 'ticket.message_added'])
    expect(events.map((e) => e.sequence)).toEqual([1, 2, 3])
    const { rows: snapshot } = await pool.query<{ ids: string[] }>("SELECT payload->'ticket'->'mentionIds' AS ids FROM outbox WHERE sequence = 3")
    expect(snapshot[0]?.ids).toHaveLength(3)
  })

  test('a safety mention out of hours is escalated to legal as critical, acknowledged with the holding message, followed up, and explained', async () => {
    const w = writer()
    const m = mention(7, { classification: sampleClassification({ flags: { ...noFlags, safety: true } }) })
    await w.writeBatch([m])
    const { rows } = await pool.query<{ status: string, priority: string, team: string, details: { acknowledgement: { mode: string, text: string }, coverage: { who: string } } }>(
      'SELECT status, priority, team, details FROM tickets')
    expect(rows[0]).toMatchObject({ status: 'escalated', priority: 'critical', team: 'legal' })
    expect(rows[0]?.details.coverage.who).toBe('agency')
    expect(rows[0]?.details.acknowledgement).toMatchObject({ mode: 'auto' })
    expect(rows[0]?.details.acknowledgement.text).toContain('Hi commuter_jo')
    expect((await outbox()).map((e) => e.type)).toEqual(['ticket.opened', 'ticket.escalated', 'ticket.follow_up_scheduled'])
    const { rows: schedules } = await pool.query<{ kind: string, due_at: Date }>('SELECT kind, due_at FROM schedules ORDER BY due_at, kind')
    expect(schedules.map((s) => s.kind)).toEqual(expect.arrayContaining(['acknowledge', 'follow_up', 'sla_pre_breach:first_response', 'sla_breach:first_response', 'handover']))
    const breach = schedules.find((s) => s.kind === 'sla_breach:first_response')
    expect(breach?.due_at.toISOString()).toBe('2026-11-23T21:45:00.000Z')
    const { rows: decisions } = await pool.query<{ decision: { matchedRules: string[], explanation: { lines: string[] } } }>('SELECT decision FROM mentions')
    expect(decisions[0]?.decision.matchedRules).toEqual(['safety or legal threat'])
    expect(decisions[0]?.decision.explanation.lines.join('\n')).toMatch(/safety/)
  })

  test('spam closes the ticket; a later message within the window reopens it', async () => {
    const w = writer()
    await w.writeBatch([mention(1, { classification: sampleClassification({ flags: { ...noFlags, spam: true } }) })])
    clock = new Date('2026-11-24T10:00:00Z')
    await w.writeBatch([mention(2)])
    const events = await outbox()
    expect(events.map((e) => `${e.type}:${e.status}`)).toEqual([
      'ticket.opened:closed', 'ticket.resolved:closed', 'ticket.reopened:open', 'ticket.message_added:open',
    ])
    expect(new Set(events.map((e) => e.ticket_id)).size).toBe(1)
  })

  test('tenants are walled off: one conversation id in two tenants is two tickets', async () => {
    const w = writer()
    await w.writeBatch([mention(1), mention(1, { tenantId: 'burger-co' })])
    const { rows } = await pool.query<{ tenant_id: string }>('SELECT tenant_id FROM tickets ORDER BY tenant_id')
    expect(rows.map((r) => r.tenant_id)).toEqual(['acme-rail', 'burger-co'])
  })
  test('overspill counts the brand queue only as far as the policy compares it, and decides as the full count would', async () => {
    const tenantId = 'overspill-brand'
    const overspill = policy.replace('coverage: { in_hours: brand, out_of_hours: agency }', 'coverage: { in_hours: brand, out_of_hours: agency, overspill: { queue_over: 2, to: agency } }')
      .replace('rules:\n', 'rules:\n  - name: busy queue\n    when: { queue: { over: 2 } }\n    then: [ { tag: [overspill] } ]\n')
    const monday = new Date('2026-11-23T10:00:05Z') // in business hours
    const overspillWriter = createTicketWriter({ pool, policies: createPolicyBook({ [tenantId]: overspill }), now: () => monday })
    // Five conversations, one batch each: the queue holds 0, 1, 2, 3 and 4 open tickets when each is triaged.
    for (let n = 0; n < 5; n++) {
      await overspillWriter.writeBatch([mention(600 + n, { tenantId, conversationId: `x:busy-${n}`, receivedAt: monday.toISOString() })])
    }
    const { rows } = await pool.query<{ conversation_id: string, who: string, tags: string[], detail: string | null }>(
      `SELECT t.conversation_id, t.details -> 'coverage' ->> 'who' AS who, t.tags,
         m.decision -> 'explanation' -> 'rules' -> 0 -> 'condition' ->> 'detail' AS detail
       FROM tickets t JOIN mentions m ON m.tenant_id = t.tenant_id AND m.ticket_id = t.id
       WHERE t.tenant_id = $1 ORDER BY t.conversation_id`, [tenantId])
    expect(rows.map((r) => r.who)).toEqual(['brand', 'brand', 'brand', 'agency', 'agency'])
    expect(rows.map((r) => r.tags.includes('overspill'))).toEqual([false, false, false, true, true])
    // Counting stops at 3 (one past the largest threshold), so the fifth saw "at least 3", not 4.
    expect(rows.map((r) => r.detail)).toEqual(['queue 0 > 2 ✗', 'queue 1 > 2 ✗', 'queue 2 > 2 ✗', 'queue ≥ 3 > 2 ✓', 'queue ≥ 3 > 2 ✓'])
  })
})
