import { sampleMention, topics } from '@earshot/contracts'
import { eventHandler } from './event-handler.js'
import { readDeadLetter, toDeadLetter } from './dead-letter.js'
import type { Batch, IncomingMessage, OutgoingMessage } from './types.js'

function message (offset: number, value: string): IncomingMessage {
  return { topic: topics.mentions, partition: 0, offset: String(offset), key: 'acme:c1', value: Buffer.from(value), headers: {}, timestamp: 0 }
}

test('hands typed events to the handler and dead-letters malformed and invalid ones with the reason', async () => {
  const valid = sampleMention()
  const { author: _author, ...missingAuthor } = sampleMention()
  const batch: Batch = {
    topic: topics.mentions,
    partition: 0,
    messages: [message(0, JSON.stringify(valid)), message(1, '{oops'), message(2, JSON.stringify(missingAuthor))],
  }
  const seen: string[] = []
  const letters: OutgoingMessage[] = []
  const handler = eventHandler(topics.mentions, async (events) => { seen.push(...events.map(({ event }) => event.id)) })
  await handler(batch, {
    signal: new AbortController().signal,
    heartbeat: async () => {},
    deadLetter: (m, err) => { letters.push(toDeadLetter(m, err, 'classifier')) },
  })
  expect(seen).toEqual([valid.id])
  expect(letters.map((l) => readDeadLetter(l))).toEqual([
    expect.objectContaining({ offset: '1', errorCode: 'CONTRACT_ERR_MALFORMED_JSON' }),
    expect.objectContaining({ offset: '2', errorCode: 'CONTRACT_ERR_INVALID_EVENT', error: expect.stringContaining('author') }),
  ])
})
