import { mentionSchema } from '@earshot/contracts'
import { normaliseNotification, normaliseStatus } from './normalise.js'

const context = { tenantId: 'acme-rail', sourceId: 'mastodon-mentions', instanceHost: 'mastodon.example', receivedAt: '2026-03-02T08:05:14.120Z', brandAccounts: new Set(['acme@mastodon.example']) }
const account = { id: '109', username: 'ann', acct: 'ann@other.example', display_name: 'Ann', bot: false, followers_count: 312, url: 'https://other.example/@ann' }
const status = {
  id: '113000000000000002',
  created_at: '2026-03-02T08:05:12.000Z',
  uri: 'https://other.example/users/ann/statuses/9',
  url: 'https://other.example/@ann/9',
  content: '<p><span class="h-card"><a href="https://mastodon.example/@acme" class="u-url mention">@<span>acme</span></a></span> my train is late</p><p>again<br />and again</p>',
  visibility: 'unlisted',
  in_reply_to_id: '113000000000000001',
  language: 'en',
  sensitive: false,
  spoiler_text: '',
  account,
  reblog: null,
  replies_count: 2,
  reblogs_count: 1,
  favourites_count: 4,
}

test('a mention notification becomes a mentions.v1 event that passes the contract', () => {
  const result = normaliseNotification({ id: '1001', type: 'mention', created_at: '2026-03-02T08:05:13.000Z', account, status }, context)
  expect(result).toEqual({
    ok: true,
    status: { visibility: 'unlisted', bot: false, language: 'en' },
    item: {
      isRepost: false,
      mention: {
        schemaVersion: 1,
        id: 'mastodon:mastodon.example/113000000000000002',
        tenantId: 'acme-rail',
        sourceId: 'mastodon-mentions',
        platform: 'mastodon',
        nativeId: 'mastodon.example/113000000000000002',
        conversationId: 'mastodon:mastodon.example/113000000000000001',
        inReplyToId: 'mastodon:mastodon.example/113000000000000001',
        url: 'https://other.example/@ann/9',
        author: { id: '109', handle: 'ann@other.example', name: 'Ann', followers: 312 },
        text: '@acme my train is late\n\nagain\nand again',
        lang: 'en',
        createdAt: '2026-03-02T08:05:12.000Z',
        receivedAt: '2026-03-02T08:05:14.120Z',
        metrics: { likes: 4, reposts: 1, replies: 2 },
        raw: { instance: 'mastodon.example', statusId: '113000000000000002', notificationId: '1001', uri: 'https://other.example/users/ann/statuses/9', visibility: 'unlisted', bot: false, sensitive: false },
      },
    },
  })
  if (result.ok === true) expect(mentionSchema.safeParse(result.item.mention).success).toBe(true)
})

test('a status that starts a thread is its own conversation; a local author gets the instance in the handle and may be the brand', () => {
  const result = normaliseStatus({ ...status, in_reply_to_id: null, account: { ...account, acct: 'acme', bot: true } }, context)
  expect(result.ok).toBe(true)
  if (result.ok !== true) return
  expect(result.item.mention.conversationId).toBe('mastodon:mastodon.example/113000000000000002')
  expect(result.item.mention).not.toHaveProperty('inReplyToId')
  expect(result.item.mention.author).toMatchObject({ handle: 'acme@mastodon.example', isBrand: true })
  expect(result.status.bot).toBe(true)
})

test('a boost is a repost carrying the boosted words; a content warning leads the text', () => {
  const boost = { ...status, content: '', reblog: { ...status, id: '5', content: '<p>original words</p>', spoiler_text: 'rant' } }
  const result = normaliseStatus(boost, context)
  expect(result.ok).toBe(true)
  if (result.ok === true) expect(result.item).toMatchObject({ isRepost: true, mention: { text: 'rant\n\noriginal words' } })
})

test('an unknown language code is dropped rather than the mention', () => {
  const result = normaliseStatus({ ...status, language: 'not a language' }, context)
  expect(result.ok).toBe(true)
  if (result.ok === true) expect(result.item.mention).not.toHaveProperty('lang')
})

test.each([
  ['not an object', 'nope', { ok: false, reason: 'status is not an object' }],
  ['no id', { ...status, id: undefined }, { ok: false, reason: 'status has no valid id' }],
  ['no created_at or account', { ...status, created_at: undefined, account: undefined }, { ok: false, nativeId: 'mastodon.example/113000000000000002', reason: 'status lacks created_at, account' }],
  ['an account without acct', { ...status, account: { id: '1' } }, { ok: false, nativeId: 'mastodon.example/113000000000000002', reason: 'status account lacks id or acct' }],
])('a damaged status (%s) is reported, never thrown', (_name, input, expected) => {
  expect(normaliseStatus(input, context)).toEqual(expected)
})

test('notifications other than mentions are skipped; a mention without its status is damaged', () => {
  expect(normaliseNotification({ id: '7', type: 'favourite', account, status }, context)).toEqual({ ok: 'skip', type: 'favourite' })
  expect(normaliseNotification({ id: '8', type: 'mention', account }, context)).toEqual({ ok: false, reason: 'mention notification 8 has no status' })
})
