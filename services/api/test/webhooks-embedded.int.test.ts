import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createMemoryBus, type MemoryBus } from '@earshot/bus'
import { messageKeyFor, sampleTicketEvent, topics } from '@earshot/contracts'
import { createLogger } from '@earshot/observability'
import { createPool, migrate, type Pool } from '@earshot/store'
import { uniqueName, waitFor } from '@earshot/testing'
import { type EmbeddedPostgresProcess, startEmbeddedPostgresProcess } from '../../../packages/store/test/embedded-postgres.js'
import { createDeliveryWorker, type DeliveryWorker } from '../src/webhooks/delivery-worker.js'
import { verifyWebhook } from '../src/webhooks/signature.js'
import { createWebhookDispatcher, type WebhookDispatcher } from '../src/webhooks/webhook-dispatcher.js'
import { createWebhookRepository } from '../src/webhooks/webhook-repository.js'

const logger = createLogger({ level: 'silent', name: 'webhooks-embedded-test' })
const repo = createWebhookRepository()

// The embedded mode: PGlite behind one pool connection and the in-memory bus. Claims use SKIP LOCKED,
// which PGlite accepts; with one connection there is nothing to skip, and no statement spans a request.
describe('outbound webhooks on the embedded stack (PGlite, memory bus)', () => {
  let embedded: EmbeddedPostgresProcess
  let pool: Pool
  let bus: MemoryBus
  let worker: DeliveryWorker
  let dispatcher: WebhookDispatcher
  let server: Server
  const answers = [502]
  const received: Array<{ status: number, body: string, signature: string }> = []

  beforeAll(async () => {
    // Starting PGlite (tsx, WebAssembly) takes seconds, and far longer on a busy 2-core machine.
    embedded = await startEmbeddedPostgresProcess({ timeoutMs: 100_000 })
    pool = createPool(embedded.poolConfig)
    await migrate(pool)
    bus = createMemoryBus()
    await bus.ensureTopics([{ name: topics.tickets, partitions: 3 }])
    worker = createDeliveryWorker({ pool, logger, retry: { maxAttempts: 3, backoffBaseMs: 10, backoffMaxMs: 40 }, idleMs: 20, timeoutMs: 2000 })
    dispatcher = createWebhookDispatcher({ bus, pool, logger, onDeliveries: () => worker.wake() })
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const status = answers.shift() ?? 200
        received.push({ status, body: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['earshot-signature']) })
        res.writeHead(status).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    await dispatcher.start()
    worker.start()
  }, 120_000)

  afterAll(async () => {
    await dispatcher?.stop()
    await worker?.stop()
    await bus?.close()
    await pool?.end()
    await embedded?.stop()
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  test('dispatches, retries and delivers with one database connection', async () => {
    const tenantId = uniqueName('embedded')
    const secret = 'embedded-secret-0123456789'
    await repo.createSubscription(pool, {
      tenantId, id: 'whs_embedded', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, secret, eventTypes: [], createdAt: new Date(),
    })
    const event = sampleTicketEvent({ tenantId, eventId: `evt_${tenantId}` })
    const producer = bus.producer()
    await producer.send(topics.tickets, [{ key: messageKeyFor(event), value: JSON.stringify(event) }])
    await producer.send(topics.tickets, [{ key: messageKeyFor(event), value: JSON.stringify(event) }])

    const [delivery] = await waitFor(async () => {
      const rows = await repo.listDeliveries(pool, tenantId, 'whs_embedded', { status: 'delivered', limit: 10 })
      return rows.length > 0 && rows
    }, { timeoutMs: 20_000, message: 'the delivery to be delivered' })
    expect(delivery).toMatchObject({ eventId: event.eventId, attemptCount: 2, lastStatusCode: 200 })
    expect(await repo.listDeliveries(pool, tenantId, 'whs_embedded', { limit: 10 })).toHaveLength(1)
    expect(received.map((r) => r.status)).toEqual([502, 200])
    expect(verifyWebhook({ secret, body: received[1]?.body ?? '', header: received[1]?.signature })).toMatchObject({ ok: true })
    await producer.close()
  })
})
