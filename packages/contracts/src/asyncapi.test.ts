import { asyncApiDocument, jsonSchemaFormat } from './asyncapi.js'
import { type JsonSchema, type JsonValue, jsonSchemas } from './json-schema.js'
import { deadLetterHeaders } from './topics.js'

const doc = asyncApiDocument()

function isObject (value: JsonValue | undefined): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function resolve (pointer: string): JsonValue | undefined {
  if (!pointer.startsWith('#/')) throw new Error(`not a local reference: ${pointer}`)
  return pointer.slice(2).split('/').reduce<JsonValue | undefined>((node, key) => (isObject(node) ? node[key] : undefined), doc)
}

function section (name: 'channels' | 'operations'): Record<string, JsonSchema> {
  return doc[name] as Record<string, JsonSchema>
}

function refsIn (value: JsonValue): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn)
  if (!isObject(value)) return []
  return Object.entries(value).flatMap(([key, child]) => (key === '$ref' && typeof child === 'string' ? [child] : refsIn(child)))
}

test('is an AsyncAPI 3.0.0 document', () => {
  expect(doc.asyncapi).toBe('3.0.0')
  expect(doc.defaultContentType).toBe('application/json')
  expect(isObject(doc.info) && doc.info.title).toBe('Earshot events')
})

test('has a channel for each topic and its dead-letter twin, addressed by topic name', () => {
  const addresses = Object.values(section('channels')).map((channel) => channel.address)
  expect(addresses.sort()).toEqual([
    'mentions.classified.v1', 'mentions.classified.v1.dlq', 'mentions.v1', 'mentions.v1.dlq', 'tickets.v1', 'tickets.v1.dlq',
  ])
})

test('every $ref resolves inside the document', () => {
  const refs = refsIn(doc)
  expect(refs.length).toBeGreaterThan(20)
  for (const ref of refs) expect([ref, resolve(ref)]).toEqual([ref, expect.anything()])
})

test('component keys match the pattern AsyncAPI requires', () => {
  for (const group of Object.values(doc.components as JsonSchema)) {
    for (const key of Object.keys(group as JsonSchema)) expect(key).toMatch(/^[\w.-]+$/)
  }
})

test('event payloads are the JSON Schemas, inlined as draft 2020-12 multi-format schemas', () => {
  const schemas = jsonSchemas()
  for (const [topic, schema] of Object.entries(schemas)) {
    expect(resolve(`#/components/schemas/${topic}`)).toEqual({ schemaFormat: jsonSchemaFormat, schema })
  }
  expect(resolve('#/components/messages/mention/payload')).toEqual({ $ref: '#/components/schemas/mentions.v1' })
})

test('every message documents the tenantId:conversationId key through its Kafka binding', () => {
  const messages = resolve('#/components/messages') as JsonSchema
  expect(Object.keys(messages)).toHaveLength(6)
  for (const message of Object.values(messages)) {
    expect(message).toMatchObject({ bindings: { kafka: { bindingVersion: '0.5.0', key: { type: 'string', description: expect.stringContaining('<tenantId>:<conversationId>') } } } })
  }
})

test('dead-letter messages carry the earshot.dlq.* headers', () => {
  expect(resolve('#/components/messages/ticketEventDeadLetter/headers')).toEqual({ $ref: '#/components/schemas/deadLetterHeaders' })
  const headers = resolve('#/components/schemas/deadLetterHeaders') as JsonSchema
  expect(headers.required).toEqual([
    'earshot.dlq.error', 'earshot.dlq.error-code', 'earshot.dlq.topic', 'earshot.dlq.partition',
    'earshot.dlq.offset', 'earshot.dlq.consumer-group', 'earshot.dlq.failed-at',
  ])
  expect(Object.keys(headers.properties as JsonSchema).sort()).toEqual(Object.values(deadLetterHeaders).sort())
})

test('operations say who sends and receives each topic, with messages from their own channel', () => {
  const summary = Object.entries(section('operations')).map(([id, op]) => {
    const channelRef = (op.channel as JsonSchema).$ref as string
    for (const message of op.messages as JsonSchema[]) expect(message.$ref).toMatch(new RegExp(`^${channelRef}/messages/`))
    return `${id} ${String(op.action)} ${String((resolve(channelRef) as JsonSchema).address)}`
  })
  expect(summary).toEqual([
    'ingestSendsMentions send mentions.v1',
    'classifierReceivesMentions receive mentions.v1',
    'classifierDeadLettersMentions send mentions.v1.dlq',
    'classifierSendsClassifiedMentions send mentions.classified.v1',
    'routerReceivesClassifiedMentions receive mentions.classified.v1',
    'routerDeadLettersClassifiedMentions send mentions.classified.v1.dlq',
    'outboxRelaySendsTicketEvents send tickets.v1',
    'apiReceivesTicketEvents receive tickets.v1',
    'apiDeadLettersTicketEvents send tickets.v1.dlq',
  ])
})

test('generation is deterministic', () => {
  expect(JSON.stringify(asyncApiDocument())).toBe(JSON.stringify(doc))
})
