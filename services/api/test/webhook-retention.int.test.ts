import { createLogger } from '@earshot/observability'
import { type Pool } from '@earshot/store'
import { migratedDatabase } from '@earshot/testing/store'
import { createDeliveryRetention } from '../src/webhooks/delivery-retention.js'

const logger = createLogger({ level: 'silent', name: 'webhook-retention-test' })
const day = 24 * 60 * 60 * 1000
const now = new Date('2026-11-23T10:00:00Z')
const daysAgo = (days: number): Date => new Date(now.getTime() - days * day)

describe('pruning finished webhook deliveries on real PostgreSQL', () => {
  let pool: Pool
  let close: () => Promise<void>

  beforeAll(async () => {
    ({ pool, close } = await migratedDatabase('webhook_retention'))
    for (const [tenant, id] of [['acme', 'sub-1'], ['acme', 'sub-2'], ['globex', 'sub-1']]) {
      await pool.query('INSERT INTO webhook_subscriptions (tenant_id, id, url, secret) VALUES ($1, $2, \'https://example.test/hook\', \'whsec_0123456789abcdef\')', [tenant, id])
    }
  })

  afterAll(async () => {
    await close()
  })

  async function addDelivery (tenant: string, subscription: string, id: string, status: 'pending' | 'delivered' | 'dead', createdDaysAgo: number, updatedDaysAgo = createdDaysAgo): Promise<void> {
    await pool.query(
      `INSERT INTO webhook_deliveries (tenant_id, id, subscription_id, event_id, event_type, payload, status, created_at, updated_at)
       VALUES ($1, $2, $3, 'evt-' || $2, 'ticket.opened', '{}', $4, $5, $6)`, [tenant, id, subscription, status, daysAgo(createdDaysAgo), daysAgo(updatedDaysAgo)])
    await pool.query(
      `INSERT INTO webhook_delivery_attempts (tenant_id, delivery_id, attempt, started_at, duration_ms, outcome)
       VALUES ($1, $2, 1, $3, 12, 'failed')`, [tenant, id, daysAgo(createdDaysAgo)])
  }

  test('delivered and dead deliveries past the retention go with their attempts, in every tenant; pending and recently replayed ones stay', async () => {
    await addDelivery('acme', 'sub-1', 'd-old-delivered', 'delivered', 40)
    await addDelivery('acme', 'sub-1', 'd-old-dead', 'dead', 35)
    await addDelivery('acme', 'sub-1', 'd-old-pending', 'pending', 45)
    await addDelivery('acme', 'sub-1', 'd-replayed', 'delivered', 40, 2)
    await addDelivery('acme', 'sub-1', 'd-young', 'delivered', 5)
    await addDelivery('acme', 'sub-2', 'd-old-2', 'delivered', 31)
    await addDelivery('globex', 'sub-1', 'd-old-globex', 'dead', 60)
    await addDelivery('globex', 'sub-1', 'd-young-globex', 'dead', 29)
    // Batches of 2: the sweep needs several statements and must not stop at the first.
    const retention = createDeliveryRetention({ pool, logger, retentionMs: 30 * day, batchSize: 2, now: () => now })
    let pruned = 0
    for (let round = await retention.pruneOnce(); round > 0; round = await retention.pruneOnce()) pruned += round
    expect(pruned).toBe(4)
    const { rows } = await pool.query<{ tenant_id: string, id: string }>('SELECT tenant_id, id FROM webhook_deliveries ORDER BY tenant_id, id')
    expect(rows.map((r) => `${r.tenant_id}/${r.id}`)).toEqual(['acme/d-old-pending', 'acme/d-replayed', 'acme/d-young', 'globex/d-young-globex'])
    const attempts = await pool.query<{ delivery_id: string }>('SELECT delivery_id FROM webhook_delivery_attempts ORDER BY tenant_id, delivery_id')
    expect(attempts.rows.map((r) => r.delivery_id)).toEqual(['d-old-pending', 'd-replayed', 'd-young', 'd-young-globex'])
  })
})
