import { randomBytes } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ticketEventTypes } from '@earshot/contracts'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Pool } from '@earshot/store'
import { T } from '../schema.js'
import { deliveryStatuses } from './delivery-policy.js'
import { DeliveryNotFoundError, InvalidCursorError, InvalidWebhookUrlError, SubscriptionNotFoundError, type WebhookApiError } from './errors.js'
import { createWebhookRepository, type DeliveryDetail, type DeliveryPosition, type WebhookDelivery, type WebhookSubscription } from './webhook-repository.js'

/** What a webhook route needs from the caller: `manage` (agency admins) or `read` (also moderators and viewers). */
export type WebhookNeed = 'manage' | 'read'

export interface WebhookAccess {
  /** preHandler: 401 without valid credentials. */
  authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  /** Throws (or rejects) with a 404 for a tenant not granted and a 403 for an insufficient role. */
  authorize: (request: FastifyRequest, tenantId: string, need: WebhookNeed) => void | Promise<void>
}

export interface WebhookRoutesOptions {
  pool: Pool
  access: WebhookAccess
  /** Called after a replay made a delivery due (wakes the worker). */
  onReplay?: () => void
  now?: () => Date
}

const maxPageSize = 100

const ErrorBody = T.Object({ code: T.String(), message: T.String() })
/** What every route may answer besides its own: no credentials, a role too weak, a tenant not granted (or an id not in it). */
const accessErrors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody }
const TenantParams = T.Object({ tenantId: T.String({ minLength: 1, maxLength: 63 }) })
const SubscriptionParams = T.Object({ tenantId: T.String({ minLength: 1, maxLength: 63 }), id: T.String({ minLength: 1, maxLength: 100 }) })
const DeliveryParams = T.Object({
  tenantId: T.String({ minLength: 1, maxLength: 63 }),
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
  limit: T.Optional(T.Integer({ minimum: 1, maximum: maxPageSize, default: 50 })),
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
    throw new InvalidWebhookUrlError('url must be an absolute http(s) URL, e.g. https://crm.example.com/earshot')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InvalidWebhookUrlError(`url must use https or http, not ${url.protocol}`)
  if (url.username !== '' || url.password !== '') throw new InvalidWebhookUrlError('url must not carry credentials; the signature authenticates Earshot')
  return url.toString()
}

export function encodeCursor (position: DeliveryPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString('base64url')
}

export function decodeCursor (cursor: string): DeliveryPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      const createdAt = new Date(value[0])
      if (!Number.isNaN(createdAt.getTime())) return { createdAt, id: value[1] }
    }
  } catch {}
  throw new InvalidCursorError()
}

export function newSubscriptionId (): string {
  return `whs_${Date.now().toString(36)}${randomBytes(8).toString('hex')}`
}

export function newWebhookSecret (): string {
  return `whsec_${randomBytes(32).toString('base64url')}`
}

async function sendError (reply: FastifyReply, err: WebhookApiError) {
  return await reply.code(err.statusCode ?? 400).send({ code: err.code, message: err.message })
}

/**
 * Subscriptions and their deliveries under /v1/tenants/:tenantId/webhooks. Agency admins manage
 * subscriptions and replay; moderators and viewers read subscriptions (never their secrets) and deliveries.
 */
export const webhookRoutes: FastifyPluginAsyncTypebox<WebhookRoutesOptions> = async (app, options) => {
  const repo = createWebhookRepository()
  const now = options.now ?? (() => new Date())
  const { pool, access } = options
  const tags = ['webhooks']
  app.addHook('preHandler', access.authenticate)

  app.get('/v1/tenants/:tenantId/webhooks', {
    schema: { tags, summary: 'List webhook subscriptions', params: TenantParams, response: { 200: T.Object({ items: T.Array(Subscription) }), ...accessErrors } },
  }, async (request) => {
    await access.authorize(request, request.params.tenantId, 'read')
    return { items: (await repo.listSubscriptions(pool, request.params.tenantId)).map(subscriptionView) }
  })

  app.post('/v1/tenants/:tenantId/webhooks', {
    schema: {
      tags,
      summary: 'Subscribe a URL to tickets.v1 events',
      params: TenantParams,
      body: CreateSubscriptionBody,
      response: { 201: CreatedSubscription, 400: ErrorBody, ...accessErrors },
    },
  }, async (request, reply) => {
    const { tenantId } = request.params
    await access.authorize(request, tenantId, 'manage')
    let url: string
    try {
      url = checkWebhookUrl(request.body.url)
    } catch (err) {
      return await sendError(reply, err as InvalidWebhookUrlError)
    }
    const subscription = await repo.createSubscription(pool, {
      tenantId,
      id: newSubscriptionId(),
      url,
      secret: request.body.secret ?? newWebhookSecret(),
      eventTypes: request.body.eventTypes ?? [],
      description: request.body.description,
      createdAt: now(),
    })
    return await reply.code(201).send({ ...subscriptionView(subscription), secret: subscription.secret })
  })

  app.delete('/v1/tenants/:tenantId/webhooks/:id', {
    schema: { tags, summary: 'Delete a subscription with its deliveries', params: SubscriptionParams, response: { 204: T.Null(), ...accessErrors } },
  }, async (request, reply) => {
    const { tenantId, id } = request.params
    await access.authorize(request, tenantId, 'manage')
    if (!await repo.deleteSubscription(pool, tenantId, id)) return await sendError(reply, new SubscriptionNotFoundError(id))
    return await reply.code(204).send(null)
  })

  app.get('/v1/tenants/:tenantId/webhooks/:id/deliveries', {
    schema: {
      tags,
      summary: 'A subscription\'s deliveries, newest first (status=dead: the dead-letter list)',
      params: SubscriptionParams,
      querystring: DeliveryQuery,
      response: { 200: T.Object({ items: T.Array(Delivery), nextCursor: T.Union([T.String(), T.Null()]) }), 400: ErrorBody, ...accessErrors },
    },
  }, async (request, reply) => {
    const { tenantId, id } = request.params
    await access.authorize(request, tenantId, 'read')
    if (await repo.getSubscription(pool, tenantId, id) === undefined) return await sendError(reply, new SubscriptionNotFoundError(id))
    let after: DeliveryPosition | undefined
    try {
      after = request.query.cursor === undefined ? undefined : decodeCursor(request.query.cursor)
    } catch (err) {
      return await sendError(reply, err as InvalidCursorError)
    }
    const limit = request.query.limit ?? 50
    const rows = await repo.listDeliveries(pool, tenantId, id, { status: request.query.status, after, limit: limit + 1 })
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    return {
      items: page.map(deliveryView),
      nextCursor: rows.length > limit && last !== undefined ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
    }
  })

  app.get('/v1/tenants/:tenantId/webhooks/:id/deliveries/:deliveryId', {
    schema: { tags, summary: 'One delivery with its payload and every attempt', params: DeliveryParams, response: { 200: DeliveryWithAttempts, ...accessErrors } },
  }, async (request, reply) => {
    const { tenantId, id, deliveryId } = request.params
    await access.authorize(request, tenantId, 'read')
    const delivery = await repo.getDelivery(pool, tenantId, id, deliveryId)
    if (delivery === undefined) return await sendError(reply, new DeliveryNotFoundError(deliveryId))
    return deliveryDetailView(delivery)
  })

  app.post('/v1/tenants/:tenantId/webhooks/:id/deliveries/:deliveryId/replay', {
    schema: {
      tags,
      summary: 'Attempt a delivery again now, dead ones included',
      params: DeliveryParams,
      response: { 202: Delivery, ...accessErrors },
    },
  }, async (request, reply) => {
    const { tenantId, id, deliveryId } = request.params
    await access.authorize(request, tenantId, 'manage')
    const delivery = await repo.replay(pool, tenantId, id, deliveryId, now())
    if (delivery === undefined) return await sendError(reply, new DeliveryNotFoundError(deliveryId))
    options.onReplay?.()
    return await reply.code(202).send(deliveryView(delivery))
  })
}
