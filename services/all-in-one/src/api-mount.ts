import type { IncomingMessage, ServerResponse } from 'node:http'
import { createApiApp, createWebhookService, defaultDeliveryRetentionHours, deliveryRetentionMs } from '@earshot/api'
import type { Bus } from '@earshot/bus'
import type { Logger, Metrics } from '@earshot/observability'
import type { Pool } from '@earshot/store'

export interface MountedApi {
  /** Hands a request to the API's router (REST under /v1, the console at /). */
  handle: (req: IncomingMessage, res: ServerResponse) => void
  /** Starts outbound webhooks; call once the router has created tickets.v1. */
  startWebhooks: () => Promise<void>
  close: () => Promise<void>
}

/**
 * The API on the all-in-one's own HTTP server: built, made ready, and reached through Fastify's
 * `routing`; outbound webhooks consume tickets.v1 from the memory bus, as they would from Kafka.
 */
export async function mountApi (deps: { pool: Pool, bus: Bus, logger: Logger, metrics: Metrics, now: () => Date }): Promise<MountedApi> {
  const webhooks = createWebhookService({ bus: deps.bus, pool: deps.pool, logger: deps.logger, metrics: deps.metrics, retentionMs: deliveryRetentionMs(defaultDeliveryRetentionHours) })
  const api = await createApiApp({ ...deps, onWebhookReplay: webhooks.wake })
  await api.ready()
  return {
    handle: (req, res) => { api.routing(req, res) },
    startWebhooks: webhooks.start,
    close: async () => {
      await webhooks.stop()
      await api.close()
    },
  }
}
