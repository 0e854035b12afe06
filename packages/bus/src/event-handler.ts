import { decodeEvent, type EventOf, type Topic } from '@earshot/contracts'
import type { BatchContext, BatchHandler, IncomingMessage } from './types.js'

export interface DecodedEvent<T extends Topic> {
  event: EventOf<T>
  message: IncomingMessage
}

export type EventBatchHandler<T extends Topic> = (events: Array<DecodedEvent<T>>, context: BatchContext) => Promise<void>

/**
 * Validates every message against its topic's contract at the edge: malformed JSON and
 * schema-invalid events go to the dead-letter topic with the precise reason (path: reason),
 * and the handler receives typed events only.
 */
export function eventHandler<T extends Topic> (topic: T, handle: EventBatchHandler<T>): BatchHandler {
  return async (batch, context) => {
    const events: Array<DecodedEvent<T>> = []
    for (const message of batch.messages) {
      try {
        events.push({ event: decodeEvent(topic, message.value), message })
      } catch (err) {
        context.deadLetter(message, err)
      }
    }
    if (events.length > 0) await handle(events, context)
  }
}
