import { sampleClassifiedMention, sampleMention, sampleTicketEvent } from './fixtures.js'
import { classifiedMentionSchema } from './classified-mention.js'
import { mentionSchema } from './mention.js'
import { ticketEventSchema } from './ticket-event.js'
import { deadLetterHeaders, deadLetterTopic, eventCatalog, isTopic, messageKey, messageKeyFor, topicNames, topics } from './topics.js'

test('topic names carry their schema version', () => {
  expect(topics).toEqual({ mentions: 'mentions.v1', mentionsClassified: 'mentions.classified.v1', tickets: 'tickets.v1' })
  expect(topicNames).toEqual(['mentions.v1', 'mentions.classified.v1', 'tickets.v1'])
})

test('every topic has a .dlq twin', () => {
  expect(deadLetterTopic(topics.mentions)).toBe('mentions.v1.dlq')
  expect(isTopic(deadLetterTopic(topics.tickets))).toBe(false)
  expect(isTopic('tickets.v1')).toBe(true)
})

test('the catalog maps each topic name to its schema', () => {
  expect(eventCatalog).toEqual({
    'mentions.v1': mentionSchema,
    'mentions.classified.v1': classifiedMentionSchema,
    'tickets.v1': ticketEventSchema,
  })
})

test('messages are keyed by tenant and conversation', () => {
  expect(messageKey('acme-rail', 'x:123')).toBe('acme-rail:x:123')
  expect(messageKeyFor(sampleMention({ conversationId: 'c1' }))).toBe('acme-rail:c1')
  expect(messageKeyFor(sampleClassifiedMention({ conversationId: 'c2' }))).toBe('acme-rail:c2')
  expect(messageKeyFor(sampleTicketEvent({ ticket: { conversationId: 'c3' } }))).toBe('acme-rail:c3')
})

test('dead-letter header names are namespaced and distinct', () => {
  const names = Object.values(deadLetterHeaders)
  expect(new Set(names).size).toBe(names.length)
  expect(names.every((name) => name.startsWith('earshot.dlq.'))).toBe(true)
})
