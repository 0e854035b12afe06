import { type JsonSchema, canonicalJson, jsonSchemaDialect, jsonSchemas } from './json-schema.js'
import { flagNames, intentLabels } from './classified-mention.js'
import { platforms } from './common.js'
import { ticketEventTypes } from './ticket-event.js'

const schemas = jsonSchemas()

function at (schema: JsonSchema, ...path: string[]): JsonSchema {
  return path.reduce<JsonSchema>((node, key) => {
    const next = node[key]
    if (typeof next !== 'object' || next === null || Array.isArray(next)) throw new Error(`no object at ${path.join('.')}`)
    return next
  }, schema)
}

test('there is one draft 2020-12 schema per topic, titled with the topic', () => {
  expect(Object.keys(schemas)).toEqual(['mentions.v1', 'mentions.classified.v1', 'tickets.v1'])
  for (const [topic, schema] of Object.entries(schemas)) {
    expect(schema.$schema).toBe(jsonSchemaDialect)
    expect(schema.title).toBe(topic)
  }
})

test('the mention schema lists its required fields, platforms and forbids unknown keys', () => {
  const mention = schemas['mentions.v1']
  expect(mention.required).toEqual(['schemaVersion', 'id', 'tenantId', 'sourceId', 'platform', 'nativeId', 'conversationId',
    'author', 'text', 'createdAt', 'receivedAt'])
  expect(mention.additionalProperties).toBe(false)
  expect(at(mention, 'properties', 'platform').enum).toEqual([...platforms])
  expect(at(mention, 'properties', 'author').required).toEqual(['id', 'handle'])
  expect(at(mention, 'properties', 'schemaVersion').const).toBe(1)
  expect(at(mention, 'properties', 'createdAt').format).toBe('date-time')
  expect(at(mention, 'properties', 'text').maxLength).toBe(40_000)
  expect(at(mention, 'properties', 'raw').description).toContain('16384 bytes (16 KiB)')
})

test('the classified schema adds the classification with the LABELS.md labels', () => {
  const classified = schemas['mentions.classified.v1']
  expect(classified.required).toContain('classification')
  const classification = at(classified, 'properties', 'classification')
  expect(at(classification, 'properties', 'intents', 'items', 'properties', 'label').enum).toEqual([...intentLabels])
  expect(at(classification, 'properties', 'sentiment', 'properties', 'label').enum).toEqual(['positive', 'neutral', 'negative'])
  expect(at(classification, 'properties', 'urgency', 'properties', 'level').enum).toEqual(['low', 'normal', 'high', 'critical'])
  expect(at(classification, 'properties', 'flags').required).toEqual([...flagNames])
})

test('the ticket event schema is strict outside and loose inside the snapshot', () => {
  const tickets = schemas['tickets.v1']
  expect(tickets.required).toEqual(['schemaVersion', 'eventId', 'type', 'tenantId', 'ticketId', 'sequence', 'occurredAt', 'ticket'])
  expect(tickets.additionalProperties).toBe(false)
  expect(at(tickets, 'properties', 'type').enum).toEqual([...ticketEventTypes])
  const ticket = at(tickets, 'properties', 'ticket')
  expect(ticket.additionalProperties).toEqual({})
  expect(ticket.required).toEqual(['id', 'tenantId', 'conversationId', 'status', 'priority', 'platform', 'mentionIds', 'tags', 'createdAt', 'updatedAt'])
  expect(at(ticket, 'properties', 'status').enum).toEqual(['open', 'acknowledged', 'escalated', 'snoozed', 'resolved', 'closed'])
})

test('schemas are self-contained, so they can be inlined in the AsyncAPI document', () => {
  for (const schema of Object.values(schemas)) {
    expect(JSON.stringify(schema)).not.toMatch(/"\$(ref|defs)"/)
  }
})

test('canonical JSON sorts keys at every depth, keeps array order and ends with a newline', () => {
  expect(canonicalJson({ b: 1, a: { d: [3, 1], c: null } })).toBe('{\n  "a": {\n    "c": null,\n    "d": [\n      3,\n      1\n    ]\n  },\n  "b": 1\n}\n')
})
