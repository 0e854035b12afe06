import { randomBytes } from 'node:crypto'
import { type Bus, eventHandler } from '@earshot/bus'
import { type TicketEvent, topics } from '@earshot/contracts'
import type { Logger, Metrics } from '@earshot/observability'
import type { Pool } from '@earshot/store'
import { subscriptionWants } from './delivery-policy.js'
import { createWebhookRepository, type NewDelivery } from './webhook-repository.js'

export interface WebhookDispatcherOptions {
  bus: Bus
  pool: Pool
  logger: Logger
  metrics?: Metrics
  /** Default 'api-webhooks'; every API replica joins the same group. */
  groupId?: string
  /** Called after deliveries were created (wakes the worker). */
  onDeliveries?: () => void
  now?: () => Date
  sessionTimeoutMs?: number
}

export function newDeliveryId (): string {
  return `whd_${Date.now().toString(36)}${randomBytes(8).toString('hex')}`
}

/** One delivery per (event, active subscription of the event's own tenant that wants its type). */
export function deliveriesFor (events: readonly TicketEvent[], subscriptions: ReadonlyArray<{ tenantId: string, id: string, eventTypes: readonly string[] }>,
  createdAt: Date, newId: () => string = newDeliveryId): NewDelivery[] {
  const byTenant = new Map<string, Array<{ id: string, eventTypes: readonly string[] }>>()
  for (const subscription of subscriptions) {
    const list = byTenant.get(subscription.tenantId) ?? []
    list.push(subscription)
    byTenant.set(subscription.tenantId, list)
  }
  return events.flatMap((event) => (byTenant.get(event.tenantId) ?? [])
    .filter((subscription) => subscriptionWants(subscription.eventTypes, event.type))
    .map((subscription) => ({
      tenantId: event.tenantId,
      id: newId(),
      subscriptionId: subscription.id,
      eventId: event.eventId,
      eventType: event.type,
      payload: event,
      createdAt,
    })))
}

/**
 * Consumes tickets.v1 (group `api-webhooks`) and writes a delivery per matching subscription; the
 * bus commits the offset only after the handler returned, i.e. after the rows are written. A
 * redelivered event hits the (subscription, event) unique key and creates nothing.
 */
export function createWebhookDispatcher (options: WebhookDispatcherOptions) {
  const repo = createWebhookRepository()
  const now = options.now ?? (() => new Date())
  const log = options.logger.child({ component: 'webhook-dispatcher' })
  const created = options.metrics?.counter('api_webhook_deliveries_created_total', 'Webhook deliveries created from tickets.v1 events')
  const consumer = options.bus.consumer({
    groupId: options.groupId ?? 'api-webhooks',
    topics: [topics.tickets],
    ...(options.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: options.sessionTimeoutMs }),
    handler: eventHandler(topics.tickets, async (decoded) => {
      const events = decoded.map(({ event }) => event)
      const subscriptions = await repo.activeSubscriptions(options.pool, [...new Set(events.map((event) => event.tenantId))])
      const deliveries = deliveriesFor(events, subscriptions, now())
      const inserted = await repo.insertDeliveries(options.pool, deliveries)
      created?.inc(inserted)
      if (inserted > 0) options.onDeliveries?.()
      log.debug({ events: events.length, deliveries: deliveries.length, inserted }, 'tickets.v1 batch dispatched')
    }),
  })

  return {
    consumer,
    start: async (): Promise<void> => { await consumer.start() },
    /** Finishes the batch in flight and commits it. */
    stop: async (): Promise<void> => { await consumer.stop() },
    healthy: (): boolean => consumer.healthy(),
  }
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>
