import type { Cache } from '@earshot/cache'
import type { Platform } from '@earshot/contracts'
import { createReplySender, createXClient, type ReplySender as XReplySender } from '@earshot/platform-x'
import type { RouterConfig } from './config.js'
import type { ReplySender } from './scheduler.js'

/** An acknowledgement answers something that is not a mention on the sender's platform; retrying cannot help. */
export class ReplyTargetError extends Error {
  readonly retriable = false
  readonly code = 'ROUTER_ERR_REPLY_TARGET'
  constructor (readonly mentionId: string, platform: Platform) {
    super(`cannot reply to ${JSON.stringify(mentionId)} on ${platform}: expected "${platform}:<id>"`)
    this.name = 'ReplyTargetError'
  }
}

const tweetMention = /^x:([0-9]{1,19})$/

/**
 * The scheduler names the mention it answers by its Earshot id (`x:<tweet id>`), X's sender by the tweet id. The
 * posted reply comes back as an Earshot id too (`x:<reply tweet id>`), the id it has if ingest reads it later.
 * One post per (tenant, ticket, action) is the X sender's guarantee, so a redelivered acknowledgement posts nothing.
 */
export function xReplySender (sender: XReplySender): ReplySender {
  return {
    async reply ({ inReplyToMentionId, ...request }) {
      const tweetId = tweetMention.exec(inReplyToMentionId)?.[1]
      if (tweetId === undefined) throw new ReplyTargetError(inReplyToMentionId, 'x')
      const { tweetId: replyTweetId } = await sender.reply({ ...request, inReplyToTweetId: tweetId })
      return { replyId: `x:${replyTweetId}` }
    },
  }
}

export type ReplySenderConfig = Pick<RouterConfig, 'ROUTER_X_USER_TOKEN' | 'X_API_BASE_URL' | 'X_REQUEST_TIMEOUT'>

/** The platforms whose auto acknowledgements the configuration lets the router post; the others are left for a moderator. */
export function createReplySenders (config: ReplySenderConfig, cache: Cache | undefined): Partial<Record<Platform, ReplySender>> {
  if (config.ROUTER_X_USER_TOKEN === undefined) return {}
  if (cache === undefined) throw new TypeError('ROUTER_X_USER_TOKEN needs REDIS_URL: the X reply sender claims each reply in Redis so it is posted once')
  const client = createXClient({ bearerToken: config.ROUTER_X_USER_TOKEN, baseUrl: config.X_API_BASE_URL })
  return { x: xReplySender(createReplySender({ client, cache, requestTimeoutMs: config.X_REQUEST_TIMEOUT })) }
}
