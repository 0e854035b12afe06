import { sampleClassifiedMention, sampleMention, sampleTicketEvent } from './fixtures.js'
import { topics } from './topics.js'
import { validateEvent } from './validate.js'

test('a mention sample keeps its id in step with overridden platform and nativeId', () => {
  const mention = sampleMention({ platform: 'reddit', nativeId: 't3_abc' })
  expect(mention.id).toBe('reddit:t3_abc')
  expect(validateEvent(topics.mentions, mention).ok).toBe(true)
})

test('an explicit id override wins, so tests can build invalid events', () => {
  expect(sampleMention({ id: 'x:nope' }).id).toBe('x:nope')
})

test('a classified sample accepts mention and classification overrides', () => {
  const classified = sampleClassifiedMention({ tenantId: 'acme-air', text: 'thanks!' })
  expect(classified).toMatchObject({ tenantId: 'acme-air', text: 'thanks!', classification: { modelVersion: expect.any(String) } })
  expect(validateEvent(topics.mentionsClassified, classified).ok).toBe(true)
})

test('a ticket event sample keeps the snapshot in step with ticketId and tenantId', () => {
  const event = sampleTicketEvent({ ticketId: 'tkt_9', tenantId: 'acme-air', type: 'ticket.escalated', ticket: { status: 'escalated' } })
  expect(event.ticket).toMatchObject({ id: 'tkt_9', tenantId: 'acme-air', status: 'escalated' })
  expect(validateEvent(topics.tickets, event).ok).toBe(true)
})

test('samples are fresh objects, so a test may mutate its own', () => {
  const first = sampleMention()
  first.author.handle = 'changed'
  expect(sampleMention().author.handle).toBe('commuter_jo')
})
