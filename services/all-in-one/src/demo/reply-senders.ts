import { platforms } from '@earshot/contracts'
import type { ReplySender } from '@earshot/router'
import type { Logger } from '@earshot/observability'

/**
 * The demo never posts to a real platform: an auto acknowledgement is "sent" by logging it, so
 * tickets move on as they would with a live reply sender. `--live` sources still do not reply.
 */
export function demoReplySenders (logger: Logger): Record<string, ReplySender> {
  const log = logger.child({ component: 'demo-replies' })
  const sender: ReplySender = {
    async reply (request) {
      log.debug({ tenantId: request.tenantId, ticketId: request.ticketId, text: request.text }, 'demo reply (not posted anywhere)')
      return { replyId: `demo:${request.ticketId}:${request.actionId}` }
    },
  }
  return Object.fromEntries(platforms.map((platform) => [platform, sender]))
}
