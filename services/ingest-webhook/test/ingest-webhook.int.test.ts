import type { KafkaBus, Producer } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import {
  encodeLikeMeta, metaDelivery, metaFeedComment, metaFeedPost, metaFeedReaction, metaInstagramComment, metaInstagramMention,
} from '@earshot/testing'
import { counterValue, type Harness, kafka, newTenant, publishedFor, redisCache, startReceiver, type Tenant } from './helpers.js'

describe('ingest-webhook on real Kafka and Redis', () => {
  let bus: KafkaBus
  let producer: Producer
  let cache: Cache
  let tenant: Tenant
  let receiver: Harness
  const extraCaches: Cache[] = []
  const extraReceivers: Harness[] = []

  beforeAll(async () => {
    bus = await kafka()
    producer = bus.producer()
  })
  beforeEach(async () => {
    cache = redisCache()
    tenant = newTenant()
    receiver = await startReceiver(tenant, producer, cache)
  })
  afterEach(async () => {
    for (const harness of [receiver, ...extraReceivers.splice(0)]) await harness.app.close()
    for (const c of [cache, ...extraCaches.splice(0)]) await c.close()
  })
  afterAll(async () => { await bus.close() })

  const customer = { id: '7000001', name: 'Zoë Ærøskøbing' }

  describe('Meta verification handshake', () => {
    test('echoes hub.challenge as plain text when the mode is subscribe and the token matches', async () => {
      expect(await receiver.meta.handshake({ challenge: '1158201444' })).toEqual({ status: 200, body: '1158201444', contentType: 'text/plain; charset=utf-8' })
    })

    test.each([
      ['a wrong verify token', { verifyToken: 'not-the-token' }],
      ['a mode other than subscribe', { mode: 'unsubscribe' }],
      ['an empty verify token', { verifyToken: '' }],
    ])('answers 403 to %s, without the challenge', async (_case, params) => {
      const answer = await receiver.meta.handshake({ ...params, challenge: '42' })
      expect(answer.status).toBe(403)
      expect(answer.body).not.toContain('42')
    })
  })

  test('a batch of Page and Instagram changes reaches mentions.v1 once, even when Meta retries the delivery', async () => {
    const comment = metaFeedComment({ pageId: tenant.pageId, from: customer, message: 'Refund please 😡 see https://acme.example/t/1' })
    const postId = comment.value.post_id as string
    const pageDelivery = metaDelivery('page', [
      { id: tenant.pageId, changes: [comment, metaFeedReaction({ pageId: tenant.pageId, postId, from: customer })] },
      {
        id: tenant.pageId,
        changes: [
          metaFeedComment({ pageId: tenant.pageId, postId, parentId: comment.value.comment_id as string, from: { id: tenant.pageId, name: 'Acme Rail' }, message: 'Sorry! DM us' }),
          metaFeedPost({ pageId: tenant.pageId, from: { id: '7000002', name: 'Frank' }, message: 'Trains late again' }),
        ],
      },
    ])
    const igDelivery = metaDelivery('instagram', [{
      id: tenant.igAccountId,
      changes: [
        metaInstagramComment({ text: '@acme où est mon colis?', from: { id: '6500000000000001', username: 'frank' }, mediaId: '18000000000000001' }),
        metaInstagramMention({ mediaId: '18000000000000002', commentId: '17900000000000002' }),
      ],
    }])
    expect(encodeLikeMeta(pageDelivery)).toContain('\\u00eb')

    const first = await receiver.meta.send(pageDelivery)
    expect(first.status).toBe(200)
    expect(JSON.parse(first.body)).toMatchObject({ status: 'ok', published: 2, duplicates: 0, filtered: 1, skipped: 1 })
    expect((await receiver.meta.send(igDelivery)).status).toBe(200)
    // Meta's retries: the same bytes, the same signature.
    const retry = await receiver.meta.resend(first)
    expect(retry.status).toBe(200)
    expect(JSON.parse(retry.body)).toMatchObject({ published: 0, duplicates: 2 })
    expect(JSON.parse((await receiver.meta.send(igDelivery)).body)).toMatchObject({ published: 0, duplicates: 2 })

    const published = await publishedFor(bus, tenant.tenantId)
    expect(published.map(({ mention }) => mention.id).sort()).toEqual([
      `facebook:${comment.value.comment_id as string}`,
      `facebook:${pageDelivery.entry[1]?.changes[1]?.value.post_id as string}`,
      'instagram:17900000000000002',
      `instagram:${igDelivery.entry[0]?.changes[0]?.value.id as string}`,
    ].sort())
    const fbComment = published.find(({ mention }) => mention.id === `facebook:${comment.value.comment_id as string}`)
    expect(fbComment).toEqual({
      key: `${tenant.tenantId}:${postId}`,
      mention: expect.objectContaining({
        platform: 'facebook',
        sourceId: 'fb-page',
        conversationId: postId,
        inReplyToId: `facebook:${postId}`,
        author: { id: customer.id, handle: customer.name, name: customer.name },
        text: 'Refund please 😡 see https://acme.example/t/1',
      }),
    })
    expect(published.find(({ mention }) => mention.platform === 'instagram' && mention.text !== '')?.mention)
      .toMatchObject({ sourceId: 'ig', conversationId: '18000000000000001', text: '@acme où est mon colis?', author: { handle: 'frank' } })
    expect(await counterValue(receiver.metrics, 'ingest_filtered_total', { tenant: tenant.tenantId, reason: 'brand_own_post' })).toBe(2)
    expect(await counterValue(receiver.metrics, 'ingest_duplicates_total', { tenant: tenant.tenantId })).toBe(4)
  })

  test.each([
    ['missing', 'missing' as const, 'missing_signature'],
    ['made with another secret', 'wrong-secret' as const, 'bad_signature'],
    ['over other bytes', 'tampered' as const, 'bad_signature'],
    ['in a malformed header', { header: 'sha256=abc' }, 'bad_signature'],
  ])('a delivery whose signature is %s gets 401 and produces nothing', async (_case, signing, reason) => {
    const delivery = metaDelivery('page', [{ id: tenant.pageId, changes: [metaFeedComment({ pageId: tenant.pageId, from: customer, message: 'forged' })] }])
    const answer = await receiver.meta.send(delivery, { signing })
    expect(answer.status).toBe(401)
    expect(JSON.parse(answer.body)).toMatchObject({ error: reason })
    expect(await counterValue(receiver.metrics, 'webhook_rejected_total', { route: 'meta_event', reason })).toBe(1)
    expect(await publishedFor(bus, tenant.tenantId)).toEqual([])
  })

  test('malformed deliveries get 400 with a precise message, are counted, and the service keeps serving', async () => {
    const notJson = await receiver.meta.send('{"object":"page","entry":[')
    expect(notJson.status).toBe(400)
    expect(JSON.parse(notJson.body)).toMatchObject({ error: 'malformed', message: expect.stringMatching(/^the body is not valid JSON: /) })
    const badEnvelope = await receiver.meta.send('{"object":"page","entry":[{"id":"1","changes":{"field":"feed"}}]}')
    expect(badEnvelope.status).toBe(400)
    expect(JSON.parse(badEnvelope.body)).toMatchObject({ message: 'not a Meta webhook delivery: entry[0].changes: expected array, received object' })
    expect(await counterValue(receiver.metrics, 'webhook_rejected_total', { route: 'meta_event', reason: 'malformed' })).toBe(2)

    // One damaged change in a batch: the rest is published, the damaged one counted.
    const good = metaFeedComment({ pageId: tenant.pageId, from: customer, message: 'still here' })
    const damaged = metaFeedComment({ pageId: tenant.pageId, from: customer, message: 'no id' })
    delete damaged.value.comment_id
    const answer = await receiver.meta.send(metaDelivery('page', [{ id: tenant.pageId, changes: [damaged, good] }]))
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body)).toMatchObject({ published: 1, skipped: 1 })
    expect(await counterValue(receiver.metrics, 'webhook_changes_skipped_total', { object: 'page', kind: 'malformed' })).toBe(1)
    expect((await publishedFor(bus, tenant.tenantId)).map(({ mention }) => mention.text)).toEqual(['still here'])
  })

  test('a body over the limit gets 413 before it is read', async () => {
    const small = await startReceiver(tenant, producer, cache, 2048)
    extraReceivers.push(small)
    const answer = await small.meta.send(metaDelivery('page', [{ id: tenant.pageId, changes: [metaFeedComment({ pageId: tenant.pageId, from: customer, message: 'x'.repeat(4096) })] }]))
    expect(answer.status).toBe(413)
    expect(await small.meta.handshake()).toMatchObject({ status: 200 })
  })

  test('when Kafka fails the delivery gets 503, nothing is acknowledged, and Meta\'s retry publishes it once', async () => {
    const brokenBus = await kafka()
    const brokenProducer = brokenBus.producer()
    await brokenBus.close()
    const broken = await startReceiver(tenant, brokenProducer, cache)
    extraReceivers.push(broken)
    const delivery = metaDelivery('page', [{ id: tenant.pageId, changes: [metaFeedComment({ pageId: tenant.pageId, from: customer, message: 'lost?' })] }])
    const failed = await broken.meta.send(delivery)
    expect(failed.status).toBe(503)
    expect(JSON.parse(failed.body)).toMatchObject({ error: 'publish_failed' })
    expect(await counterValue(broken.metrics, 'webhook_rejected_total', { route: 'meta_event', reason: 'publish_failed' })).toBe(1)

    const retried = await receiver.meta.resend(failed)
    expect(retried.status).toBe(200)
    expect(JSON.parse(retried.body)).toMatchObject({ published: 1, duplicates: 0 })
    expect((await publishedFor(bus, tenant.tenantId)).map(({ mention }) => mention.text)).toEqual(['lost?'])
  })

  describe('generic signed webhook', () => {
    const message = {
      id: 'm-1',
      conversationId: 'chat-7',
      author: { id: 'visitor-3', name: 'Erin' },
      text: 'Is the 8:15 running?',
      createdAt: new Date().toISOString(),
    }

    test('a valid message is published as a webchat mention, and a replay inside the window is a duplicate', async () => {
      const first = await receiver.generic(tenant.tenantId, 'web-chat', message)
      expect(first).toEqual({ status: 202, body: { status: 'accepted', id: 'webchat:web-chat:m-1' } })
      expect(await receiver.generic(tenant.tenantId, 'web-chat', message)).toEqual({ status: 200, body: { status: 'duplicate', id: 'webchat:web-chat:m-1' } })
      const published = await publishedFor(bus, tenant.tenantId)
      expect(published).toEqual([{
        key: `${tenant.tenantId}:web-chat:chat-7`,
        mention: expect.objectContaining({ platform: 'webchat', sourceId: 'web-chat', nativeId: 'web-chat:m-1', text: message.text }),
      }])
    })

    test.each([
      ['a stale timestamp, validly signed', { at: Date.now() - 6 * 60_000 }, 'stale_timestamp'],
      ['a wrong secret', { secret: 'not-the-secret-0123456789' }, 'bad_signature'],
      ['no signature', { headers: { 'x-earshot-signature': '' } }, 'missing_signature'],
      ['no timestamp', { headers: { 'x-earshot-timestamp': '' } }, 'invalid_timestamp'],
    ])('%s gets 401 and produces nothing', async (_case, options, reason) => {
      const answer = await receiver.generic(tenant.tenantId, 'web-chat', message, options)
      expect(answer).toEqual({ status: 401, body: { error: reason, message: expect.any(String) } })
      expect(await publishedFor(bus, tenant.tenantId)).toEqual([])
    })

    test('an invalid body gets 400 naming each bad field', async () => {
      const answer = await receiver.generic(tenant.tenantId, 'web-chat', { ...message, author: { id: 42 }, txt: 'typo' })
      expect(answer.status).toBe(400)
      expect(answer.body).toEqual({ error: 'malformed', message: 'invalid message: author.id: expected string, received number; txt: unknown field' })
      expect(await counterValue(receiver.metrics, 'webhook_rejected_total', { route: 'generic', reason: 'malformed' })).toBe(1)
    })

    test('an unknown source gets 404', async () => {
      expect(await receiver.generic(tenant.tenantId, 'no-such-source', message)).toMatchObject({ status: 404, body: { error: 'unknown_source' } })
    })
  })
})
