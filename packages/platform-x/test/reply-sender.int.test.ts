import { type Cache, createRedisCache } from '@earshot/cache'
import { type FakeX, startFakeX, testEnvironment, uniqueName } from '@earshot/testing'
import { ReplyFailedError, ReplyInDoubtError } from '../src/errors.js'
import { createReplySender, type ReplySender } from '../src/reply-sender.js'
import { createXClient } from '../src/x-client.js'

const brandUserId = '1000'

describe('reply sender against the fake X API and real Redis', () => {
  let x: FakeX
  let cache: Cache
  let sender: ReplySender
  let target: string

  beforeEach(async () => {
    x = await startFakeX({ bearerToken: 'test-bearer', ownUserId: brandUserId })
    x.state.addUser({ id: brandUserId, username: 'AcmeRail', name: 'Acme Rail', verified: true })
    x.state.addUser({ id: '2001', username: 'customer_1', name: 'Customer 1' })
    const env = testEnvironment()
    cache = createRedisCache({ url: env.redisUrl, prefix: `${env.redisKeyPrefix}${uniqueName('replies')}:` })
    sender = createReplySender({ client: createXClient({ bearerToken: 'test-bearer', baseUrl: x.url }), cache, requestTimeoutMs: 2_000 })
    target = x.state.addTweet({ text: '@AcmeRail my train is late', author: '2001', mentions: [brandUserId] }).id
  })
  afterEach(async () => {
    await cache.close()
    await x.close()
  })

  const request = (actionId: string, text = `Sorry about that (${actionId})`) =>
    ({ tenantId: 'acme-rail', ticketId: 'tkt_1', actionId, inReplyToTweetId: target, text })

  test('posts once per (ticket, action): a repeat returns the stored tweet id without posting', async () => {
    const first = await sender.reply(request('ack'))
    expect(first.posted).toBe(true)
    expect(await sender.reply(request('ack'))).toEqual({ tweetId: first.tweetId, posted: false })
    expect(x.state.posts()).toEqual([{ id: first.tweetId, text: 'Sorry about that (ack)', inReplyToTweetId: target, at: expect.any(Number) }])
    expect(x.state.tweet(first.tweetId)).toMatchObject({ author_id: brandUserId, referenced_tweets: [{ type: 'replied_to', id: target }] })
    const post = x.state.requests('/2/tweets')[0]
    expect(post?.body).toEqual({ text: 'Sorry about that (ack)', reply: { in_reply_to_tweet_id: target } })

    const other = await sender.reply(request('follow-up'))
    expect(other.posted).toBe(true)
    expect(x.state.posts()).toHaveLength(2)
    expect(x.state.duplicatePosts()).toBe(0)
  })

  test('concurrent calls for one action post exactly once', async () => {
    const results = await Promise.allSettled(Array.from({ length: 5 }, async () => await sender.reply(request('ack'))))
    expect(x.state.posts()).toHaveLength(1)
    const posted = results.filter((r) => r.status === 'fulfilled' && r.value.posted)
    expect(posted).toHaveLength(1)
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ReplyInDoubtError)
      else expect(r.value.tweetId).toBe(x.state.posts()[0]?.id)
    }
  })

  test('a lost response leaves the reply in doubt: later calls refuse rather than post a second time', async () => {
    x.state.failNext({ kind: 'drop-response' })
    await expect(sender.reply(request('ack'))).rejects.toBeInstanceOf(ReplyInDoubtError)
    await expect(sender.reply(request('ack'))).rejects.toMatchObject({ code: 'PLATFORMX_ERR_REPLY_IN_DOUBT' })
    expect(x.state.posts()).toHaveLength(1)
    expect(x.state.requests('/2/tweets')).toHaveLength(1)
  })

  test('a 503 or 429 proves nothing was posted: the claim is released and a retry posts once', async () => {
    x.state.failNext({ kind: 'unavailable', status: 503 })
    await expect(sender.reply(request('ack'))).rejects.toMatchObject({ code: 'PLATFORMX_ERR_REPLY_FAILED', retriable: true, status: 503 })
    x.state.failNext({ kind: 'rate-limit', resetAt: Date.now() + 60_000 })
    const limited = await sender.reply(request('ack')).catch((err: unknown) => err)
    expect(limited).toBeInstanceOf(ReplyFailedError)
    expect((limited as ReplyFailedError).resetAt).toBeGreaterThan(Date.now())
    x.state.setRateLimit({ limit: 100, windowMs: 60_000 })
    expect((await sender.reply(request('ack'))).posted).toBe(true)
    expect(x.state.posts()).toHaveLength(1)
  })

  test('a refused reply (401) is not retriable and releases the claim', async () => {
    const client = createXClient({ bearerToken: 'wrong', baseUrl: x.url })
    const refused = createReplySender({ client, cache })
    await expect(refused.reply(request('ack'))).rejects.toMatchObject({ code: 'PLATFORMX_ERR_REPLY_FAILED', retriable: false, status: 401 })
    expect((await sender.reply(request('ack'))).posted).toBe(true)
  })
})
