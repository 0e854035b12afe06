import { normaliseComment, normaliseThread } from './normalise.js'

const context = { tenantId: 'acme', sourceId: 'yt', receivedAt: '2026-01-01T12:00:00.000Z', brandChannelId: 'UCacme' }

const top = {
  kind: 'youtube#comment',
  id: 'UgzAbc123',
  snippet: {
    channelId: 'UCacme',
    videoId: 'vid123',
    textDisplay: 'broken &amp; slow',
    textOriginal: 'broken & slow',
    authorDisplayName: '@bob',
    authorChannelId: { value: 'UCbob' },
    likeCount: 4,
    publishedAt: '2025-01-01T10:00:00Z',
    updatedAt: '2025-01-01T10:00:00Z',
  },
}
const reply = { ...top, id: 'UgzAbc123.reply1', snippet: { ...top.snippet, textOriginal: 'we are on it', authorDisplayName: '@Acme', authorChannelId: { value: 'UCacme' }, parentId: 'UgzAbc123' } }

test('a top-level comment starts its thread\'s conversation with textOriginal, likes and reply count', () => {
  const result = normaliseComment(top, context, 2)
  if (!result.ok) throw new Error(result.reason)
  expect(result.item.mention).toEqual({
    schemaVersion: 1,
    id: 'youtube:UgzAbc123',
    tenantId: 'acme',
    sourceId: 'yt',
    platform: 'youtube',
    nativeId: 'UgzAbc123',
    conversationId: 'youtube:UgzAbc123',
    url: 'https://www.youtube.com/watch?v=vid123&lc=UgzAbc123',
    author: { id: 'UCbob', handle: '@bob' },
    text: 'broken & slow',
    createdAt: '2025-01-01T10:00:00Z',
    receivedAt: '2026-01-01T12:00:00.000Z',
    metrics: { likes: 4, reposts: 0, replies: 2 },
    raw: { videoId: 'vid123' },
  })
})

test('a reply joins its parent\'s conversation; the brand\'s own channel is marked', () => {
  const result = normaliseComment(reply, context)
  expect(result.ok && result.item.mention).toMatchObject({ conversationId: 'youtube:UgzAbc123', inReplyToId: 'youtube:UgzAbc123', author: { id: 'UCacme', isBrand: true } })
})

test('a thread yields its top-level comment and the replies it carries; damaged comments are reported', () => {
  const damaged = { ...reply, id: 'UgzAbc123.reply2', snippet: { ...reply.snippet, authorChannelId: undefined, publishedAt: undefined } }
  const read = normaliseThread({ id: 'UgzAbc123', snippet: { topLevelComment: top, totalReplyCount: 2 }, replies: { comments: [reply, damaged] } }, context)
  if (!('normalised' in read)) throw new Error(read.reason)
  expect(read.publishedAt).toBe(Date.parse('2025-01-01T10:00:00Z'))
  expect(read.normalised.map((n) => n.ok)).toEqual([true, true, false])
  expect(read.normalised[2]).toEqual({ ok: false, nativeId: 'UgzAbc123.reply2', reason: 'comment lacks publishedAt, authorChannelId' })
  expect(normaliseThread({ id: 'x', snippet: {} }, context)).toMatchObject({ ok: false, nativeId: 'x' })
})
