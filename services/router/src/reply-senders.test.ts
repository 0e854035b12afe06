import { createMemoryCache } from '@earshot/cache'
import type { ReplyRequest, ReplySender as XReplySender } from '@earshot/platform-x'
import { createReplySenders, ReplyTargetError, xReplySender } from './reply-senders.js'

function recordingXSender (tweetId = '1800000000000000009'): XReplySender & { calls: ReplyRequest[] } {
  const calls: ReplyRequest[] = []
  return { calls, reply: async (request) => { calls.push(request); return { tweetId, posted: true } } }
}

const request = { tenantId: 'acme-rail', ticketId: 'tkt_1', actionId: 'ack:42', text: 'Hi, we are on it.' }

test('answers the tweet behind an Earshot mention id and returns the reply as an Earshot id', async () => {
  const x = recordingXSender()
  expect(await xReplySender(x).reply({ ...request, inReplyToMentionId: 'x:1800000000000000003' })).toEqual({ replyId: 'x:1800000000000000009' })
  expect(x.calls).toEqual([{ ...request, inReplyToTweetId: '1800000000000000003' }])
})

test('refuses, without calling X, a mention id that is not an X tweet id; the error is not retriable', async () => {
  const x = recordingXSender()
  for (const id of ['mastodon:1800000000000000003', 'x:', 'x:12a', '1800000000000000003']) {
    await expect(xReplySender(x).reply({ ...request, inReplyToMentionId: id })).rejects.toMatchObject({ code: 'ROUTER_ERR_REPLY_TARGET', retriable: false })
  }
  await expect(xReplySender(x).reply({ ...request, inReplyToMentionId: 'reddit:t1_abc' })).rejects.toBeInstanceOf(ReplyTargetError)
  expect(x.calls).toEqual([])
})

describe('createReplySenders', () => {
  const config = { X_API_BASE_URL: 'http://127.0.0.1:4010', X_REQUEST_TIMEOUT: 2000 }

  test('has no sender without an X user token', () => {
    expect(createReplySenders({ ...config, ROUTER_X_USER_TOKEN: undefined }, undefined)).toEqual({})
  })

  test('builds the X sender from the user token and the cache', async () => {
    const cache = createMemoryCache()
    expect(Object.keys(createReplySenders({ ...config, ROUTER_X_USER_TOKEN: 'user-token' }, cache))).toEqual(['x'])
    await cache.close()
  })

  test('refuses an X user token without a cache to claim replies in', () => {
    expect(() => createReplySenders({ ...config, ROUTER_X_USER_TOKEN: 'user-token' }, undefined)).toThrow(/ROUTER_X_USER_TOKEN needs REDIS_URL/)
  })
})
