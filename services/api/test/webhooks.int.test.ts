import { createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createKafkaBus, type KafkaBus, type Producer } from '@earshot/bus'
import { messageKeyFor, sampleTicketEvent, type TicketEvent, topics } from '@earshot/contracts'
import { createLogger } from '@earshot/observability'
import { type Pool } from '@earshot/store'
import { testEnvironment, uniqueName, waitFor } from '@earshot/testing'
import { migratedDatabase } from '@earshot/testing/store'
import { verifyWebhook } from '../src/webhooks/signature.js'
import { createWebhookService, type WebhookService } from '../src/webhooks/webhook-service.js'
import { webhookRoutes } from '../src/webhooks/webhook-routes.js'
import { type ApiApp, createApiApp, seedUser } from '../src/index.js'

const logger = createLogger({ level: 'silent', name: 'webhooks-test' })
const retry = { maxAttempts: 4, backoffBaseMs: 20, backoffMaxMs: 80 }

interface ReceivedRequest { headers: IncomingHttpHeaders, body: string, answeredWith: number }

/** A downstream system: answers each POST with the next status of `script`, then `then` for ever. */
async function startReceiver (script: number[], then: number) {
  const received: ReceivedRequest[] = []
  const behaviour = { script: [...script], then }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const status = behaviour.script.shift() ?? behaviour.then
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answeredWith: status })
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'receiver is down')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/earshot`,
    received,
    /** From now on, answer every request with `status`. */
    answerAlways (status: number): void { behaviour.script = []; behaviour.then = status },
    close: async () => { await new Promise<void>((resolve) => server.close(() => resolve())) },
  }
}

interface SubscriptionBody { id: string, secret: string }
interface DeliveryBody { id: string, eventId: string, status: string, attemptCount: number, attempts: Array<{ attempt: number, outcome: string, statusCode: number | null }> }

describe('outbound webhooks on real PostgreSQL and Kafka', () => {
  let pool: Pool
  let close: () => Promise<void>
  let bus: KafkaBus
  let producer: Producer
  let webhooks: WebhookService
  let api: ApiApp
  const sessions = new Map<string, string>()
  const receivers: Array<{ close: () => Promise<void> }> = []

  beforeAll(async () => {
    ({ pool, close } = await migratedDatabase('webhooks', 6))
    bus = createKafkaBus({ brokers: testEnvironment().kafkaBrokers, clientId: 'webhooks-test' })
    await bus.ensureTopics([{ name: topics.tickets, partitions: 3 }])
    producer = bus.producer()
    // A group of its own per run: the production group is `api-webhooks`.
    webhooks = createWebhookService({ bus, pool, logger, retry, idleMs: 25, timeoutMs: 2000, groupId: uniqueName('api-webhooks-test') })
    api = await createApiApp({ pool, logger })
    // Until app.ts registers the plugin itself (then this is skipped and the worker's idle poll finds replays).
    if (!api.hasRoute({ method: 'GET', url: '/v1/tenants/:tenantId/webhooks' })) {
      await api.register(webhookRoutes, { prefix: '/v1', pool, onReplay: webhooks.wake })
    }
    await api.ready()
    await webhooks.start()
  })

  afterAll(async () => {
    await webhooks?.stop()
    await api?.close()
    await producer?.close()
    await bus?.close()
    await close?.()
    for (const receiver of receivers) await receiver.close()
  })

  /** A signed-in user with `role` in `tenantId` (and nothing else): the session cookie header. */
  async function as (tenantId: string, role: 'agency_admin' | 'moderator' | 'viewer' = 'agency_admin'): Promise<{ cookie: string }> {
    const cached = sessions.get(`${tenantId}:${role}`)
    if (cached !== undefined) return { cookie: cached }
    const email = `${role}.${tenantId}@hooks.test`
    await seedUser(pool, { email, password: 'correct horse battery', name: role, grants: [{ tenantId, role }] })
    const login = await api.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password: 'correct horse battery' } })
    expect(login.statusCode).toBe(200)
    const cookie = `earshot_session=${login.cookies.find((c) => c.name === 'earshot_session')?.value ?? ''}`
    sessions.set(`${tenantId}:${role}`, cookie)
    return { cookie }
  }

  async function subscribe (tenantId: string, url: string, extra: Record<string, unknown> = {}): Promise<SubscriptionBody> {
    const response = await api.inject({ method: 'POST', url: `/v1/tenants/${tenantId}/webhooks`, headers: await as(tenantId), payload: { url, ...extra } })
    expect(response.statusCode).toBe(201)
    return response.json<SubscriptionBody>()
  }

  async function publish (...events: TicketEvent[]): Promise<void> {
    await producer.send(topics.tickets, events.map((event) => ({ key: messageKeyFor(event), value: JSON.stringify(event) })))
  }

  /** Events of one conversation share a key, hence a partition, so they are consumed in the order published. */
  function ticketEvent (tenantId: string, n: number, type: TicketEvent['type'] = 'ticket.opened', conversation = n): TicketEvent {
    return sampleTicketEvent({ tenantId, ticketId: `tkt_${conversation}`, sequence: n, eventId: `evt_${tenantId}_${n}`, type, ticket: { conversationId: `x:${conversation}` } })
  }

  async function deliveries (tenantId: string, subscriptionId: string, query = ''): Promise<DeliveryBody[]> {
    const response = await api.inject({ method: 'GET', url: `/v1/tenants/${tenantId}/webhooks/${subscriptionId}/deliveries${query}`, headers: await as(tenantId, 'viewer') })
    expect(response.statusCode).toBe(200)
    return response.json<{ items: DeliveryBody[] }>().items
  }

  async function delivery (tenantId: string, subscriptionId: string, deliveryId: string): Promise<DeliveryBody> {
    const response = await api.inject({ method: 'GET', url: `/v1/tenants/${tenantId}/webhooks/${subscriptionId}/deliveries/${deliveryId}`, headers: await as(tenantId, 'moderator') })
    expect(response.statusCode).toBe(200)
    return response.json<DeliveryBody>()
  }

  test('a receiver that fails twice then succeeds gets the event once it succeeds, with a valid signature', async () => {
    const tenantId = uniqueName('hooks')
    const receiver = await startReceiver([500, 503], 200)
    receivers.push(receiver)
    const { id: subscriptionId, secret } = await subscribe(tenantId, receiver.url, { secret: 'a-shared-secret-of-the-crm' })
    expect(secret).toBe('a-shared-secret-of-the-crm')
    const event = ticketEvent(tenantId, 1)
    await publish(event)

    const [delivered] = await waitFor(async () => {
      const items = await deliveries(tenantId, subscriptionId, '?status=delivered')
      return items.length === 1 && items
    }, { timeoutMs: 30_000, message: 'the delivery to be delivered' })
    const detail = await delivery(tenantId, subscriptionId, delivered?.id ?? '')
    expect(detail).toMatchObject({ eventId: event.eventId, status: 'delivered', attemptCount: 3 })
    expect(detail.attempts.map((a) => [a.attempt, a.outcome, a.statusCode])).toEqual([[1, 'failed', 500], [2, 'failed', 503], [3, 'delivered', 200]])

    expect(receiver.received.map((r) => r.answeredWith)).toEqual([500, 503, 200])
    const success = receiver.received[2]
    if (success === undefined) throw new Error('no successful request')
    expect(JSON.parse(success.body)).toEqual(event)
    expect(success.headers['content-type']).toBe('application/json')
    expect(success.headers['earshot-event-id']).toBe(event.eventId)
    expect(success.headers['earshot-delivery-id']).toBe(delivered?.id)
    const header = success.headers['earshot-signature'] as string
    expect(verifyWebhook({ secret, body: success.body, header })).toMatchObject({ ok: true })
    // Independently of our code: HMAC-SHA256(secret, "<t>.<body>") in hex.
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header)
    expect(match).not.toBeNull()
    const [, t = '', v1 = ''] = match ?? []
    expect(createHmac('sha256', secret).update(`${t}.${success.body}`).digest('hex')).toBe(v1)
    expect(Math.abs(Date.now() / 1000 - Number(t))).toBeLessThan(60)
    expect(verifyWebhook({ secret: 'not-the-secret', body: success.body, header })).toEqual({ ok: false, reason: 'signature_mismatch' })
  })

  test('a receiver that always fails ends in the dead-letter list, and a replay after it recovers delivers', async () => {
    const tenantId = uniqueName('hooks')
    const receiver = await startReceiver([], 500)
    receivers.push(receiver)
    const { id: subscriptionId } = await subscribe(tenantId, receiver.url)
    const event = ticketEvent(tenantId, 2, 'ticket.escalated')
    await publish(event)

    const [dead] = await waitFor(async () => {
      const items = await deliveries(tenantId, subscriptionId, '?status=dead')
      return items.length === 1 && items
    }, { timeoutMs: 30_000, message: 'the delivery to be dead' })
    expect(dead).toMatchObject({ eventId: event.eventId, status: 'dead', attemptCount: retry.maxAttempts })
    const deadDetail = await delivery(tenantId, subscriptionId, dead?.id ?? '')
    expect(deadDetail.attempts.map((a) => a.outcome)).toEqual(['failed', 'failed', 'failed', 'failed'])
    expect(receiver.received).toHaveLength(retry.maxAttempts)
    expect(await deliveries(tenantId, subscriptionId, '?status=pending')).toEqual([])

    const viewerReplay = await api.inject({ method: 'POST', url: `/v1/tenants/${tenantId}/webhooks/${subscriptionId}/deliveries/${dead?.id ?? ''}/replay`, headers: await as(tenantId, 'viewer') })
    expect(viewerReplay.statusCode).toBe(403)

    receiver.answerAlways(204)
    const replay = await api.inject({ method: 'POST', url: `/v1/tenants/${tenantId}/webhooks/${subscriptionId}/deliveries/${dead?.id ?? ''}/replay`, headers: await as(tenantId) })
    expect(replay.statusCode).toBe(202)
    expect(replay.json()).toMatchObject({ id: dead?.id, status: 'pending' })
    const replayed = await waitFor(async () => {
      const detail = await delivery(tenantId, subscriptionId, dead?.id ?? '')
      return detail.status === 'delivered' && detail
    }, { timeoutMs: 15_000, message: 'the replayed delivery to be delivered' })
    expect(replayed.attemptCount).toBe(retry.maxAttempts + 1)
    expect(replayed.attempts.at(-1)).toMatchObject({ attempt: retry.maxAttempts + 1, outcome: 'delivered', statusCode: 204 })
    expect(receiver.received.map((r) => r.answeredWith)).toEqual([500, 500, 500, 500, 204])
    expect(await deliveries(tenantId, subscriptionId, '?status=dead')).toEqual([])
  })

  test('tenant B cannot read tenant A\'s subscriptions or deliveries', async () => {
    const tenantA = uniqueName('hooks-a')
    const tenantB = uniqueName('hooks-b')
    const receiver = await startReceiver([], 200)
    receivers.push(receiver)
    const { id: subscriptionId } = await subscribe(tenantA, receiver.url)
    await publish(ticketEvent(tenantA, 3))
    const [item] = await waitFor(async () => {
      const items = await deliveries(tenantA, subscriptionId, '?status=delivered')
      return items.length === 1 && items
    }, { timeoutMs: 30_000, message: 'tenant A\'s delivery' })
    const deliveryId = item?.id ?? ''

    // B's credentials on A's paths: the tenant is not granted, so it does not exist for B.
    for (const url of [
      `/v1/tenants/${tenantA}/webhooks`,
      `/v1/tenants/${tenantA}/webhooks/${subscriptionId}/deliveries`,
      `/v1/tenants/${tenantA}/webhooks/${subscriptionId}/deliveries/${deliveryId}`,
    ]) {
      expect((await api.inject({ method: 'GET', url, headers: await as(tenantB) })).statusCode).toBe(404)
    }
    // A's ids under B's own tenant: the repository scopes every query by tenant.
    expect((await api.inject({ method: 'GET', url: `/v1/tenants/${tenantB}/webhooks`, headers: await as(tenantB) })).json()).toEqual({ items: [] })
    for (const [method, url] of [
      ['GET', `/v1/tenants/${tenantB}/webhooks/${subscriptionId}/deliveries`],
      ['GET', `/v1/tenants/${tenantB}/webhooks/${subscriptionId}/deliveries/${deliveryId}`],
      ['POST', `/v1/tenants/${tenantB}/webhooks/${subscriptionId}/deliveries/${deliveryId}/replay`],
      ['DELETE', `/v1/tenants/${tenantB}/webhooks/${subscriptionId}`],
    ] as const) {
      expect((await api.inject({ method, url, headers: await as(tenantB) })).statusCode).toBe(404)
    }
    expect((await api.inject({ method: 'GET', url: `/v1/tenants/${tenantA}/webhooks` })).statusCode).toBe(401)
    // A still has everything.
    expect((await api.inject({ method: 'GET', url: `/v1/tenants/${tenantA}/webhooks`, headers: await as(tenantA, 'viewer') })).json<{ items: unknown[] }>().items).toHaveLength(1)
  })

  test('a redelivered tickets.v1 event does not create a second delivery', async () => {
    const tenantId = uniqueName('hooks')
    const receiver = await startReceiver([], 200)
    receivers.push(receiver)
    const { id: subscriptionId } = await subscribe(tenantId, receiver.url)
    const event = ticketEvent(tenantId, 4)
    await publish(event)
    await waitFor(async () => (await deliveries(tenantId, subscriptionId, '?status=delivered')).length === 1,
      { timeoutMs: 30_000, message: 'the first delivery' })
    // The outbox relay republishes after a crash between publishing and marking sent: the same event again,
    // followed by a marker event, so we know the consumer has passed the duplicate.
    const marker = ticketEvent(tenantId, 5, 'ticket.acknowledged', 4)
    await publish(event, marker)
    await waitFor(async () => (await deliveries(tenantId, subscriptionId)).some((d) => d.eventId === marker.eventId),
      { timeoutMs: 30_000, message: 'the marker event\'s delivery' })
    const items = await deliveries(tenantId, subscriptionId)
    expect(items.map((d) => d.eventId).sort()).toEqual([event.eventId, marker.eventId].sort())
    await waitFor(() => receiver.received.length >= 2, { timeoutMs: 15_000, message: 'both deliveries to arrive' })
    expect(receiver.received.map((r) => r.headers['earshot-event-id']).sort()).toEqual([event.eventId, marker.eventId].sort())
  })

  test('only the event types a subscription lists reach it', async () => {
    const tenantA = uniqueName('hooks-a')
    const tenantB = uniqueName('hooks-b')
    const receiver = await startReceiver([], 200)
    receivers.push(receiver)
    const { id: subscriptionId } = await subscribe(tenantA, receiver.url, { eventTypes: ['ticket.escalated'] })
    const wanted = ticketEvent(tenantA, 8, 'ticket.escalated', 6)
    await publish(ticketEvent(tenantA, 6, 'ticket.opened'), ticketEvent(tenantB, 7, 'ticket.escalated'), wanted)
    await waitFor(() => receiver.received.length >= 1, { timeoutMs: 30_000, message: 'the escalation' })
    const items = await deliveries(tenantA, subscriptionId)
    expect(items.map((d) => d.eventId)).toEqual([wanted.eventId])
  })

  test('pages deliveries newest first with a cursor, and deleting a subscription removes it', async () => {
    const tenantId = uniqueName('hooks')
    const receiver = await startReceiver([], 200)
    receivers.push(receiver)
    const { id: subscriptionId } = await subscribe(tenantId, receiver.url)
    const events = [10, 11, 12].map((n) => ticketEvent(tenantId, n))
    for (const event of events) await publish(event)
    await waitFor(async () => (await deliveries(tenantId, subscriptionId)).length === 3, { timeoutMs: 30_000, message: 'three deliveries' })

    const first = await api.inject({ method: 'GET', url: `/v1/tenants/${tenantId}/webhooks/${subscriptionId}/deliveries?limit=2`, headers: await as(tenantId, 'viewer') })
    const page1 = first.json<{ items: DeliveryBody[], nextCursor: string | null }>()
    expect(page1.items).toHaveLength(2)
    expect(page1.nextCursor).not.toBeNull()
    const second = await api.inject({ method: 'GET', url: `/v1/tenants/${tenantId}/webhooks/${subscriptionId}/deliveries?limit=2&cursor=${page1.nextCursor ?? ''}`, headers: await as(tenantId, 'viewer') })
    const page2 = second.json<{ items: DeliveryBody[], nextCursor: string | null }>()
    expect(page2.items).toHaveLength(1)
    expect(page2.nextCursor).toBeNull()
    expect([...page1.items, ...page2.items].map((d) => d.eventId).sort()).toEqual(events.map((e) => e.eventId).sort())
    const bad = await api.inject({ method: 'GET', url: `/v1/tenants/${tenantId}/webhooks/${subscriptionId}/deliveries?cursor=nonsense`, headers: await as(tenantId) })
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ code: 'API_ERR_BAD_REQUEST', field: 'cursor' })

    const listed = await api.inject({ method: 'GET', url: `/v1/tenants/${tenantId}/webhooks`, headers: await as(tenantId, 'viewer') })
    expect(listed.json<{ items: Array<Record<string, unknown>> }>().items[0]).not.toHaveProperty('secret')
    expect((await api.inject({ method: 'DELETE', url: `/v1/tenants/${tenantId}/webhooks/${subscriptionId}`, headers: await as(tenantId, 'moderator') })).statusCode).toBe(403)
    expect((await api.inject({ method: 'DELETE', url: `/v1/tenants/${tenantId}/webhooks/${subscriptionId}`, headers: await as(tenantId) })).statusCode).toBe(204)
    expect((await api.inject({ method: 'GET', url: `/v1/tenants/${tenantId}/webhooks/${subscriptionId}/deliveries`, headers: await as(tenantId) })).statusCode).toBe(404)
  })

  test('the OpenAPI document lists the webhook routes', () => {
    const paths = Object.keys((api.swagger() as { paths: Record<string, unknown> }).paths)
    expect(paths).toEqual(expect.arrayContaining([
      '/v1/tenants/{tenantId}/webhooks',
      '/v1/tenants/{tenantId}/webhooks/{id}',
      '/v1/tenants/{tenantId}/webhooks/{id}/deliveries',
      '/v1/tenants/{tenantId}/webhooks/{id}/deliveries/{deliveryId}',
      '/v1/tenants/{tenantId}/webhooks/{id}/deliveries/{deliveryId}/replay',
    ]))
  })

  test('refuses a subscription URL that is not http(s) or carries credentials', async () => {
    const tenantId = uniqueName('hooks')
    for (const url of ['ftp://example.com/x', 'https://user:pass@example.com/x', 'not a url']) {
      const response = await api.inject({ method: 'POST', url: `/v1/tenants/${tenantId}/webhooks`, headers: await as(tenantId), payload: { url } })
      expect(response.statusCode).toBe(400)
      expect(response.json()).toMatchObject({ code: 'API_ERR_BAD_REQUEST', field: 'url' })
    }
  })
})
