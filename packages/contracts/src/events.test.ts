import { type ContractIssue } from './errors.js'
import { sampleClassification, sampleClassifiedMention, sampleMention, sampleTicketEvent } from './fixtures.js'
import { maxRawBytes } from './common.js'
import { topics } from './topics.js'
import { validateEvent } from './validate.js'

function issuesOf (topic: string, value: unknown): ContractIssue[] {
  const result = validateEvent(topic, value)
  if (result.ok) throw new Error(`expected ${topic} to reject ${JSON.stringify(value)}`)
  return result.issues
}

function without<T extends object, K extends keyof T> (value: T, key: K): Omit<T, K> {
  const { [key]: _removed, ...rest } = value
  return rest
}

describe('valid events', () => {
  test.each([
    [topics.mentions, sampleMention()],
    [topics.mentionsClassified, sampleClassifiedMention()],
    [topics.tickets, sampleTicketEvent()],
  ])('the sample %s event is accepted unchanged', (topic, event) => {
    expect(validateEvent(topic, event)).toEqual({ ok: true, value: event })
  })

  test('a mention with only the required fields is accepted', () => {
    const { url: _u, lang: _l, metrics: _m, ...minimal } = sampleMention()
    expect(validateEvent(topics.mentions, { ...minimal, author: { id: '1', handle: 'jo' } }).ok).toBe(true)
  })

  test('every platform is accepted when the id matches it', () => {
    for (const platform of ['x', 'mastodon', 'reddit', 'youtube', 'feed', 'facebook', 'instagram', 'webchat'] as const) {
      expect(validateEvent(topics.mentions, sampleMention({ platform, nativeId: 'abc-1' })).ok).toBe(true)
    }
  })

  test('timestamps may carry a numeric offset', () => {
    expect(validateEvent(topics.mentions, sampleMention({ createdAt: '2026-03-02T09:05:12.5+01:00' })).ok).toBe(true)
  })

  test('a raw payload of exactly 16 KiB is accepted', () => {
    const filler = 'a'.repeat(maxRawBytes - JSON.stringify({ body: '' }).length)
    expect(validateEvent(topics.mentions, sampleMention({ raw: { body: filler } })).ok).toBe(true)
  })

  test('the ticket snapshot keeps fields the contract does not know yet', () => {
    const event = sampleTicketEvent({ ticket: { incidentId: 'inc_1' } })
    const result = validateEvent(topics.tickets, event)
    expect(result.ok && result.value.ticket.incidentId).toBe('inc_1')
  })
})

describe('invalid mentions name the field and the reason', () => {
  test('a missing author.handle', () => {
    const mention = sampleMention()
    expect(issuesOf(topics.mentions, { ...mention, author: without(mention.author, 'handle') }))
      .toEqual([{ path: 'author.handle', message: 'expected string, received undefined' }])
  })

  test('an unknown platform', () => {
    expect(issuesOf(topics.mentions, { ...sampleMention(), platform: 'myspace' }))
      .toEqual([{ path: 'platform', message: expect.stringContaining('expected one of "x"|"mastodon"|"reddit"') }])
  })

  test('an id that is not <platform>:<nativeId>', () => {
    expect(issuesOf(topics.mentions, { ...sampleMention({ nativeId: '42' }), id: 'x:43' }))
      .toEqual([{ path: 'id', message: 'must equal "<platform>:<nativeId>" = "x:42", got "x:43"' }])
  })

  test('an id mismatch is reported together with other problems', () => {
    const mention = sampleMention({ nativeId: '42' })
    const issues = issuesOf(topics.mentions, { ...mention, id: 'reddit:42', text: 7 })
    expect(issues.map((issue) => issue.path)).toEqual(['text', 'id'])
  })

  test('an id without a known platform prefix', () => {
    expect(issuesOf(topics.mentions, { ...sampleMention(), id: '1897000000000000001' })[0])
      .toEqual({ path: 'id', message: expect.stringContaining('expected "<platform>:<nativeId>"') })
  })

  test('a raw payload over 16 KiB states the limit', () => {
    const issues = issuesOf(topics.mentions, sampleMention({ raw: { body: 'a'.repeat(maxRawBytes) } }))
    expect(issues).toEqual([{ path: 'raw', message: expect.stringContaining('the limit is 16384 bytes (16 KiB)') }])
    expect(issues[0]?.message).toMatch(/^serialises to 16395 bytes;/)
  })

  test('raw is measured in UTF-8 bytes, not characters', () => {
    const issues = issuesOf(topics.mentions, sampleMention({ raw: { body: 'é'.repeat(maxRawBytes / 2) } }))
    expect(issues[0]?.path).toBe('raw')
  })

  test('text longer than 40,000 characters', () => {
    expect(issuesOf(topics.mentions, sampleMention({ text: 'a'.repeat(40_001) })))
      .toEqual([{ path: 'text', message: expect.stringContaining('40000') }])
  })

  test('a timestamp without an offset', () => {
    expect(issuesOf(topics.mentions, sampleMention({ receivedAt: '2026-03-02T08:05:14' })))
      .toEqual([{ path: 'receivedAt', message: expect.stringContaining('ISO 8601 timestamp with a Z or ±hh:mm offset') }])
  })

  test('an unknown top-level field is rejected by name', () => {
    expect(issuesOf(topics.mentions, { ...sampleMention(), sentiment: 'angry' }))
      .toEqual([{ path: 'sentiment', message: 'unknown field: not part of the contract' }])
  })

  test('a missing or wrong schemaVersion', () => {
    expect(issuesOf(topics.mentions, without(sampleMention(), 'schemaVersion'))[0]?.path).toBe('schemaVersion')
    expect(issuesOf(topics.mentions, { ...sampleMention(), schemaVersion: 2 })[0]?.path).toBe('schemaVersion')
  })

  test('a tenant id containing ":" would make the message key ambiguous', () => {
    expect(issuesOf(topics.mentions, sampleMention({ tenantId: 'acme:rail' }))[0])
      .toEqual({ path: 'tenantId', message: expect.stringContaining('(no ":")') })
  })

  test('a non-integer follower count says what it received', () => {
    const mention = sampleMention()
    expect(issuesOf(topics.mentions, { ...mention, author: { ...mention.author, followers: 1.5 } }))
      .toEqual([{ path: 'author.followers', message: 'expected integer, received number 1.5' }])
  })

  test('a value that is not an object at all', () => {
    expect(issuesOf(topics.mentions, null)).toEqual([{ path: '', message: 'expected object, received null' }])
    expect(issuesOf(topics.mentions, [])).toEqual([{ path: '', message: 'expected object, received array' }])
  })
})

describe('invalid classified mentions', () => {
  test('an intent label outside LABELS.md, with its array index in the path', () => {
    const classification = sampleClassification({ intents: [{ label: 'complaint', confidence: 0.9 }, { label: 'rant' as 'other', confidence: 0.2 }] })
    expect(issuesOf(topics.mentionsClassified, sampleClassifiedMention({ classification })))
      .toEqual([{ path: 'classification.intents[1].label', message: expect.stringContaining('"purchase_intent"') }])
  })

  test('the same intent twice', () => {
    const classification = sampleClassification({ intents: [{ label: 'praise', confidence: 0.9 }, { label: 'praise', confidence: 0.2 }] })
    expect(issuesOf(topics.mentionsClassified, sampleClassifiedMention({ classification })))
      .toEqual([{ path: 'classification.intents[1].label', message: 'intent "praise" is listed more than once' }])
  })

  test('an urgency score above 100 and a missing flag', () => {
    const base = sampleClassification()
    const classification = { ...base, urgency: { ...base.urgency, score: 101 }, flags: without(base.flags, 'pii') }
    expect(issuesOf(topics.mentionsClassified, { ...sampleClassifiedMention(), classification }).map((issue) => issue.path))
      .toEqual(['classification.urgency.score', 'classification.flags.pii'])
  })

  test('a mention without its classification', () => {
    expect(issuesOf(topics.mentionsClassified, sampleMention()))
      .toEqual([{ path: 'classification', message: 'expected object, received undefined' }])
  })
})

describe('invalid ticket events', () => {
  test('an unknown event type', () => {
    expect(issuesOf(topics.tickets, { ...sampleTicketEvent(), type: 'ticket.deleted' }))
      .toEqual([{ path: 'type', message: expect.stringContaining('expected one of "ticket.opened"|') }])
  })

  test('a snapshot of another ticket', () => {
    expect(issuesOf(topics.tickets, sampleTicketEvent({ ticketId: 'tkt_1', ticket: { id: 'tkt_2' } })))
      .toEqual([{ path: 'ticket.id', message: 'must equal ticketId "tkt_1", got "tkt_2"' }])
  })

  test('a snapshot of another tenant', () => {
    expect(issuesOf(topics.tickets, sampleTicketEvent({ tenantId: 'acme-rail', ticket: { tenantId: 'acme-air' } })))
      .toEqual([{ path: 'ticket.tenantId', message: 'must equal tenantId "acme-rail", got "acme-air"' }])
  })

  test('a sequence below 1 and an unknown ticket status', () => {
    const event = sampleTicketEvent({ sequence: 0, ticket: { status: 'pending' as 'open' } })
    expect(issuesOf(topics.tickets, event).map((issue) => issue.path)).toEqual(['sequence', 'ticket.status'])
  })

  test('an unknown top-level field is rejected even though the snapshot is loose', () => {
    expect(issuesOf(topics.tickets, { ...sampleTicketEvent(), ticketUrl: 'https://example.test' }))
      .toEqual([{ path: 'ticketUrl', message: 'unknown field: not part of the contract' }])
  })
})
