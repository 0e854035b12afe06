import { topics, validateEvent } from '@earshot/contracts'
import type { SourceDefinition } from '@earshot/ingest'
import { MalformedPayloadError } from './errors.js'
import { metaTimeToIso, normaliseMetaDelivery, parseJsonBody } from './meta-normalise.js'

const pageId = '104000000000001'
const igAccountId = '17841400000000001'
const receivedAt = '2025-01-01T10:00:05.000Z'

function source (platform: 'facebook' | 'instagram', sourceId: string): SourceDefinition {
  return { tenantId: 'acme-rail', sourceId, platform, pollIntervalMs: 60_000, maxGapMs: 300_000, settings: {} }
}
const facebook = source('facebook', 'fb-page')
const instagram = source('instagram', 'ig')
const context = { sources: { facebookPages: new Map([[pageId, facebook]]), instagramAccounts: new Map([[igAccountId, instagram]]) }, receivedAt }

function page (value: Record<string, unknown>, field = 'feed'): unknown {
  return { object: 'page', entry: [{ id: pageId, time: 1735725600, changes: [{ field, value }] }] }
}
function ig (value: Record<string, unknown>, field = 'comments'): unknown {
  return { object: 'instagram', entry: [{ id: igAccountId, time: 1735725600, changes: [{ field, value }] }] }
}

const feedComment = {
  item: 'comment',
  verb: 'add',
  comment_id: `${pageId}_900_901`,
  post_id: `${pageId}_900`,
  parent_id: `${pageId}_900`,
  from: { id: '7000001', name: 'Erin' },
  message: '@Acme refund please',
  created_time: 1735725599,
}

describe('mentions from Meta changes', () => {
  test.each([
    ['a Page feed comment', page(feedComment), {
      id: `facebook:${pageId}_900_901`,
      platform: 'facebook',
      nativeId: `${pageId}_900_901`,
      sourceId: 'fb-page',
      tenantId: 'acme-rail',
      conversationId: `${pageId}_900`,
      inReplyToId: `facebook:${pageId}_900`,
      author: { id: '7000001', handle: 'Erin', name: 'Erin' },
      text: '@Acme refund please',
      createdAt: '2025-01-01T09:59:59.000Z',
      receivedAt,
    }],
    ['a reply to a comment (parent is the comment)', page({ ...feedComment, comment_id: `${pageId}_900_902`, parent_id: `${pageId}_900_901` }), {
      id: `facebook:${pageId}_900_902`, conversationId: `${pageId}_900`, inReplyToId: `facebook:${pageId}_900_901`,
    }],
    ['the Page\'s own comment, flagged isBrand', page({ ...feedComment, from: { id: pageId, name: 'Acme Rail' } }), {
      author: { id: pageId, handle: 'Acme Rail', name: 'Acme Rail', isBrand: true },
    }],
    ['a visitor post on the Page', page({ item: 'status', verb: 'add', post_id: `${pageId}_950`, from: { id: '7000002', name: 'Frank' }, message: 'trains late again', created_time: 1735725000 }), {
      id: `facebook:${pageId}_950`, conversationId: `${pageId}_950`, url: `https://www.facebook.com/${pageId}_950`, text: 'trains late again',
    }],
    ['a comment without `from` (privacy)', page({ ...feedComment, from: undefined }), { author: { id: 'unknown', handle: 'unknown' } }],
    ['a comment without created_time takes the entry time', page({ ...feedComment, created_time: undefined }), { createdAt: '2025-01-01T10:00:00.000Z' }],
    ['a Page mention in someone\'s post', page({ item: 'post', verb: 'add', post_id: '555_777', sender_id: '7000003', sender_name: 'Gail', message: 'thanks @Acme' }, 'mention'), {
      id: 'facebook:555_777', conversationId: '555_777', author: { id: '7000003', handle: 'Gail', name: 'Gail' },
    }],
    ['an Instagram comment', ig({ id: '17900000000000001', text: '@acme my parcel?', parent_id: '17900000000000000', from: { id: '6500000000000001', username: 'frank' }, media: { id: '18000000000000001', media_product_type: 'FEED' } }), {
      id: 'instagram:17900000000000001',
      platform: 'instagram',
      sourceId: 'ig',
      conversationId: '18000000000000001',
      inReplyToId: 'instagram:17900000000000000',
      author: { id: '6500000000000001', handle: 'frank' },
      text: '@acme my parcel?',
      createdAt: '2025-01-01T10:00:00.000Z',
    }],
    ['an Instagram live comment', ig({ id: '17900000000000009', text: 'hi', from: { id: '65', username: 'gus' }, media: { id: '18000000000000009' } }, 'live_comments'), {
      id: 'instagram:17900000000000009', conversationId: '18000000000000009',
    }],
    ['the IG account\'s own comment, flagged isBrand', ig({ id: '17900000000000003', text: 'DM us', from: { id: igAccountId, username: 'acmerail' }, media: { id: '18000000000000001' } }), {
      author: { id: igAccountId, handle: 'acmerail', isBrand: true },
    }],
    ['an Instagram comment mention (ids only)', ig({ media_id: '18000000000000002', comment_id: '17900000000000002' }, 'mentions'), {
      id: 'instagram:17900000000000002',
      conversationId: '18000000000000002',
      text: '',
      author: { id: 'unknown', handle: 'unknown' },
      raw: { object: 'instagram', entryId: igAccountId, field: 'mentions', value: { media_id: '18000000000000002', comment_id: '17900000000000002' } },
    }],
    ['an Instagram caption mention', ig({ media_id: '18000000000000004' }, 'mentions'), { id: 'instagram:18000000000000004', conversationId: '18000000000000004' }],
  ])('%s', (_case, body, expected) => {
    const delivery = normaliseMetaDelivery(body, context)
    expect(delivery.skipped).toEqual([])
    expect(delivery.mentions).toHaveLength(1)
    const mention = delivery.mentions[0]?.item.mention
    expect(mention).toMatchObject({ schemaVersion: 1, ...expected })
    expect(validateEvent(topics.mentions, mention)).toMatchObject({ ok: true })
  })
})

describe('changes that produce no mention', () => {
  test.each([
    ['a deleted comment', page({ ...feedComment, verb: 'remove' }), 'ignored', 'feed comment remove'],
    ['an edited comment (its id was already published)', page({ ...feedComment, verb: 'edited' }), 'ignored', 'feed comment edited'],
    ['a reaction', page({ item: 'reaction', verb: 'add', post_id: `${pageId}_900`, reaction_type: 'like' }), 'ignored', 'feed item reaction'],
    ['a field we do not read', page({ anything: 1 }, 'ratings'), 'ignored', 'field ratings'],
    ['a comment without comment_id', page({ ...feedComment, comment_id: undefined }), 'malformed', 'entry[0].changes[0].value.comment_id: required for a feed comment'],
    ['a comment whose from.id is a number', page({ ...feedComment, from: { id: 7000001 } }), 'malformed', 'entry[0].changes[0].value.from.id: expected string, received number'],
    ['an unreadable created_time', page({ ...feedComment, created_time: 'yesterday' }), 'malformed', 'created_time "yesterday" is not a time'],
    ['an IG comment without id', ig({ text: 'hi', from: { id: '1', username: 'a' } }), 'malformed', 'entry[0].changes[0].value.id: expected string, received nothing (required)'],
  ])('%s', (_case, body, kind, reason) => {
    const delivery = normaliseMetaDelivery(body, context)
    expect(delivery.mentions).toEqual([])
    expect(delivery.skipped).toEqual([expect.objectContaining({ kind, reason, path: 'entry[0].changes[0]' })])
  })

  test('a change for an account no source maps is skipped as unmapped', () => {
    const body = { object: 'page', entry: [{ id: '999', time: 1735725600, changes: [{ field: 'feed', value: feedComment }] }] }
    expect(normaliseMetaDelivery(body, context).skipped).toEqual([
      { kind: 'unmapped', path: 'entry[0].changes[0]', reason: 'no source is configured for page account 999', object: 'page', field: 'feed' },
    ])
  })

  test('objects other than page and instagram are ignored whole', () => {
    expect(normaliseMetaDelivery({ object: 'permissions', entry: [] }, context)).toEqual({
      object: 'permissions', mentions: [], skipped: [{ kind: 'ignored', path: 'object', reason: 'object permissions', object: 'permissions' }],
    })
  })
})

test('one bad change in a batch does not lose the others', () => {
  const body = {
    object: 'page',
    entry: [
      { id: pageId, time: 1735725600, changes: [{ field: 'feed', value: feedComment }, { field: 'feed', value: { ...feedComment, comment_id: 42 } }] },
      { id: pageId, time: 1735725601, changes: [{ field: 'feed', value: { ...feedComment, comment_id: `${pageId}_900_903` } }] },
    ],
  }
  const delivery = normaliseMetaDelivery(body, context)
  expect(delivery.mentions.map((m) => m.item.mention.nativeId)).toEqual([`${pageId}_900_901`, `${pageId}_900_903`])
  expect(delivery.skipped).toEqual([expect.objectContaining({ kind: 'malformed', path: 'entry[0].changes[1]', reason: 'entry[0].changes[1].value.comment_id: expected string, received number' })])
})

describe('deliveries that are not Meta webhooks are refused whole with the path of the problem', () => {
  test.each([
    ['an array', [], '(body): expected object, received array'],
    ['no entry', { object: 'page' }, 'entry: expected array, received nothing (required)'],
    ['entry is a string', { object: 'page', entry: 'x' }, 'entry: expected array, received string'],
    ['an entry without id', { object: 'page', entry: [{ time: 1, changes: [] }] }, 'entry[0].id: expected string, received nothing (required)'],
    ['changes is an object', { object: 'page', entry: [{ id: pageId, time: 1, changes: {} }] }, 'entry[0].changes: expected array, received object'],
    ['a change without field', { object: 'page', entry: [{ id: pageId, time: 1, changes: [{ value: {} }] }] }, 'entry[0].changes[0].field: expected string, received nothing (required)'],
  ])('%s', (_case, body, message) => {
    expect(() => normaliseMetaDelivery(body, context)).toThrow(MalformedPayloadError)
    expect(() => normaliseMetaDelivery(body, context)).toThrow(`not a Meta webhook delivery: ${message}`)
  })

  test('a body that is not JSON says why', () => {
    expect(() => parseJsonBody(Buffer.from('{"object":'))).toThrow(/^the body is not valid JSON: /)
  })
})

test.each([
  [1735725600, '2025-01-01T10:00:00.000Z'],
  [1735725600123, '2025-01-01T10:00:00.123Z'],
  ['1735725600', '2025-01-01T10:00:00.000Z'],
  ['2025-01-01T10:00:00+0000', '2025-01-01T10:00:00.000Z'],
  ['soon', undefined],
  [0, undefined],
])('Meta time %p is %p', (input, expected) => {
  expect(metaTimeToIso(input)).toBe(expected)
})

test('a huge change keeps the mention but drops the value from raw', () => {
  const delivery = normaliseMetaDelivery(page({ ...feedComment, message: 'x'.repeat(20_000) }), context)
  expect(delivery.mentions[0]?.item.mention.raw).toEqual({ object: 'page', entryId: pageId, field: 'feed', truncated: true })
  expect(delivery.mentions[0]?.item.mention.text).toHaveLength(20_000)
})
