import { type ClassifiedMention, sampleClassification, sampleClassifiedMention } from '@earshot/contracts'
import { createLogger } from '@earshot/observability'
import { type Pool } from '@earshot/store'
import { migratedDatabase } from '@earshot/testing/store'
import { createPolicyBook, createScheduler, createTicketWriter, type ReplySender } from '../src/index.js'

const policy = `
version: 1
timezone: Europe/London
business_hours: { mon-fri: "09:00-17:00" }
coverage: { in_hours: brand, out_of_hours: agency }
permissions: { agency_may_reply: true }
slas:
  pre_breach: 0.8
  critical: { first_response: 15m, clock: calendar }
  high: { first_response: 1h }
  normal: { first_response: 4h }
  low: { first_response: 1d }
rules:
  - name: safety
    when: { flag: safety }
    then:
      - escalate: { team: safety, priority: critical }
      - acknowledge: { template: holding, mode: auto }
    stop: true
  - name: complaints get a follow-up
    when: { intent: { label: complaint, min_confidence: 0.5 } }
    then:
      - follow_up: { after: 2h, unless: resolved, then: { escalate: { team: duty-manager } } }
templates:
  holding: "Hi {{author.handle}}, we are on it."
`

const logger = createLogger({ level: 'silent', name: 'scheduler-test' })
const noFlags = { prRisk: false, pii: false, profanity: false, legalThreat: false, safety: false, spam: false }

function mention (n: number, overrides: Partial<ClassifiedMention> = {}): ClassifiedMention {
  return sampleClassifiedMention({
    tenantId: 'acme-rail',
    nativeId: String(1_900_000_000_000_000_000n + BigInt(n)),
    conversationId: `x:conversation-${n}`,
    url: undefined,
    receivedAt: '2026-11-23T10:00:00Z',
    classification: sampleClassification({ intents: [{ label: 'question', confidence: 0.9 }], urgency: { score: 40, level: 'normal', reasons: [] } }),
    ...overrides,
  })
}

describe('scheduler on real PostgreSQL with a controllable clock', () => {
  let pool: Pool
  let close: () => Promise<void>
  let clock = new Date('2026-11-23T10:00:00Z')
  const now = (): Date => clock
  const policies = createPolicyBook({ 'acme-rail': policy })

  beforeAll(async () => {
    ({ pool, close } = await migratedDatabase('scheduler', 6))
  })
  afterAll(async () => {
    await close()
  })
  afterEach(async () => {
    await pool.query('TRUNCATE mentions, tickets, outbox, schedules')
    clock = new Date('2026-11-23T10:00:00Z')
  })

  async function eventTypes (): Promise<string[]> {
    const { rows } = await pool.query<{ type: string }>("SELECT payload->>'type' AS type FROM outbox ORDER BY id")
    return rows.map((r) => r.type)
  }

  test('the pre-breach escalation and the breach are emitted on time, not before', async () => {
    await createTicketWriter({ pool, policies, now }).writeBatch([mention(1)])
    const scheduler = createScheduler({ pool, logger, now })
    // normal: 4 business hours from 10:00 → due 14:00; pre-breach at 80% → 13:12.
    clock = new Date('2026-11-23T13:11:59Z')
    await scheduler.tickOnce()
    expect(await eventTypes()).toEqual(['ticket.opened'])
    clock = new Date('2026-11-23T13:12:00Z')
    await scheduler.tickOnce()
    expect(await eventTypes()).toEqual(['ticket.opened', 'ticket.escalated'])
    const { rows } = await pool.query<{ priority: string, status: string }>('SELECT priority, status FROM tickets')
    expect(rows[0]).toEqual({ priority: 'high', status: 'escalated' })
    clock = new Date('2026-11-23T13:59:59Z')
    await scheduler.tickOnce()
    expect(await eventTypes()).toHaveLength(2)
    clock = new Date('2026-11-23T14:00:00Z')
    await scheduler.tickOnce()
    expect(await eventTypes()).toEqual(['ticket.opened', 'ticket.escalated', 'ticket.sla_breached'])
  })

  test('an auto acknowledgement is posted once through the reply sender and stops the first-response clock', async () => {
    const calls: unknown[] = []
    const sender: ReplySender = { reply: async (request) => { calls.push(request); return { replyId: 'x:reply-1' } } }
    await createTicketWriter({ pool, policies, now }).writeBatch([mention(2, { classification: sampleClassification({ flags: { ...noFlags, safety: true } }) })])
    const scheduler = createScheduler({ pool, logger, now, replySenders: { x: sender } })
    await scheduler.tickOnce()
    await scheduler.tickOnce()
    expect(calls).toEqual([expect.objectContaining({ text: 'Hi commuter_jo, we are on it.', inReplyToMentionId: mention(2).id })])
    clock = new Date('2026-11-23T11:00:00Z')
    await scheduler.tickOnce()
    expect(await eventTypes()).toEqual(['ticket.opened', 'ticket.escalated', 'ticket.acknowledged'])
    const { rows } = await pool.query<{ state: string }>("SELECT details->'acknowledgement'->>'state' AS state FROM tickets")
    expect(rows[0]?.state).toBe('sent')
  })

  test('a reply the platform refuses for now is retried on its own after the reset, one post in all, without holding back other schedules', async () => {
    const calls: Array<{ actionId: string }> = []
    const resetAt = new Date('2026-11-23T10:20:00Z').getTime()
    const sender: ReplySender = {
      reply: async (request) => {
        calls.push(request)
        if (calls.length === 1) throw Object.assign(new Error('429 Too Many Requests'), { code: 'PLATFORMX_ERR_REPLY_FAILED', retriable: true, resetAt })
        return { replyId: 'x:reply-2' }
      },
    }
    await createTicketWriter({ pool, policies, now }).writeBatch([
      mention(3, { classification: sampleClassification({ flags: { ...noFlags, safety: true } }) }),
      mention(4, { classification: sampleClassification({ intents: [{ label: 'complaint', confidence: 0.9 }], urgency: { score: 40, level: 'normal', reasons: [] } }) }),
    ])
    const scheduler = createScheduler({ pool, logger, now, replySenders: { x: sender } })
    await scheduler.tickOnce()
    expect(calls).toHaveLength(1)
    const ack = async (): Promise<{ state: string, next: string | null }> => {
      const { rows } = await pool.query<{ state: string, next: string | null }>(
        'SELECT details->\'acknowledgement\'->>\'state\' AS state, details->\'acknowledgement\'->>\'nextAttemptAt\' AS next FROM tickets WHERE conversation_id = $1', [mention(3).conversationId])
      return rows[0] ?? { state: '', next: null }
    }
    expect(await ack()).toEqual({ state: 'retrying', next: '2026-11-23T10:20:00.000Z' })

    // Before the reset nothing is tried again; the complaint's follow-up (due at 12:00) still fires on time.
    clock = new Date('2026-11-23T10:10:00Z')
    await scheduler.tickOnce()
    expect(calls).toHaveLength(1)
    clock = new Date('2026-11-23T10:21:00Z')
    await scheduler.tickOnce()
    await scheduler.tickOnce()
    expect(calls).toHaveLength(2)
    expect(calls[1]?.actionId).toBe(calls[0]?.actionId)
    expect((await ack()).state).toBe('sent')
    clock = new Date('2026-11-23T12:01:00Z')
    await scheduler.tickOnce()
    expect(await eventTypes()).toEqual(expect.arrayContaining(['ticket.acknowledged', 'ticket.follow_up_due']))
    expect(calls).toHaveLength(2)
  })

  test('a follow-up does not fire when its unless holds', async () => {
    await createTicketWriter({ pool, policies, now }).writeBatch([mention(3, { classification: sampleClassification() })])
    await pool.query("UPDATE tickets SET status = 'resolved', closed_at = now()")
    clock = new Date('2026-11-23T12:30:00Z')
    await createScheduler({ pool, logger, now }).tickOnce()
    expect(await eventTypes()).toEqual(['ticket.opened', 'ticket.follow_up_scheduled'])
  })

  test('two router replicas fire each follow-up exactly once', async () => {
    const writer = createTicketWriter({ pool, policies, now })
    await writer.writeBatch(Array.from({ length: 60 }, (_, i) => mention(100 + i, { classification: sampleClassification() })))
    clock = new Date('2026-11-23T12:00:00Z')
    const replicas = [0, 1].map(() => createScheduler({ pool, logger, now, batchSize: 7 }))
    await Promise.all(replicas.map(async (scheduler) => {
      while ((await scheduler.tickOnce()).claimed > 0);
    }))
    const types = await eventTypes()
    // Each high-priority ticket (1 business hour to first response from 10:00) also passed its
    // pre-breach (10:48) and breach (11:00) by 12:00: three schedules fired per ticket, once each.
    expect(types.filter((t) => t === 'ticket.follow_up_due')).toHaveLength(60)
    expect(types.filter((t) => t === 'ticket.sla_breached')).toHaveLength(60)
    expect(types.filter((t) => t === 'ticket.escalated')).toHaveLength(120)
    expect(replicas[0]!.fired() + replicas[1]!.fired()).toBe(180)
    expect(replicas[0]!.fired()).toBeGreaterThan(0)
    expect(replicas[1]!.fired()).toBeGreaterThan(0)
    const { rows } = await pool.query<{ team: string }>('SELECT DISTINCT team FROM tickets')
    expect(rows).toEqual([{ team: 'duty-manager' }])
  })
})
