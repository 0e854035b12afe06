import { request as httpRequest, type IncomingMessage } from 'node:http'
import { type AddressInfo } from 'node:net'
import { createLogger } from '@earshot/observability'
import { type Pool } from '@earshot/store'
import { uniqueName, waitFor } from '@earshot/testing'
import { migratedDatabase } from '@earshot/testing/store'
import { type ApiApp, createApiApp } from '../src/app.js'
import { createApiKey } from '../src/index.js'
import { insertTicket } from './helper.js'

describe('GET /v1/events over a real socket', () => {
  let pool: Pool
  let close: () => Promise<void>
  let app: ApiApp
  let port: number
  const tenantA = uniqueName('feed-a').toLowerCase()
  const tenantB = uniqueName('feed-b').toLowerCase()

  beforeAll(async () => {
    ({ pool, close } = await migratedDatabase('api_sse', 4))
    await insertTicket(pool, tenantA, 1)
    await insertTicket(pool, tenantB, 2)
    app = await createApiApp({ pool, logger: createLogger({ level: 'silent', name: 'sse-test' }), eventsPollIntervalMs: 50, heartbeatMs: 100 })
    await app.listen({ host: '127.0.0.1', port: 0 })
    port = (app.server.address() as AddressInfo).port
  })
  afterAll(async () => {
    await app.close()
    await close()
  })

  function open (token: string): Promise<{ res: IncomingMessage, text: () => string, close: () => void }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/v1/events', headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (res) => {
        let received = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => { received += chunk })
        resolve({ res, text: () => received, close: () => { req.destroy() } })
      })
      req.on('error', reject)
      req.end()
    })
  }

  test('streams its own tenant\'s ticket events as they commit, never another tenant\'s, with heartbeats', async () => {
    const reader = await createApiKey(pool, { tenantId: tenantA, role: 'integration', name: 'feed' })
    const actorA = await createApiKey(pool, { tenantId: tenantA, role: 'moderator', name: 'bot-a' })
    const actorB = await createApiKey(pool, { tenantId: tenantB, role: 'moderator', name: 'bot-b' })
    const stream = await open(reader.token)
    try {
      expect(stream.res.statusCode).toBe(200)
      expect(stream.res.headers['content-type']).toMatch(/^text\/event-stream/)
      const act = async (tenantId: string, ticketId: string, token: string): Promise<void> => {
        const res = await fetch(`http://127.0.0.1:${port}/v1/tenants/${tenantId}/tickets/${ticketId}/escalate`, {
          method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ team: 'legal' }),
        })
        expect(res.status).toBe(200)
      }
      await act(tenantB, 'tkt_2', actorB.token)
      await act(tenantA, 'tkt_1', actorA.token)
      await waitFor(() => stream.text().includes('event: ticket.escalated'), { timeoutMs: 10_000 })
      await waitFor(() => stream.text().includes(': heartbeat'), { timeoutMs: 5_000 })
      const events = stream.text().split('\n\n').filter((block) => block.includes('data: '))
      expect(events).toHaveLength(1)
      const data = JSON.parse(/data: (.*)/.exec(events[0] ?? '')?.[1] ?? '{}') as { tenantId: string, ticketId: string, sequence: number, ticket: { team: string } }
      expect(data).toMatchObject({ tenantId: tenantA, ticketId: 'tkt_1', sequence: 1, ticket: { team: 'legal' } })
    } finally {
      stream.close()
    }
  })
})
