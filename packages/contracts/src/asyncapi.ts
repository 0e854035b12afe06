import { tenantIdPattern } from './common.js'
import { sampleClassifiedMention, sampleMention, sampleTicketEvent } from './fixtures.js'
import { type JsonSchema, type JsonValue, jsonSchemas } from './json-schema.js'
import { type Topic, deadLetterHeaders, deadLetterTopic, messageKeyFor, topics } from './topics.js'

export const jsonSchemaFormat = 'application/schema+json;version=draft-2020-12'
const kafkaBindingVersion = '0.5.0'

interface TopicDoc {
  topic: Topic
  /** Channel id for the topic; the DLQ twin is `<channel>DeadLetter`. */
  channel: string
  message: string
  title: string
  description: string
  example: { key: string, payload: JsonValue }
}

function toJsonValue (value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue
}

function topicDocs (): TopicDoc[] {
  const mention = sampleMention()
  const classified = sampleClassifiedMention()
  const ticketEvent = sampleTicketEvent()
  return [
    {
      topic: topics.mentions,
      channel: 'mentions',
      message: 'mention',
      title: 'Mention',
      description: 'One mention, normalised from any platform. `id` is `<platform>:<nativeId>`, the dedupe key.',
      example: { key: messageKeyFor(mention), payload: toJsonValue(mention) },
    },
    {
      topic: topics.mentionsClassified,
      channel: 'mentionsClassified',
      message: 'classifiedMention',
      title: 'Classified mention',
      description: 'A mentions.v1 mention plus `classification`: sentiment, intents, urgency, language and flags.',
      example: { key: messageKeyFor(classified), payload: toJsonValue(classified) },
    },
    {
      topic: topics.tickets,
      channel: 'tickets',
      message: 'ticketEvent',
      title: 'Ticket event',
      description: 'A change to a ticket with the full snapshot after it. `sequence` increases per ticket; ' +
        'consumers may see an event twice and dedupe by `eventId`.',
      example: { key: messageKeyFor(ticketEvent), payload: toJsonValue(ticketEvent) },
    },
  ]
}

const messageKeySchema: JsonSchema = {
  type: 'string',
  pattern: `^${tenantIdPattern.source.slice(1, -1)}:.+$`,
  description: '`<tenantId>:<conversationId>` (for tickets.v1 the ticket\'s conversationId), so one conversation ' +
    'lands on one partition and is handled in order by one consumer. tenantId never contains ":".',
}

const deadLetterHeaderDescriptions: Record<keyof typeof deadLetterHeaders, string> = {
  error: 'Human-readable reason the message could not be processed.',
  errorCode: 'Stable error code, e.g. CONTRACT_ERR_INVALID_EVENT.',
  topic: 'Topic the message was consumed from.',
  partition: 'Partition it was consumed from (decimal).',
  offset: 'Offset it had there (decimal).',
  consumerGroup: 'Consumer group that gave up on it.',
  failedAt: 'When it was dead-lettered (ISO 8601).',
}

function deadLetterHeadersSchema (): JsonSchema {
  const names = Object.keys(deadLetterHeaders) as Array<keyof typeof deadLetterHeaders>
  return {
    type: 'object',
    description: 'Kafka headers (UTF-8 strings) added when a message is dead-lettered; the original key and value are kept byte for byte.',
    properties: Object.fromEntries(names.map((name) => [deadLetterHeaders[name], { type: 'string', description: deadLetterHeaderDescriptions[name] }])),
    required: names.map((name) => deadLetterHeaders[name]),
  }
}

function kafkaKeyBinding (): JsonSchema {
  return { kafka: { key: messageKeySchema, bindingVersion: kafkaBindingVersion } }
}

function ref (pointer: string): JsonSchema {
  return { $ref: pointer }
}

interface OperationDoc {
  id: string
  action: 'send' | 'receive'
  channel: string
  message: string
  summary: string
  service: string
}

const deadLetterSummary = 'Dead-letters a message it cannot process (invalid contract, poison data) and commits its offset.'

function operationDocs (): OperationDoc[] {
  return [
    { id: 'ingestSendsMentions', action: 'send', channel: 'mentions', message: 'mention', service: 'ingest', summary: 'Each ingest-* service publishes normalised mentions (idempotent producer, acks=all) before moving its checkpoint.' },
    { id: 'classifierReceivesMentions', action: 'receive', channel: 'mentions', message: 'mention', service: 'classifier', summary: 'The classifier consumes mentions, classifies them deterministically, produces, then commits.' },
    { id: 'classifierDeadLettersMentions', action: 'send', channel: 'mentionsDeadLetter', message: 'mentionDeadLetter', service: 'classifier', summary: deadLetterSummary },
    { id: 'classifierSendsClassifiedMentions', action: 'send', channel: 'mentionsClassified', message: 'classifiedMention', service: 'classifier', summary: 'The classifier publishes each mention with its classification.' },
    { id: 'routerReceivesClassifiedMentions', action: 'receive', channel: 'mentionsClassified', message: 'classifiedMention', service: 'router', summary: 'The router triages classified mentions into tickets in one PostgreSQL transaction, then commits.' },
    { id: 'routerDeadLettersClassifiedMentions', action: 'send', channel: 'mentionsClassifiedDeadLetter', message: 'classifiedMentionDeadLetter', service: 'router', summary: deadLetterSummary },
    { id: 'outboxRelaySendsTicketEvents', action: 'send', channel: 'tickets', message: 'ticketEvent', service: 'router', summary: "The router's outbox relay publishes ticket events in order per ticket and marks them sent." },
    { id: 'apiReceivesTicketEvents', action: 'receive', channel: 'tickets', message: 'ticketEvent', service: 'api', summary: 'The api feeds ticket events to SSE clients and signed outbound webhooks, deduping by eventId.' },
    { id: 'apiDeadLettersTicketEvents', action: 'send', channel: 'ticketsDeadLetter', message: 'ticketEventDeadLetter', service: 'api', summary: deadLetterSummary },
  ]
}

/** The AsyncAPI 3.0.0 document for every topic and its dead-letter twin. Pure: the generate script writes it. */
export function asyncApiDocument (): JsonSchema {
  const schemas = jsonSchemas()
  const channels: JsonSchema = {}
  const messages: JsonSchema = {}
  const componentSchemas: JsonSchema = {}

  for (const doc of topicDocs()) {
    const deadLetterChannel = `${doc.channel}DeadLetter`
    const deadLetterMessage = `${doc.message}DeadLetter`
    componentSchemas[doc.topic] = { schemaFormat: jsonSchemaFormat, schema: schemas[doc.topic] }

    channels[doc.channel] = {
      address: doc.topic,
      title: doc.topic,
      description: `${doc.description} Validated against @earshot/contracts by producers before sending and by consumers on receipt.`,
      messages: { [doc.message]: ref(`#/components/messages/${doc.message}`) },
    }
    channels[deadLetterChannel] = {
      address: deadLetterTopic(doc.topic),
      title: deadLetterTopic(doc.topic),
      description: `Dead-letter twin of ${doc.topic}: messages its consumers could not process, with the reason and origin in headers.`,
      messages: { [deadLetterMessage]: ref(`#/components/messages/${deadLetterMessage}`) },
    }

    messages[doc.message] = {
      name: doc.message,
      title: doc.title,
      summary: doc.description,
      contentType: 'application/json',
      payload: ref(`#/components/schemas/${doc.topic}`),
      bindings: kafkaKeyBinding(),
      examples: [{ name: 'sample', summary: `Message key: ${doc.example.key}`, payload: doc.example.payload }],
    }
    messages[deadLetterMessage] = {
      name: deadLetterMessage,
      title: `${doc.title} (dead-lettered)`,
      summary: `The original ${doc.topic} message, key and value unchanged. The value is meant to be a ${doc.topic} event ` +
        'but may be malformed or invalid: that is often why it is here.',
      contentType: 'application/json',
      headers: ref('#/components/schemas/deadLetterHeaders'),
      payload: ref(`#/components/schemas/${doc.topic}`),
      bindings: kafkaKeyBinding(),
    }
  }
  componentSchemas.deadLetterHeaders = deadLetterHeadersSchema()

  const operations: JsonSchema = {}
  for (const op of operationDocs()) {
    operations[op.id] = {
      action: op.action,
      channel: ref(`#/channels/${op.channel}`),
      messages: [ref(`#/channels/${op.channel}/messages/${op.message}`)],
      summary: op.summary,
      tags: [{ name: op.service }],
    }
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Earshot events',
      version: '1.0.0',
      description: 'Kafka topics of Earshot, the social-listening triage system. Events are JSON, schema version 1, ' +
        'validated with @earshot/contracts. Every message is keyed by `<tenantId>:<conversationId>`. Every topic has a ' +
        'dead-letter twin `<topic>.dlq`. A breaking change is a new topic version (`.v2`) published beside the old one. ' +
        'Generated by `npm run generate`; do not edit by hand.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { schemas: componentSchemas, messages },
  }
}
