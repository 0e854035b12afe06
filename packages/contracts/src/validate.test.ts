import { ContractError } from './errors.js'
import { sampleClassification, sampleMention, sampleTicketEvent } from './fixtures.js'
import { topics } from './topics.js'
import { decodeEvent, encodeClassifiedMention, encodeEvent, formatPath, parseEvent, validateEvent } from './validate.js'

function caught (fn: () => unknown): ContractError {
  try {
    fn()
  } catch (err) {
    if (err instanceof ContractError) return err
    throw err
  }
  throw new Error('expected a ContractError')
}

describe('parseEvent', () => {
  test('returns the typed event when valid', () => {
    const event = parseEvent(topics.tickets, sampleTicketEvent())
    expect(event.ticket.status).toBe('open')
  })

  test('throws a non-retriable CONTRACT_ERR_INVALID_EVENT listing each issue as path: reason', () => {
    const { handle: _handle, ...author } = sampleMention().author
    const err = caught(() => parseEvent(topics.mentions, { ...sampleMention(), author, platform: 'myspace' }))
    expect(err.code).toBe('CONTRACT_ERR_INVALID_EVENT')
    expect(err.retriable).toBe(false)
    expect(err.topic).toBe('mentions.v1')
    expect(err.issues.map((issue) => issue.path)).toEqual(['platform', 'author.handle'])
    expect(err.message).toMatch(/^mentions\.v1 is invalid: platform: Invalid option: expected one of .*; author\.handle: expected string, received undefined$/)
  })

  test('names the whole event when it is not an object', () => {
    expect(caught(() => parseEvent(topics.mentions, 'hello')).message).toBe('mentions.v1 is invalid: (event): expected object, received string')
  })

  test('an unknown topic is CONTRACT_ERR_UNKNOWN_TOPIC naming the known topics', () => {
    const err = caught(() => parseEvent('mentions.v2', sampleMention()))
    expect(err.code).toBe('CONTRACT_ERR_UNKNOWN_TOPIC')
    expect(err.topic).toBe('mentions.v2')
    expect(err.message).toBe('unknown topic "mentions.v2"; @earshot/contracts knows mentions.v1, mentions.classified.v1, tickets.v1')
  })

  test('a dead-letter topic is not an event topic', () => {
    expect(caught(() => validateEvent('mentions.v1.dlq', sampleMention())).code).toBe('CONTRACT_ERR_UNKNOWN_TOPIC')
  })
})

describe('decodeEvent', () => {
  test('decodes a Buffer as received from Kafka', () => {
    const mention = sampleMention()
    expect(decodeEvent(topics.mentions, Buffer.from(JSON.stringify(mention)))).toEqual(mention)
  })

  test('decodes a string', () => {
    expect(decodeEvent(topics.tickets, JSON.stringify(sampleTicketEvent())).type).toBe('ticket.opened')
  })

  test('malformed JSON is CONTRACT_ERR_MALFORMED_JSON with the parser\'s reason', () => {
    const err = caught(() => decodeEvent(topics.mentions, Buffer.from('{"id": "x:1",')))
    expect(err.code).toBe('CONTRACT_ERR_MALFORMED_JSON')
    expect(err.retriable).toBe(false)
    expect(err.topic).toBe('mentions.v1')
    expect(err.cause).toBeInstanceOf(SyntaxError)
    expect(err.message).toMatch(/^mentions\.v1 message is not valid JSON: .+/)
    expect(err.message).toContain((err.cause as SyntaxError).message)
  })

  test('a message without a value (tombstone) is malformed', () => {
    expect(caught(() => decodeEvent(topics.mentions, null)).message).toBe('mentions.v1 message is not valid JSON: the message has no value')
  })

  test('bytes that are not UTF-8 are malformed', () => {
    expect(caught(() => decodeEvent(topics.mentions, Buffer.from([0x7b, 0xff, 0x7d]))).message).toContain('not valid UTF-8')
  })

  test('valid JSON that breaks the contract is CONTRACT_ERR_INVALID_EVENT', () => {
    expect(caught(() => decodeEvent(topics.mentions, '{}')).code).toBe('CONTRACT_ERR_INVALID_EVENT')
  })

  test('an unknown topic is reported before the bytes are looked at', () => {
    expect(caught(() => decodeEvent('nope', '{')).code).toBe('CONTRACT_ERR_UNKNOWN_TOPIC')
  })
})

describe('encodeEvent', () => {
  test('serialises a valid event to JSON that decodes back to it', () => {
    const event = sampleTicketEvent()
    expect(decodeEvent(topics.tickets, encodeEvent(topics.tickets, event))).toEqual(event)
  })

  test('refuses to serialise an invalid event', () => {
    expect(caught(() => encodeEvent(topics.mentions, { ...sampleMention(), id: 'x:other' })).issues)
      .toEqual([{ path: 'id', message: expect.stringContaining('got "x:other"') }])
  })
})

describe('encodeClassifiedMention', () => {
  test('writes what encodeEvent writes for the decoded mention plus its classification', () => {
    const mention = decodeEvent(topics.mentions, JSON.stringify(sampleMention()))
    const classification = sampleClassification()
    expect(encodeClassifiedMention(mention, classification)).toBe(encodeEvent(topics.mentionsClassified, { ...mention, classification }))
  })

  test('an invalid classification fails with the issues encodeEvent reports, paths under classification', () => {
    const mention = sampleMention()
    const classification = { ...sampleClassification(), sentiment: { label: 'angry', score: 2 }, extra: true } as never
    const viaEncode = caught(() => encodeEvent(topics.mentionsClassified, { ...mention, classification }))
    const viaShortcut = caught(() => encodeClassifiedMention(mention, classification))
    expect(viaShortcut.issues).toEqual(viaEncode.issues)
    expect(viaShortcut.code).toBe(viaEncode.code)
    expect(viaShortcut.message).toBe(viaEncode.message)
    expect(viaShortcut.message).toContain('classification.sentiment.score')
  })
})

test('paths use dots for fields and brackets for array indexes', () => {
  expect(formatPath(['classification', 'intents', 0, 'label'])).toBe('classification.intents[0].label')
  expect(formatPath([])).toBe('')
})
