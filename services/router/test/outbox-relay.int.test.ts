import { createKafkaBus, type KafkaBus, type Producer } from '@earshot/bus'
import { topics } from '@earshot/contracts'
import { createLogger } from '@earshot/observability'
import { createTicketRepository, type Pool, type TicketRow } from '@earshot/store'
import { testEnvironment, uniqueName, waitFor } from '@earshot/testing'
import { migratedDatabase } from '@earshot/testing/store'
import { createOutboxRelay } from '../src/outbox-relay.js'

const repo = createTicketRepository()
const logger = createLogger({ level: 'silent', name: 'router-test' })

describe('outbox relay on real PostgreSQL and Kafka', () => {
  let pool: Pool
  let close: () => Promise<void>
  let bus: KafkaBus

  beforeAll(async () => {
    ({ pool, close } = await migratedDatabase('relay', 6))
    bus = createKafkaBus({ brokers: testEnvironment().kafkaBrokers, clientId: 'relay-test' })
    await bus.ensureTopics([{ name: topics.tickets, partitions: 3 }])
  })
  afterAll(async () => {
    await bus.close()
    await close()
  })

  async function writeEvents (tenantId: string, tickets: number, eventsPerTicket: number): Promise<void> {
    const rows: TicketRow[] = Array.from({ length: tickets }, (_, i) => ({
      tenantId,
      id: `tkt_${i}`,
      conversationId: `x:c${i}`,
      platform: 'x',
      status: 'open',
      priority: 'normal',
      team: null,
      assignee: null,
      tags: [],
      sla: {},
      details: {},
      lastSequence: 0,
      createdAt: new Date(),
      updatedAt: new Date(),
      closedAt: null,
    }))
    for (const row of rows) await repo.insertTicket(pool, row)
    // Interleave tickets so one relay batch mixes them.
    for (let n = 0; n < eventsPerTicket; n++) {
      for (const row of rows) {
        await repo.appendEvents(pool, row, [(sequence) => ({
          eventId: `evt_${tenantId}_${row.id}_${sequence}`,
          messageKey: `${tenantId}:${row.conversationId}`,
          payload: { tenantId, ticketId: row.id, sequence },
        })])
      }
    }
  }

  async function published (tenantId: string): Promise<Array<{ ticketId: string, sequence: number, eventId: string }>> {
    return (await bus.readAll(topics.tickets))
      .map((m) => ({ ...(JSON.parse(m.value.toString('utf8')) as { tenantId: string, ticketId: string, sequence: number }), eventId: m.headers['earshot.event-id'] ?? '' }))
      .filter((e) => e.tenantId === tenantId)
  }

  test('publishes every event in sequence per ticket and marks them sent', async () => {
    const tenantId = uniqueName('relay').toLowerCase()
    await writeEvents(tenantId, 7, 30)
    const relay = createOutboxRelay({ pool, producer: bus.producer(), logger, batchSize: 40 })
    while (await relay.relayOnce() > 0);
    const events = await published(tenantId)
    expect(events).toHaveLength(210)
    for (let t = 0; t < 7; t++) {
      expect(events.filter((e) => e.ticketId === `tkt_${t}`).map((e) => e.sequence)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    }
    const { rows } = await pool.query<{ unsent: string }>('SELECT count(*) AS unsent FROM outbox_pending')
    expect(rows[0]?.unsent).toBe('0')
  })

  test('two relays running at once keep each ticket\'s events in order', async () => {
    const tenantId = uniqueName('relay2').toLowerCase()
    await writeEvents(tenantId, 5, 40)
    const relays = [0, 1].map(() => createOutboxRelay({ pool, producer: bus.producer(), logger, batchSize: 17, idleMs: 10 }))
    for (const relay of relays) relay.start()
    await waitFor(async () => (await published(tenantId)).length >= 200, { timeoutMs: 30_000, message: '200 events' })
    await Promise.all(relays.map(async (relay) => { await relay.stop() }))
    const events = await published(tenantId)
    // A relay that waited on the other's lock finds those rows sent and publishes nothing twice.
    expect(relays.reduce((sum, relay) => sum + relay.published(), 0)).toBe(200)
    for (let t = 0; t < 5; t++) {
      const sequences = events.filter((e) => e.ticketId === `tkt_${t}`).map((e) => e.sequence)
      expect(sequences).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
    }
  })
  test('a wake while a batch is being published is not lost: the next events go out without waiting the idle period', async () => {
    const first = uniqueName('relay3').toLowerCase()
    const second = uniqueName('relay4').toLowerCase()
    await writeEvents(first, 1, 1)
    const real = bus.producer()
    let release = (): void => {}
    const gate = new Promise<void>((resolve) => { release = resolve })
    let sends = 0
    let sending = (): void => {}
    const firstSend = new Promise<void>((resolve) => { sending = resolve })
    // The first publish blocks until the test has written more events and woken the relay.
    const producer: Producer = {
      send: async (topic, messages) => {
        if (++sends === 1) {
          sending()
          await gate
        }
        await real.send(topic, messages)
      },
      flush: async () => { await real.flush() },
      close: async () => { await real.close() },
    }
    const relay = createOutboxRelay({ pool, producer, logger, idleMs: 60_000 })
    relay.start()
    try {
      await firstSend
      await writeEvents(second, 1, 1)
      relay.wake()
      release()
      await waitFor(async () => (await published(second)).length === 1, { timeoutMs: 10_000, message: 'the event written during the first publish' })
      expect(await published(first)).toHaveLength(1)
    } finally {
      release()
      await relay.stop()
      await real.close()
    }
  })
})
