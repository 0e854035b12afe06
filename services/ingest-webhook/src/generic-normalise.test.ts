import { topics, validateEvent } from '@earshot/contracts'
import { MalformedPayloadError } from './errors.js'
import { normaliseGenericMessage } from './generic-normalise.js'

const source = { tenantId: 'acme-rail', sourceId: 'web-chat' }
const receivedAt = '2026-03-01T09:30:05.000Z'
const message = {
  id: 'm-17',
  conversationId: 'chat-4',
  author: { id: 'visitor-9', name: 'Erin' },
  text: 'My train was cancelled, refund?',
  createdAt: '2026-03-01T10:30:00+01:00',
}

test.each([
  ['a minimal chat message', message, {
    schemaVersion: 1,
    id: 'webchat:web-chat:m-17',
    platform: 'webchat',
    nativeId: 'web-chat:m-17',
    tenantId: 'acme-rail',
    sourceId: 'web-chat',
    conversationId: 'web-chat:chat-4',
    author: { id: 'visitor-9', handle: 'Erin', name: 'Erin' },
    text: message.text,
    createdAt: '2026-03-01T09:30:00.000Z',
    receivedAt,
  }],
  ['a reply with handle, url, language and form fields', {
    ...message, inReplyToId: 'm-16', author: { id: 'v', handle: 'erin@example.com' }, url: 'https://acme.example/contact', lang: 'en-GB', fields: { order: 'A-1', urgent: true },
  }, {
    inReplyToId: 'webchat:web-chat:m-16', author: { id: 'v', handle: 'erin@example.com' }, url: 'https://acme.example/contact', lang: 'en-GB', raw: { fields: { order: 'A-1', urgent: true } },
  }],
  ['an author with only an id', { ...message, author: { id: 'visitor-9' } }, { author: { id: 'visitor-9', handle: 'visitor-9' } }],
])('%s becomes a webchat mention', (_case, body, expected) => {
  const mention = normaliseGenericMessage(body, source, receivedAt)
  expect(mention).toMatchObject(expected)
  expect(validateEvent(topics.mentions, mention)).toMatchObject({ ok: true })
})

test.each([
  ['no text', { ...message, text: undefined }, 'text: expected string, received nothing (required)'],
  ['empty text', { ...message, text: '' }, 'text: Too small: expected string to have >=1 characters'],
  ['author.id a number', { ...message, author: { id: 9 } }, 'author.id: expected string, received number'],
  ['a misspelt field', { ...message, txt: 'hi' }, 'txt: unknown field'],
  ['an unknown author field', { ...message, author: { id: 'v', email: 'e@x' } }, 'author.email: unknown field'],
  ['a local time without offset', { ...message, createdAt: '2026-03-01T10:30:00' }, 'createdAt: expected an ISO 8601 timestamp with a Z or ±hh:mm offset'],
  ['a javascript: url', { ...message, url: 'javascript:alert(1)' }, 'url: expected an absolute http(s) URL'],
  ['a nested form field', { ...message, fields: { address: { street: 'x' } } }, 'fields.address: '],
  ['form fields over the 16 KiB raw limit', { ...message, fields: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}`, 'x'.repeat(2000)])) }, 'fields: serialises to'],
  ['an array body', [message], '(body): expected object, received array'],
])('%s → 400 naming the field', (_case, body, expected) => {
  expect(() => normaliseGenericMessage(body, source, receivedAt)).toThrow(MalformedPayloadError)
  expect(() => normaliseGenericMessage(body, source, receivedAt)).toThrow(expected)
})
