import { mentionSchema } from '@earshot/contracts'
import { feedNativeId, normaliseEntry } from './normalise.js'

const context = { tenantId: 'acme', sourceId: 'forum', feedUrl: 'https://forum.example/latest.rss', receivedAt: '2026-03-01T12:00:00.000Z' }

describe('normaliseEntry makes mentions.v1 from feed entries', () => {
  test('a forum post: hashed guid as id, the thread as conversation, title and body as text', () => {
    const result = normaliseEntry({
      id: 'https://forum.example/t/42/3',
      link: 'https://forum.example/t/42/3#post',
      title: 'App broken',
      body: 'It crashes on login',
      published: 'Sun, 01 Mar 2026 10:00:00 GMT',
      author: { name: 'carol' },
      commentsUrl: 'https://forum.example/t/42',
    }, context)
    if (!result.ok) throw new Error(result.reason)
    const { mention } = result.item
    expect(mentionSchema.safeParse(mention).success).toBe(true)
    expect(mention).toMatchObject({
      id: `feed:${mention.nativeId}`,
      platform: 'feed',
      nativeId: expect.stringMatching(/^[0-9a-f]{32}$/),
      conversationId: 'feed:https://forum.example/t/42',
      url: 'https://forum.example/t/42/3#post',
      author: { id: 'forum.example/carol', handle: 'carol', name: 'carol' },
      text: 'App broken\n\nIt crashes on login',
      createdAt: '2026-03-01T10:00:00.000Z',
      receivedAt: context.receivedAt,
    })
    expect(result.dated).toBe(true)
  })

  test('the same absolute guid gives the same id in any source; a bare guid is scoped to its source', () => {
    expect(feedNativeId('tag:forum.example,2025:1', 'a')).toBe(feedNativeId('tag:forum.example,2025:1', 'b'))
    expect(feedNativeId('123', 'a')).not.toBe(feedNativeId('123', 'b'))
  })

  test('falls back to the link, then title and date, for identity', () => {
    const byLink = normaliseEntry({ link: '/t/9', title: 'x' }, context)
    const byTitle = normaliseEntry({ title: 'x', published: '2026-03-01T10:00:00Z' }, context)
    expect(byLink.ok && byLink.item.mention.nativeId).toBe(feedNativeId('https://forum.example/t/9', 'forum'))
    expect(byLink.ok && byLink.item.mention.url).toBe('https://forum.example/t/9')
    expect(byTitle.ok && byTitle.item.mention.nativeId).toBe(feedNativeId('x\n2026-03-01T10:00:00Z', 'forum'))
  })

  test('an Atom reply joins its parent\'s thread and points at the parent', () => {
    const result = normaliseEntry({ id: 'tag:f,2025:43', title: 'Re', body: 'same here', inReplyTo: { ref: 'tag:f,2025:42', href: 'https://forum.example/t/42#p1' } }, context)
    expect(result.ok && result.item.mention).toMatchObject({
      conversationId: 'feed:https://forum.example/t/42',
      inReplyToId: `feed:${feedNativeId('tag:f,2025:42', 'forum')}`,
    })
  })

  test('no usable date: received time, and not marked as dated', () => {
    const result = normaliseEntry({ id: 'tag:f,2025:1', title: 't', published: 'yesterday-ish' }, context)
    expect(result.ok && result.item.mention.createdAt).toBe(context.receivedAt)
    expect(result.ok && result.dated).toBe(false)
  })

  test('no author: the feed\'s host stands in; an email author keeps its local part as handle', () => {
    const anonymous = normaliseEntry({ id: 'tag:f,2025:1', title: 't' }, context)
    const byEmail = normaliseEntry({ id: 'tag:f,2025:2', title: 't', author: { email: 'dan@example.com' } }, context)
    expect(anonymous.ok && anonymous.item.mention.author).toEqual({ id: 'forum.example/forum.example', handle: 'forum.example' })
    expect(byEmail.ok && byEmail.item.mention.author).toEqual({ id: 'mailto:dan@example.com', handle: 'dan' })
  })

  test('an entry that cannot be identified or has no text is malformed, with a reason', () => {
    expect(normaliseEntry({ body: 'orphan' }, context)).toEqual({ ok: false, reason: expect.stringContaining('no guid/id') })
    expect(normaliseEntry({ id: 'tag:f,2025:1' }, context)).toMatchObject({ ok: false, reason: 'entry has neither title nor content' })
  })

  test('a javascript: link is not kept as url, and very long text is cut to the contract limit', () => {
    const result = normaliseEntry({ id: 'tag:f,2025:1', link: 'javascript:alert(1)', title: 't', body: 'x'.repeat(50_000) }, context)
    if (!result.ok) throw new Error(result.reason)
    expect(result.item.mention.url).toBeUndefined()
    expect(result.item.mention.text.length).toBe(40_000)
  })
})
