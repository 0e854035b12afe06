import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { authenticate } from '../auth/authenticate.js'
import { authorize, requirePrincipal, tenantsAllowing } from '../auth/principal.js'
import type { LiveFeed } from '../live-feed.js'
import { T } from '../schema.js'
import { asList, errorReplies, queryList } from './common.js'

export const eventRoutes: FastifyPluginAsyncTypebox<{ feed: LiveFeed, heartbeatMs: number }> = async (app, { feed, heartbeatMs }) => {
  // Open streams never finish by themselves: closing the app ends them, or close() would wait for ever.
  const open = new Set<() => void>()
  app.addHook('preClose', async () => { for (const close of [...open]) close() })

  app.get('/events', {
    preHandler: authenticate,
    schema: {
      tags: ['events'],
      summary: 'Server-Sent Events: tickets.v1 events of the granted tenants as they commit (event: the type, id: the outbox id); a comment every 15 s',
      querystring: T.Object({ tenant: queryList(T.String()) }),
      response: { ...errorReplies },
    },
  }, async (request, reply) => {
    const principal = requirePrincipal(request)
    let tenants = tenantsAllowing(principal, 'events.read')
    const requested = asList(request.query.tenant)
    if (requested !== undefined) {
      for (const tenantId of requested) authorize(request, tenantId, 'events.read')
      tenants = requested
    }
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    res.write(`retry: 3000\n: subscribed to ${tenants.join(',')}\n\n`)
    const unsubscribe = feed.subscribe(new Set(tenants), (event) => {
      const type = typeof event.payload === 'object' && event.payload !== null && 'type' in event.payload ? String(event.payload.type) : 'message'
      res.write(`id: ${event.id}\nevent: ${type}\ndata: ${JSON.stringify(event.payload)}\n\n`)
    })
    const heartbeat = setInterval(() => { res.write(': heartbeat\n\n') }, heartbeatMs)
    const end = (): void => {
      clearInterval(heartbeat)
      unsubscribe()
      open.delete(close)
    }
    const close = (): void => {
      end()
      res.end()
    }
    open.add(close)
    request.raw.on('close', end)
  })
}
