import { normaliseThing } from './normalise.js'

const context = { tenantId: 'acme', sourceId: 'reddit-search', receivedAt: '2026-01-01T12:00:00.000Z' }

const post = {
  kind: 't3',
  data: {
    id: '1abcx9',
    name: 't3_1abcx9',
    subreddit: 'acmeusers',
    title: 'Acme app logs me out',
    selftext: 'since the update...',
    author: 'dave',
    author_fullname: 't2_8xyz',
    created_utc: 1735725600.0,
    permalink: '/r/acmeusers/comments/1abcx9/acme_app_logs_me_out/',
    num_comments: 3,
    score: 5,
  },
}

const comment = {
  kind: 't1',
  data: {
    id: 'm1x2y3',
    name: 't1_m1x2y3',
    subreddit: 'acmeusers',
    body: 'same here, Acme support?',
    author: 'erin',
    author_fullname: 't2_9abc',
    created_utc: 1735725700,
    link_id: 't3_1abcx9',
    parent_id: 't3_1abcx9',
    permalink: '/r/acmeusers/comments/1abcx9/acme_app_logs_me_out/m1x2y3/',
    score: -2,
  },
}

test('a post starts its own conversation, with title and selftext as the text and score as likes', () => {
  const result = normaliseThing(post, context)
  expect(result).toMatchObject({ ok: true, createdUtc: 1735725600 })
  if (!result.ok) return
  expect(result.item.mention).toEqual({
    schemaVersion: 1,
    id: 'reddit:t3_1abcx9',
    tenantId: 'acme',
    sourceId: 'reddit-search',
    platform: 'reddit',
    nativeId: 't3_1abcx9',
    conversationId: 'reddit:t3_1abcx9',
    url: 'https://www.reddit.com/r/acmeusers/comments/1abcx9/acme_app_logs_me_out/',
    author: { id: 't2_8xyz', handle: 'dave' },
    text: 'Acme app logs me out\n\nsince the update...',
    createdAt: '2025-01-01T10:00:00.000Z',
    receivedAt: '2026-01-01T12:00:00.000Z',
    metrics: { likes: 5, reposts: 0, replies: 3 },
    raw: { subreddit: 'acmeusers' },
  })
})

test('a comment joins its post\'s conversation and replies to its parent; a negative score counts as no likes', () => {
  const result = normaliseThing(comment, context)
  if (!result.ok) throw new Error(result.reason)
  expect(result.item.mention).toMatchObject({
    id: 'reddit:t1_m1x2y3',
    conversationId: 'reddit:t3_1abcx9',
    inReplyToId: 'reddit:t3_1abcx9',
    text: 'same here, Acme support?',
    metrics: { likes: 0, reposts: 0, replies: 0 },
  })
})

test('a crosspost is marked as a repost', () => {
  const result = normaliseThing({ ...post, data: { ...post.data, crosspost_parent: 't3_zzz' } }, context)
  expect(result.ok && result.item.isRepost).toBe(true)
})

test('damaged children are reported with what is missing, never thrown', () => {
  expect(normaliseThing({ kind: 't1', data: { ...comment.data, body: undefined, created_utc: 'yesterday' } }, context))
    .toEqual({ ok: false, nativeId: 't1_m1x2y3', reason: 't1 lacks body, created_utc' })
  expect(normaliseThing({ kind: 't5', data: { name: 't5_2qh1i' } }, context)).toMatchObject({ ok: false, reason: expect.stringMatching(/neither a comment/) })
  expect(normaliseThing({ kind: 't3', data: { ...post.data, name: 'bogus' } }, context)).toEqual({ ok: false, reason: 't3 has no valid fullname' })
  expect(normaliseThing(null, context)).toMatchObject({ ok: false })
  expect(normaliseThing({ kind: 't1', data: { ...comment.data, link_id: 'nope' } }, context)).toMatchObject({ ok: false, reason: expect.stringMatching(/link_id or parent_id/) })
})
