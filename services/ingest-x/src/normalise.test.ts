import { mentionSchema } from '@earshot/contracts'
import { normaliseTweet, unescapeTweetText, usersById } from './normalise.js'

const context = { tenantId: 'acme-rail', sourceId: 'x-mentions', receivedAt: '2026-03-02T08:05:14.120Z', brandUserIds: new Set(['1000']) }
const includes = {
  users: [
    { id: '42', username: 'commuter_jo', name: 'Jo', verified: true, public_metrics: { followers_count: 312 } },
    { id: '1000', username: 'AcmeRail', name: 'Acme Rail' },
    { id: '43', name: 'No Handle' },
  ],
}
const tweet = {
  id: '1800000000000000003',
  text: '@AcmeRail my train is late',
  author_id: '42',
  created_at: '2026-03-02T08:05:12.000Z',
  conversation_id: '1800000000000000001',
  lang: 'en',
  edit_history_tweet_ids: ['1800000000000000003'],
  public_metrics: { like_count: 4, retweet_count: 1, reply_count: 2, quote_count: 0 },
  referenced_tweets: [{ type: 'replied_to', id: '1800000000000000001' }],
}

test('a reply with author, metrics and language becomes a mentions.v1 event that passes the contract', () => {
  const result = normaliseTweet(tweet, usersById(includes), context)
  expect(result).toEqual({
    ok: true,
    item: {
      isRepost: false,
      mention: {
        schemaVersion: 1,
        id: 'x:1800000000000000003',
        tenantId: 'acme-rail',
        sourceId: 'x-mentions',
        platform: 'x',
        nativeId: '1800000000000000003',
        conversationId: 'x:1800000000000000001',
        inReplyToId: 'x:1800000000000000001',
        url: 'https://x.com/commuter_jo/status/1800000000000000003',
        author: { id: '42', handle: 'commuter_jo', name: 'Jo', followers: 312, verified: true },
        text: '@AcmeRail my train is late',
        lang: 'en',
        createdAt: '2026-03-02T08:05:12.000Z',
        receivedAt: '2026-03-02T08:05:14.120Z',
        metrics: { likes: 4, reposts: 1, replies: 2 },
      },
    },
  })
  if (result.ok) expect(mentionSchema.safeParse(result.item.mention).success).toBe(true)
})

test.each([
  ['a retweet is marked as a repost', { referenced_tweets: [{ type: 'retweeted', id: '1' }] }, (r: Record<string, unknown>) => expect(r).toMatchObject({ isRepost: true })],
  ['a tweet without conversation_id starts its own conversation', { conversation_id: undefined, referenced_tweets: undefined },
    (r: Record<string, unknown>) => expect(r).toMatchObject({ mention: { conversationId: 'x:1800000000000000003' } })],
  ['a tweet that replies to nothing has no inReplyToId', { referenced_tweets: [{ type: 'quoted', id: '7' }] },
    (r: Record<string, unknown>) => expect(r.mention).not.toHaveProperty('inReplyToId')],
  ['the brand\'s own post is marked isBrand', { author_id: '1000' }, (r: Record<string, unknown>) => expect(r).toMatchObject({ mention: { author: { handle: 'AcmeRail', isBrand: true } } })],
  ['a language code the contract rejects is dropped, not the mention', { lang: 'x_y' }, (r: Record<string, unknown>) => expect(r.mention).not.toHaveProperty('lang')],
  ['missing public_metrics leaves metrics out', { public_metrics: undefined }, (r: Record<string, unknown>) => expect(r.mention).not.toHaveProperty('metrics')],
  ['negative or fractional counts read as zero', { public_metrics: { like_count: -1, retweet_count: 1.5, reply_count: 3 } },
    (r: Record<string, unknown>) => expect(r).toMatchObject({ mention: { metrics: { likes: 0, reposts: 0, replies: 3 } } })],
])('%s', (_name, overrides, check) => {
  const result = normaliseTweet({ ...tweet, ...overrides }, usersById(includes), context)
  expect(result.ok).toBe(true)
  if (result.ok) check(result.item as unknown as Record<string, unknown>)
})

test.each([
  ['not an object', 'hello', /not an object/, undefined],
  ['no id', { ...tweet, id: undefined }, /no valid id/, undefined],
  ['an id that is not a snowflake', { ...tweet, id: '12ab' }, /no valid id/, undefined],
  ['no text', { ...tweet, text: undefined }, /lacks text/, '1800000000000000003'],
  ['no author_id nor created_at', { ...tweet, author_id: undefined, created_at: undefined }, /lacks author_id, created_at/, '1800000000000000003'],
  ['an author missing from includes.users', { ...tweet, author_id: '99' }, /author 99 is not in includes.users/, '1800000000000000003'],
  ['an author without a username', { ...tweet, author_id: '43' }, /author 43 is not in includes.users/, '1800000000000000003'],
  ['a created_at that is not a timestamp', { ...tweet, created_at: 'yesterday' }, /breaks mentions.v1: createdAt/, '1800000000000000003'],
])('a tweet with %s is reported as malformed, never thrown', (_name, input, reason, nativeId) => {
  const result = normaliseTweet(input, usersById(includes), context)
  expect(result).toEqual({ ok: false, reason: expect.stringMatching(reason), ...(nativeId === undefined ? {} : { nativeId }) })
})

test('includes without users yields no authors', () => {
  expect(usersById(undefined).size).toBe(0)
  expect(usersById({ users: 'nope' }).size).toBe(0)
})

test('the HTML entities X puts in tweet text are decoded once', () => {
  expect(unescapeTweetText('fees &amp; charges &lt;3 &gt;:( &amp;lt; literal')).toBe('fees & charges <3 >:( &lt; literal')
  const result = normaliseTweet({ ...tweet, text: '@AcmeRail delays &amp; cancellations &gt;:(' }, usersById(includes), context)
  expect(result.ok && result.item.mention.text).toBe('@AcmeRail delays & cancellations >:(')
})
