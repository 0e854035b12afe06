export {
  maxRawBytes,
  maxTextLength,
  mentionIdPattern,
  type Platform,
  platforms,
  tenantIdPattern,
} from './common.js'
export {
  authorSchema,
  type Mention,
  type MentionAuthor,
  type MentionMetrics,
  mentionSchema,
  metricsSchema,
} from './mention.js'
export {
  type Classification,
  classificationSchema,
  type ClassifiedMention,
  classifiedMentionSchema,
  type FlagName,
  flagNames,
  type IntentLabel,
  intentLabels,
  type SentimentLabel,
  sentimentLabels,
  type UrgencyLevel,
  urgencyLevels,
} from './classified-mention.js'
export {
  type TicketEvent,
  ticketEventSchema,
  type TicketEventType,
  ticketEventTypes,
  type TicketPriority,
  ticketPriorities,
  type TicketSnapshot,
  ticketSnapshotSchema,
  type TicketStatus,
  ticketStatuses,
} from './ticket-event.js'
export {
  type AnyEvent,
  deadLetterHeaders,
  type DeadLetterTopic,
  deadLetterTopic,
  eventCatalog,
  type EventOf,
  isTopic,
  messageKey,
  messageKeyFor,
  type Topic,
  topicNames,
  topics,
} from './topics.js'
export { decodeEvent, encodeClassifiedMention, encodeEvent, parseEvent, validateEvent, type ValidationResult } from './validate.js'
export { ContractError, type ContractIssue, type ErrorCode, errorCodes } from './errors.js'
export { canonicalJson, type JsonSchema, jsonSchemaFor, jsonSchemas, type JsonValue } from './json-schema.js'
export { asyncApiDocument, jsonSchemaFormat } from './asyncapi.js'
export { type GeneratedFile, generatedFiles } from './generated-files.js'
export {
  sampleClassification,
  sampleClassifiedMention,
  sampleMention,
  sampleTicketEvent,
  type TicketEventOverrides,
} from './fixtures.js'
