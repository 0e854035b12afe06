import { type Cache, createRedisCache } from '@earshot/cache'
import { type ClassifiedMention, sampleClassification, sampleClassifiedMention } from '@earshot/contracts'
import { createLogger } from '@earshot/observability'
import { type Pool } from '@earshot/store'
import { type FakeX, startFakeX, testEnvironment, uniqueName } from '@earshot/testing'
import { migratedDatabase } from '@earshot/testing/store'
import { createPolicyBook, createScheduler, createTicketWriter } from '../src/index.js'
import { createReplySenders } from '../src/reply-senders.js'

const policy = `
version: 1
timezone: Europe/London
business_hours: { mon-fri: "09:00-17:00" }
coverage: { in_hours: brand, out_of_hours: agency }
permissions: { agency_may_reply: true }
slas:
  pre_breach: 0.8
  critical: { first_response: 15m, clock: calendar }
  normal: { first_response: 4h }
rules:
  - name: safety
    when: { flag: safety }
    then:
      - escalate: { team: safety, priority: critical }
      - acknowledge: { template: holding, mode: auto }
    stop: true
templates:
  holding: "Hi {{author.handle}}, we are on it."
`

const logger = createLogger({ level: 'silent', name: 'x-acknowledgement-test' })
const noFlags = { prRisk: false, pii: false, profanity: false, legalThreat: false, safety: false, spam: false }
const brandUserId = '1000'
const userToken = 'brand-user-token'

/** The classified mention ingest-x would publish for a tweet on the fake X server. */
function mentionOf (tweetId: string, flags: Partial<typeof noFlags> = {}): ClassifiedMention {
  return sampleClassifiedMention({
    tenantId: 'acme-rail',
    nativeId: tweetId,
    conversationId: `x:${tweetId}`,
    url: undefined,
    receivedAt: '2026-11-23T10:00:00Z',
    classification: sampleClassification({ intents: [{ label: 'question', confidence: 0.9 }], urgency: { score: 40, level: 'normal', reasons: [] }, flags: { ...noFlags, ...flags } }),
  })
}

describe('auto acknowledgements on X: the real reply sender against the fake X API, real PostgreSQL and Redis', () => {
  let pool: Pool
  let close: () => Promise<void>
  let x: FakeX
  let cachePrefix: string
  const opened: Cache[] = []
  const now = (): Date => clock
  let clock = new Date('2026-11-23T10:00:00Z')
  const policies = createPolicyBook({ 'acme-rail': policy })

  /** What main.ts builds from the environment: one router replica's reply senders, over the shared Redis. */
  function replicaSenders (token = userToken): ReturnType<typeof createReplySenders> {
    const replicaCache = createRedisCache({ url: testEnvironment().redisUrl, prefix: cachePrefix })
    opened.push(replicaCache)
    return createReplySenders({ ROUTER_X_USER_TOKEN: token, X_API_BASE_URL: x.url, X_REQUEST_TIMEOUT: 2_000 }, replicaCache)
  }

  async function customerTweet (text = '@AcmeRail there is smoke in coach C'): Promise<string> {
    const id = x.state.addTweet({ text, author: '2001', mentions: [brandUserId] }).id
    await createTicketWriter({ pool, policies, now }).writeBatch([mentionOf(id, { safety: true })])
    return id
  }

  async function acknowledgement (): Promise<Record<string, unknown> | undefined> {
    const { rows } = await pool.query<{ ack: Record<string, unknown> | null }>("SELECT details->'acknowledgement' AS ack FROM tickets WHERE details ? 'acknowledgement'")
    return rows[0]?.ack ?? undefined
  }

  async function eventTypes (): Promise<string[]> {
    const { rows } = await pool.query<{ type: string }>("SELECT payload->>'type' AS type FROM outbox ORDER BY id")
    return rows.map((r) => r.type)
  }

  beforeAll(async () => {
    ({ pool, close } = await migratedDatabase('x_ack', 6))
  })
  afterAll(async () => {
    await close()
  })
  beforeEach(async () => {
    x = await startFakeX({ bearerToken: userToken, ownUserId: brandUserId })
    x.state.addUser({ id: brandUserId, username: 'AcmeRail', name: 'Acme Rail', verified: true })
    x.state.addUser({ id: '2001', username: 'commuter_jo', name: 'Jo' })
    cachePrefix = `${testEnvironment().redisKeyPrefix}${uniqueName('x-ack')}:`
  })
  afterEach(async () => {
    await Promise.all(opened.splice(0).map(async (c) => { await c.close() }))
    await x.close()
    await pool.query('TRUNCATE mentions, tickets, outbox, schedules')
    clock = new Date('2026-11-23T10:00:00Z')
  })

  test('a due auto acknowledgement posts exactly one reply to the mention\'s tweet, however many replicas fire it', async () => {
    const tweetId = await customerTweet()
    const replicas = [createScheduler({ pool, logger, now, replySenders: replicaSenders() }), createScheduler({ pool, logger, now, replySenders: replicaSenders() })]
    await Promise.all(replicas.map(async (scheduler) => await scheduler.tickOnce()))

    const posts = x.state.posts()
    expect(posts).toEqual([{ id: expect.any(String), text: 'Hi commuter_jo, we are on it.', inReplyToTweetId: tweetId, at: expect.any(Number) }])
    expect(x.state.tweet(posts[0]!.id)).toMatchObject({ author_id: brandUserId, referenced_tweets: [{ type: 'replied_to', id: tweetId }] })
    expect(x.state.requests('/2/tweets')[0]?.body).toEqual({ text: 'Hi commuter_jo, we are on it.', reply: { in_reply_to_tweet_id: tweetId } })
    expect(await acknowledgement()).toMatchObject({ mode: 'auto', state: 'sent', replyId: `x:${posts[0]!.id}` })
    expect(await eventTypes()).toEqual(['ticket.opened', 'ticket.escalated', 'ticket.acknowledged'])

    clock = new Date('2026-11-23T11:00:00Z')
    await Promise.all(replicas.map(async (scheduler) => await scheduler.tickOnce()))
    expect(x.state.requests('/2/tweets')).toHaveLength(1)
    expect(x.state.duplicatePosts()).toBe(0)
    expect(await eventTypes()).toEqual(['ticket.opened', 'ticket.escalated', 'ticket.acknowledged'])
  })

  test('redelivered after the router died between X\'s answer and its commit, the acknowledgement is recorded without a second post', async () => {
    const tweetId = await customerTweet()
    // The reply reaches X, then the process dies before the transaction commits: the schedule stays pending.
    await expect(createScheduler({ pool: dyingBeforeCommit(pool), logger, now, replySenders: replicaSenders() }).tickOnce()).rejects.toThrow('router killed before commit')
    expect(x.state.posts()).toHaveLength(1)
    expect(await acknowledgement()).toMatchObject({ state: 'scheduled' })

    // Another replica fires it again.
    await createScheduler({ pool, logger, now, replySenders: replicaSenders() }).tickOnce()
    const posts = x.state.posts()
    expect(posts).toEqual([expect.objectContaining({ inReplyToTweetId: tweetId })])
    expect(x.state.requests('/2/tweets')).toHaveLength(1)
    expect(await acknowledgement()).toMatchObject({ state: 'sent', replyId: `x:${posts[0]!.id}` })
    expect(await eventTypes()).toEqual(['ticket.opened', 'ticket.escalated', 'ticket.acknowledged'])
  })

  test('a reply X refuses (a token without tweet.write) is left failed for a moderator and does not hold back other due schedules', async () => {
    await customerTweet()
    const question = x.state.addTweet({ text: '@AcmeRail is the 8:15 running?', author: '2001', mentions: [brandUserId] }).id
    await createTicketWriter({ pool, policies, now }).writeBatch([mentionOf(question)])
    // normal: 4 business hours from 10:00, pre-breach at 80% → 13:12; the acknowledgement has been due since 10:00.
    clock = new Date('2026-11-23T13:12:00Z')
    const scheduler = createScheduler({ pool, logger, now, replySenders: replicaSenders('app-only-bearer') })
    await scheduler.tickOnce()
    await scheduler.tickOnce()

    expect(x.state.requests('/2/tweets').map((r) => r.status)).toEqual([401])
    expect(x.state.posts()).toEqual([])
    expect(await acknowledgement()).toMatchObject({ state: 'failed', error: { code: 'PLATFORMX_ERR_REPLY_FAILED' } })
    expect(await eventTypes()).not.toContain('ticket.acknowledged')
    const { rows } = await pool.query<{ status: string, pending: string }>(
      "SELECT t.status, (SELECT count(*) FROM schedules s WHERE s.ticket_id = t.id AND s.state = 'pending' AND s.due_at <= $1) AS pending FROM tickets t WHERE conversation_id = $2",
      [clock, `x:${question}`])
    expect(rows).toEqual([{ status: 'escalated', pending: '0' }])
  })

  test('a lost response leaves the reply in doubt: recorded as failed, never posted a second time', async () => {
    await customerTweet()
    x.state.failNext({ kind: 'drop-response' })
    const scheduler = createScheduler({ pool, logger, now, replySenders: replicaSenders() })
    await scheduler.tickOnce()
    expect(await acknowledgement()).toMatchObject({ state: 'failed', error: { code: 'PLATFORMX_ERR_REPLY_IN_DOUBT' } })
    clock = new Date('2026-11-23T11:00:00Z')
    await scheduler.tickOnce()
    await createScheduler({ pool, logger, now, replySenders: replicaSenders() }).tickOnce()
    expect(x.state.posts()).toHaveLength(1)
    expect(x.state.requests('/2/tweets')).toHaveLength(1)
  })
})

/** A pool whose transactions die at COMMIT, as a router killed between its work and its commit: everything rolls back. */
function dyingBeforeCommit (pool: Pool): Pool {
  return new Proxy(pool, {
    get (target, property, receiver) {
      if (property !== 'connect') return Reflect.get(target, property, receiver) as unknown
      return async () => {
        const client = await target.connect()
        return new Proxy(client, {
          get (real, name) {
            if (name === 'query') {
              return async (text: unknown, ...rest: unknown[]) => {
                if (text === 'COMMIT') throw new Error('router killed before commit')
                return await (real.query as (...args: unknown[]) => Promise<unknown>).call(real, text, ...rest)
              }
            }
            const value = Reflect.get(real, name) as unknown
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(real) : value
          },
        })
      }
    },
  })
}
