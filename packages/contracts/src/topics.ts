import { type z } from 'zod'
import { classifiedMentionSchema } from './classified-mention.js'
import { mentionSchema } from './mention.js'
import { ticketEventSchema } from './ticket-event.js'

export const topics = {
  mentions: 'mentions.v1',
  mentionsClassified: 'mentions.classified.v1',
  tickets: 'tickets.v1',
} as const

export type Topic = typeof topics[keyof typeof topics]
export type DeadLetterTopic<T extends string = Topic> = `${T}.dlq`

export const topicNames: readonly Topic[] = Object.values(topics)

export function isTopic (name: string): name is Topic {
  return (topicNames as readonly string[]).includes(name)
}

export function deadLetterTopic<T extends string> (topic: T): DeadLetterTopic<T> {
  return `${topic}.dlq`
}

/** Every message is keyed by `<tenantId>:<conversationId>`, so one conversation is handled in order by one consumer. */
export function messageKey (tenantId: string, conversationId: string): string {
  return `${tenantId}:${conversationId}`
}

/**
 * Headers a dead-lettered message carries beside its original key and value (bytes unchanged),
 * so it can be inspected and replayed to its original topic.
 */
export const deadLetterHeaders = {
  error: 'earshot.dlq.error',
  errorCode: 'earshot.dlq.error-code',
  topic: 'earshot.dlq.topic',
  partition: 'earshot.dlq.partition',
  offset: 'earshot.dlq.offset',
  consumerGroup: 'earshot.dlq.consumer-group',
  failedAt: 'earshot.dlq.failed-at',
} as const

/** The schema for each topic, so producers and consumers validate by topic name. */
export const eventCatalog = {
  [topics.mentions]: mentionSchema,
  [topics.mentionsClassified]: classifiedMentionSchema,
  [topics.tickets]: ticketEventSchema,
} as const satisfies Record<Topic, z.ZodType>

export type EventOf<T extends Topic> = z.infer<typeof eventCatalog[T]>
export type AnyEvent = EventOf<Topic>

/** The message key of any event; for tickets.v1 the conversation is the ticket's. */
export function messageKeyFor (event: AnyEvent): string {
  if ('ticket' in event) return messageKey(event.tenantId, event.ticket.conversationId)
  return messageKey(event.tenantId, event.conversationId)
}
