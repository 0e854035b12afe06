import type { Queryable } from '@earshot/store'
import type { DeliveryStatus, NextState } from './delivery-policy.js'

export interface WebhookSubscription {
  tenantId: string
  id: string
  url: string
  /** The shared HMAC key, stored as given; never returned by the API after creation. */
  secret: string
  /** Empty: every event type. */
  eventTypes: string[]
  description: string | null
  active: boolean
  createdAt: Date
  updatedAt: Date
}

export interface NewSubscription {
  tenantId: string
  id: string
  url: string
  secret: string
  eventTypes: string[]
  description?: string | undefined
  createdAt: Date
}

export interface NewDelivery {
  tenantId: string
  id: string
  subscriptionId: string
  eventId: string
  eventType: string
  payload: unknown
  createdAt: Date
}

export interface WebhookDelivery {
  tenantId: string
  id: string
  subscriptionId: string
  eventId: string
  eventType: string
  status: DeliveryStatus
  attemptCount: number
  nextAttemptAt: Date | null
  lastStatusCode: number | null
  lastError: string | null
  createdAt: Date
  updatedAt: Date
  deliveredAt: Date | null
}

export interface DeliveryAttempt {
  attempt: number
  startedAt: Date
  durationMs: number
  outcome: 'delivered' | 'failed'
  statusCode: number | null
  error: string | null
  responseExcerpt: string | null
}

export interface DeliveryDetail extends WebhookDelivery {
  payload: unknown
  attempts: DeliveryAttempt[]
}

/** A delivery a worker holds for one attempt, with what it needs to send it. */
export interface ClaimedDelivery {
  tenantId: string
  id: string
  subscriptionId: string
  eventId: string
  eventType: string
  payload: unknown
  /** The number of this attempt, 1-based. */
  attempt: number
  url: string
  secret: string
}

export interface AttemptRecord {
  tenantId: string
  deliveryId: string
  attempt: number
  startedAt: Date
  durationMs: number
  statusCode: number | undefined
  error: string | undefined
  responseExcerpt: string | undefined
  next: NextState
  at: Date
}

/** Keyset position in a subscription's deliveries, newest first. */
export interface DeliveryPosition { createdAt: Date, id: string }

interface SubscriptionRecord {
  tenant_id: string
  id: string
  url: string
  secret: string
  event_types: string[]
  description: string | null
  active: boolean
  created_at: Date
  updated_at: Date
}

interface DeliveryRecord {
  tenant_id: string
  id: string
  subscription_id: string
  event_id: string
  event_type: string
  status: DeliveryStatus
  attempt_count: number
  next_attempt_at: Date | null
  last_status_code: number | null
  last_error: string | null
  created_at: Date
  updated_at: Date
  delivered_at: Date | null
}

const subscriptionColumns = 'tenant_id, id, url, secret, event_types, description, active, created_at, updated_at'
const deliveryColumns = 'tenant_id, id, subscription_id, event_id, event_type, status, attempt_count, next_attempt_at, last_status_code, last_error, created_at, updated_at, delivered_at'

function toSubscription (r: SubscriptionRecord): WebhookSubscription {
  return {
    tenantId: r.tenant_id,
    id: r.id,
    url: r.url,
    secret: r.secret,
    eventTypes: r.event_types,
    description: r.description,
    active: r.active,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

function toDelivery (r: DeliveryRecord): WebhookDelivery {
  return {
    tenantId: r.tenant_id,
    id: r.id,
    subscriptionId: r.subscription_id,
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    attemptCount: r.attempt_count,
    nextAttemptAt: r.next_attempt_at,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deliveredAt: r.delivered_at,
  }
}

/**
 * Webhook subscriptions, deliveries and their attempt log. Every API-facing query takes the tenant;
 * `activeSubscriptions` (the dispatcher) and `claimDue` (the worker) work across tenants by design and
 * carry the tenant on every row. Each method is one statement, so none needs a transaction and the
 * embedded mode's single connection is never held across an HTTP request.
 */
export function createWebhookRepository () {
  return {
    async createSubscription (q: Queryable, s: NewSubscription): Promise<WebhookSubscription> {
      const { rows } = await q.query<SubscriptionRecord>(
        `INSERT INTO webhook_subscriptions (tenant_id, id, url, secret, event_types, description, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $7) RETURNING ${subscriptionColumns}`,
        [s.tenantId, s.id, s.url, s.secret, s.eventTypes, s.description ?? null, s.createdAt])
      return toSubscription(rows[0] as SubscriptionRecord)
    },

    async listSubscriptions (q: Queryable, tenantId: string): Promise<WebhookSubscription[]> {
      const { rows } = await q.query<SubscriptionRecord>(
        `SELECT ${subscriptionColumns} FROM webhook_subscriptions WHERE tenant_id = $1 ORDER BY created_at, id`, [tenantId])
      return rows.map(toSubscription)
    },

    async getSubscription (q: Queryable, tenantId: string, id: string): Promise<WebhookSubscription | undefined> {
      const { rows } = await q.query<SubscriptionRecord>(
        `SELECT ${subscriptionColumns} FROM webhook_subscriptions WHERE tenant_id = $1 AND id = $2`, [tenantId, id])
      const row = rows[0]
      return row === undefined ? undefined : toSubscription(row)
    },

    /** Deletes the subscription with its secret, deliveries and attempts; false when there was none. */
    async deleteSubscription (q: Queryable, tenantId: string, id: string): Promise<boolean> {
      const { rowCount } = await q.query('DELETE FROM webhook_subscriptions WHERE tenant_id = $1 AND id = $2', [tenantId, id])
      return (rowCount ?? 0) > 0
    },

    /** Active subscriptions of these tenants (the dispatcher matches each event against its own tenant's). */
    async activeSubscriptions (q: Queryable, tenantIds: readonly string[]): Promise<Array<Pick<WebhookSubscription, 'tenantId' | 'id' | 'eventTypes'>>> {
      if (tenantIds.length === 0) return []
      const { rows } = await q.query<{ tenant_id: string, id: string, event_types: string[] }>(
        'SELECT tenant_id, id, event_types FROM webhook_subscriptions WHERE tenant_id = ANY($1::text[]) AND active', [[...tenantIds]])
      return rows.map((r) => ({ tenantId: r.tenant_id, id: r.id, eventTypes: r.event_types }))
    },

    /** Inserts deliveries not created yet; an event seen again for the same subscription inserts nothing. */
    async insertDeliveries (q: Queryable, rows: readonly NewDelivery[]): Promise<number> {
      if (rows.length === 0) return 0
      const { rowCount } = await q.query(
        `INSERT INTO webhook_deliveries (tenant_id, id, subscription_id, event_id, event_type, payload, created_at, updated_at, next_attempt_at)
         SELECT t, i, s, e, y, p, c, c, c FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[])
           AS n(t, i, s, e, y, p, c)
         ON CONFLICT (tenant_id, subscription_id, event_id) DO NOTHING`,
        [rows.map((r) => r.tenantId), rows.map((r) => r.id), rows.map((r) => r.subscriptionId), rows.map((r) => r.eventId),
          rows.map((r) => r.eventType), rows.map((r) => JSON.stringify(r.payload)), rows.map((r) => r.createdAt)])
      return rowCount ?? 0
    },

    /**
     * Claims due deliveries of active subscriptions for one attempt each: counts the attempt and
     * pushes next_attempt_at to `leaseUntil`, so a worker that dies mid-request leaves the delivery
     * to be retried once the lease runs out. SKIP LOCKED lets several API replicas claim at once
     * without sending one attempt twice (PGlite has one connection, where it changes nothing).
     */
    async claimDue (q: Queryable, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
      const { rows } = await q.query<{ tenant_id: string, id: string, subscription_id: string, event_id: string, event_type: string, payload: unknown, attempt_count: number, url: string, secret: string }>(
        `UPDATE webhook_deliveries d SET attempt_count = d.attempt_count + 1, next_attempt_at = $2, updated_at = $1
         FROM webhook_subscriptions s
         WHERE (d.tenant_id, d.id) IN (
             SELECT due.tenant_id, due.id FROM webhook_deliveries due
             JOIN webhook_subscriptions active ON active.tenant_id = due.tenant_id AND active.id = due.subscription_id AND active.active
             WHERE due.status = 'pending' AND due.next_attempt_at <= $1
             ORDER BY due.next_attempt_at LIMIT $3 FOR UPDATE OF due SKIP LOCKED)
           AND s.tenant_id = d.tenant_id AND s.id = d.subscription_id
         RETURNING d.tenant_id, d.id, d.subscription_id, d.event_id, d.event_type, d.payload, d.attempt_count, s.url, s.secret`,
        [now, leaseUntil, limit])
      return rows.map((r) => ({
        tenantId: r.tenant_id,
        id: r.id,
        subscriptionId: r.subscription_id,
        eventId: r.event_id,
        eventType: r.event_type,
        payload: r.payload,
        attempt: r.attempt_count,
        url: r.url,
        secret: r.secret,
      }))
    },

    /**
     * Logs the attempt and moves the delivery to its next state, unless a later attempt has been
     * claimed meanwhile (a replay, or a lease that ran out): then only the log row is written.
     */
    async recordAttempt (q: Queryable, a: AttemptRecord): Promise<void> {
      await q.query(
        `WITH logged AS (
           INSERT INTO webhook_delivery_attempts (tenant_id, delivery_id, attempt, started_at, duration_ms, outcome, status_code, error, response_excerpt)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (tenant_id, delivery_id, attempt) DO NOTHING)
         UPDATE webhook_deliveries SET status = $10, next_attempt_at = $11, last_status_code = $7, last_error = $8, updated_at = $12,
           delivered_at = CASE WHEN $10 = 'delivered' THEN $12::timestamptz ELSE delivered_at END
         WHERE tenant_id = $1 AND id = $2 AND attempt_count = $3 AND status = 'pending'`,
        [a.tenantId, a.deliveryId, a.attempt, a.startedAt, a.durationMs, a.next.status === 'delivered' ? 'delivered' : 'failed',
          a.statusCode ?? null, a.error ?? null, a.responseExcerpt ?? null, a.next.status, a.next.nextAttemptAt, a.at])
    },

    async listDeliveries (q: Queryable, tenantId: string, subscriptionId: string,
      options: { status?: DeliveryStatus | undefined, after?: DeliveryPosition | undefined, limit: number }): Promise<WebhookDelivery[]> {
      const params: unknown[] = [tenantId, subscriptionId, options.limit]
      let where = 'tenant_id = $1 AND subscription_id = $2'
      if (options.status !== undefined) {
        params.push(options.status)
        where += ` AND status = $${params.length}`
      }
      if (options.after !== undefined) {
        params.push(options.after.createdAt, options.after.id)
        where += ` AND (created_at, id) < ($${params.length - 1}, $${params.length})`
      }
      const { rows } = await q.query<DeliveryRecord>(
        `SELECT ${deliveryColumns} FROM webhook_deliveries WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $3`, params)
      return rows.map(toDelivery)
    },

    async getDelivery (q: Queryable, tenantId: string, subscriptionId: string, id: string): Promise<DeliveryDetail | undefined> {
      const { rows } = await q.query<DeliveryRecord & { payload: unknown }>(
        `SELECT ${deliveryColumns}, payload FROM webhook_deliveries WHERE tenant_id = $1 AND subscription_id = $2 AND id = $3`,
        [tenantId, subscriptionId, id])
      const row = rows[0]
      if (row === undefined) return undefined
      const { rows: attempts } = await q.query<{ attempt: number, started_at: Date, duration_ms: number, outcome: 'delivered' | 'failed', status_code: number | null, error: string | null, response_excerpt: string | null }>(
        `SELECT attempt, started_at, duration_ms, outcome, status_code, error, response_excerpt FROM webhook_delivery_attempts
         WHERE tenant_id = $1 AND delivery_id = $2 ORDER BY attempt`, [tenantId, id])
      return {
        ...toDelivery(row),
        payload: row.payload,
        attempts: attempts.map((r) => ({
          attempt: r.attempt,
          startedAt: r.started_at,
          durationMs: r.duration_ms,
          outcome: r.outcome,
          statusCode: r.status_code,
          error: r.error,
          responseExcerpt: r.response_excerpt,
        })),
      }
    },

    /** Makes the delivery due now, whatever its status; a dead one gets exactly one more attempt. */
    async replay (q: Queryable, tenantId: string, subscriptionId: string, id: string, now: Date): Promise<WebhookDelivery | undefined> {
      const { rows } = await q.query<DeliveryRecord>(
        `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $4, updated_at = $4
         WHERE tenant_id = $1 AND subscription_id = $2 AND id = $3 RETURNING ${deliveryColumns}`, [tenantId, subscriptionId, id, now])
      const row = rows[0]
      return row === undefined ? undefined : toDelivery(row)
    },

    /**
     * Retention: deletes up to `limit` delivered or dead deliveries (their attempts cascade) created and last
     * changed before `before`. Walks each subscription's (created_at) index, so the cost follows what is pruned,
     * not the table's size. Pending deliveries are never pruned. Returns how many went.
     */
    async pruneFinishedDeliveries (q: Queryable, before: Date, limit: number): Promise<number> {
      const { rows } = await q.query<{ pruned: number }>(
        `WITH old AS (
           SELECT d.tenant_id, d.id FROM webhook_subscriptions s
           CROSS JOIN LATERAL (
             SELECT x.tenant_id, x.id FROM webhook_deliveries x
             WHERE x.tenant_id = s.tenant_id AND x.subscription_id = s.id AND x.created_at < $1
               AND x.updated_at < $1 AND x.status <> 'pending'
             ORDER BY x.created_at LIMIT $2) d
           LIMIT $2),
         gone AS (
           DELETE FROM webhook_deliveries w USING old
           WHERE w.tenant_id = old.tenant_id AND w.id = old.id AND w.status <> 'pending'
           RETURNING 1)
         SELECT count(*)::int AS pruned FROM gone`, [before, limit])
      return rows[0]?.pruned ?? 0
    },
  }
}

export type WebhookRepository = ReturnType<typeof createWebhookRepository>
