import { randomBytes } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ticketEventTypes } from '@earshot/contracts'
import type { Pool } from '@earshot/store'
import { authenticate, authorize, type Permission } from '../auth/index.js'
import { decodeCursor, encodeCursor } from '../domain/cursor.js'
import { badRequest, notFound } from '../errors.js'
import { errorReplies, integerParam, queryInteger, tenantIdParam } from '../routes/common.js'
import { T } from '../schema.js'
import { deliveryStatuses } from './delivery-policy.js'
import { createWebhookRepository, type DeliveryDetail, type DeliveryPosition, type WebhookDelivery, type WebhookSubscription } from './webhook-repository.js'

export interface WebhookRoutesOptions {
  pool: Pool
  /** Called after a replay made a delivery due (wakes the worker). */
  onReplay?: () => void
  now?: () => Date
}

/** Agency admins manage subscriptions and replay; whoever may read the tenant's events (viewer and up) reads deliveries. */
const manage: Permission = 'webhooks.manage'
const read: Permission = 'events.read'
const maxPageSize = 100

const TenantParams = T.Object({ tenantId: tenantIdParam })
const SubscriptionParams = T.Object({ tenantId: tenantIdParam, id: T.String({ minLength: 1, maxLength: 100 }) })
const DeliveryParams = T.Object({
  tenantId: tenantIdParam,
  id: T.String({ minLength: 1, maxLength: 100 }),
  deliveryId: T.String({ minLength: 1, maxLength: 100 }),
})
const Timestamp = T.String({ format: 'date-time' })
const NullableTimestamp = T.Union([Timestamp, T.Null()])

const Subscription = T.Object({
  id: T.String(),
  url: T.String(),
  eventTypes: T.Array(T.StringEnum(ticketEventTypes), { description: 'Empty: every event type.' }),
  description: T.Union([T.String(), T.Null()]),
  active: T.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
const CreatedSubscription = T.Object({
  ...Subscription.properties,
  secret: T.String({ description: 'The signing secret; shown only in this response.' }),
})
const CreateSubscriptionBody = T.Object({
  url: T.String({ minLength: 1, maxLength: 2048, description: 'An absolute http(s) URL that receives POSTs.' }),
  eventTypes: T.Optional(T.Array(T.StringEnum(ticketEventTypes), { maxItems: ticketEventTypes.length, uniqueItems: true })),
  secret: T.Optional(T.String({ minLength: 16, maxLength: 200, description: 'The HMAC secret; generated when omitted.' })),
  description: T.Optional(T.String({ maxLength: 500 })),
}, { additionalProperties: false })

const Delivery = T.Object({
  id: T.String(),
  subscriptionId: T.String(),
  eventId: T.String(),
  eventType: T.String(),
  status: T.StringEnum(deliveryStatuses),
  attemptCount: T.Integer(),
  nextAttemptAt: NullableTimestamp,
  lastStatusCode: T.Union([T.Integer(), T.Null()]),
  lastError: T.Union([T.String(), T.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  deliveredAt: NullableTimestamp,
})
const Attempt = T.Object({
  attempt: T.Integer(),
  startedAt: Timestamp,
  durationMs: T.Integer(),
  outcome: T.StringEnum(['delivered', 'failed'] as const),
  statusCode: T.Union([T.Integer(), T.Null()]),
  error: T.Union([T.String(), T.Null()]),
  responseExcerpt: T.Union([T.String(), T.Null()]),
})
const DeliveryWithAttempts = T.Object({
  ...Delivery.properties,
  payload: T.Unknown({ description: 'The tickets.v1 event, as POSTed.' }),
  attempts: T.Array(Attempt),
})
const DeliveryQuery = T.Object({
  status: T.Optional(T.StringEnum(deliveryStatuses)),
  cursor: T.Optional(T.String({ maxLength: 500 })),
  limit: queryInteger(`Page size, 1–${maxPageSize} (default 50)`),
})

function subscriptionView (s: WebhookSubscription) {
  return {
    id: s.id,
    url: s.url,
    eventTypes: s.eventTypes as Array<typeof ticketEventTypes[number]>,
    description: s.description,
    active: s.active,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  }
}

function deliveryView (d: WebhookDelivery) {
  return {
    id: d.id,
    subscriptionId: d.subscriptionId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attemptCount: d.attemptCount,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
  }
}

function deliveryDetailView (d: DeliveryDetail) {
  return {
    ...deliveryView(d),
    payload: d.payload,
    attempts: d.attempts.map((a) => ({ ...a, startedAt: a.startedAt.toISOString() })),
  }
}

/** Refuses anything but an absolute http(s) URL without credentials (a secret belongs in `secret`, not the URL). */
export function checkWebhookUrl (raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw badRequest('url must be an absolute http(s) URL, e.g. https://crm.example.com/earshot', 'url')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badRequest(`url must use https or http, not ${url.protocol}`, 'url')
  if (url.username !== '' || url.password !== '') throw badRequest('url must not carry credentials; the signature authenticates Earshot', 'url')
  return url.toString()
}

export function encodeDeliveryCursor (position: DeliveryPosition): string {
  return encodeCursor([position.createdAt.toISOString(), position.id])
}

/** Throws a 400 naming `cursor` unless it is one `encodeDeliveryCursor` made. */
export function decodeDeliveryCursor (cursor: string): DeliveryPosition {
  const key = decodeCursor(cursor, ['string', 'string'])
  const createdAt = new Date(String(key?.[0]))
  if (key === undefined || Number.isNaN(createdAt.getTime())) throw badRequest('cursor is not one this API returned; start again without it', 'cursor')
  return { createdAt, id: String(key[1]) }
}

export function newSubscriptionId (): string {
  return `whs_${Date.now().toString(36)}${randomBytes(8).toString('hex')}`
}

export function newWebhookSecret (): string {
  return `whsec_${randomBytes(32).toString('base64url')}`
}

/**
 * Subscriptions and their deliveries under /tenants/:tenantId/webhooks (register with prefix /v1).
 * Agency admins manage subscriptions and replay; viewers, moderators and integrations read
 * subscriptions (never their secrets) and deliveries. Every query takes the tenant.
 */
export const webhookRoutes: FastifyPluginAsyncTypebox<WebhookRoutesOptions> = async (app, options) => {
  const repo = createWebhookRepository()
  const now = options.now ?? (() => new Date())
  const { pool } = options
  const tags = ['webhooks']
  app.addHook('preHandler', authenticate)

  app.get('/tenants/:tenantId/webhooks', {
    schema: { tags, summary: 'List webhook subscriptions', params: TenantParams, response: { 200: T.Object({ items: T.Array(Subscription) }), ...errorReplies } },
  }, async (request) => {
    authorize(request, request.params.tenantId, read)
    return { items: (await repo.listSubscriptions(pool, request.params.tenantId)).map(subscriptionView) }
  })

  app.post('/tenants/:tenantId/webhooks', {
    schema: {
      tags,
      summary: 'Subscribe a URL to tickets.v1 events',
      params: TenantParams,
      body: CreateSubscriptionBody,
      response: { 201: CreatedSubscription, ...errorReplies },
    },
  }, async (request, reply) => {
    const { tenantId } = request.params
    authorize(request, tenantId, manage)
    const subscription = await repo.createSubscription(pool, {
      tenantId,
      id: newSubscriptionId(),
      url: checkWebhookUrl(request.body.url),
      secret: request.body.secret ?? newWebhookSecret(),
      eventTypes: request.body.eventTypes ?? [],
      description: request.body.description,
      createdAt: now(),
    })
    return await reply.code(201).send({ ...subscriptionView(subscription), secret: subscription.secret })
  })

  app.delete('/tenants/:tenantId/webhooks/:id', {
    schema: { tags, summary: 'Delete a subscription with its deliveries', params: SubscriptionParams, response: { 204: T.Null(), ...errorReplies } },
  }, async (request, reply) => {
    const { tenantId, id } = request.params
    authorize(request, tenantId, manage)
    if (!await repo.deleteSubscription(pool, tenantId, id)) throw notFound(`webhook subscription ${id} not found`)
    return await reply.code(204).send(null)
  })

  app.get('/tenants/:tenantId/webhooks/:id/deliveries', {
    schema: {
      tags,
      summary: 'A subscription\'s deliveries, newest first (status=dead: the dead-letter list)',
      params: SubscriptionParams,
      querystring: DeliveryQuery,
      response: { 200: T.Object({ items: T.Array(Delivery), nextCursor: T.Union([T.String(), T.Null()]) }), ...errorReplies },
    },
  }, async (request) => {
    const { tenantId, id } = request.params
    authorize(request, tenantId, read)
    const after = request.query.cursor === undefined ? undefined : decodeDeliveryCursor(request.query.cursor)
    const limit = integerParam(request.query.limit, 'limit', 50, maxPageSize)
    if (await repo.getSubscription(pool, tenantId, id) === undefined) throw notFound(`webhook subscription ${id} not found`)
    const rows = await repo.listDeliveries(pool, tenantId, id, { status: request.query.status, after, limit: limit + 1 })
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    return {
      items: page.map(deliveryView),
      nextCursor: rows.length > limit && last !== undefined ? encodeDeliveryCursor({ createdAt: last.createdAt, id: last.id }) : null,
    }
  })

  app.get('/tenants/:tenantId/webhooks/:id/deliveries/:deliveryId', {
    schema: { tags, summary: 'One delivery with its payload and every attempt', params: DeliveryParams, response: { 200: DeliveryWithAttempts, ...errorReplies } },
  }, async (request) => {
    const { tenantId, id, deliveryId } = request.params
    authorize(request, tenantId, read)
    const delivery = await repo.getDelivery(pool, tenantId, id, deliveryId)
    if (delivery === undefined) throw notFound(`webhook delivery ${deliveryId} not found`)
    return deliveryDetailView(delivery)
  })

  app.post('/tenants/:tenantId/webhooks/:id/deliveries/:deliveryId/replay', {
    schema: {
      tags,
      summary: 'Attempt a delivery again now, dead ones included (one more attempt for a dead one)',
      params: DeliveryParams,
      response: { 202: Delivery, ...errorReplies },
    },
  }, async (request, reply) => {
    const { tenantId, id, deliveryId } = request.params
    authorize(request, tenantId, manage)
    const delivery = await repo.replay(pool, tenantId, id, deliveryId, now())
    if (delivery === undefined) throw notFound(`webhook delivery ${deliveryId} not found`)
    options.onReplay?.()
    return await reply.code(202).send(deliveryView(delivery))
  })
}
