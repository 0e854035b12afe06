import { deadLetterHeaders, deadLetterTopic } from '@earshot/contracts'
import { errorCode, errorMessage } from '@earshot/errors'
import type { Headers, IncomingMessage, OutgoingMessage } from './types.js'

// The DLQ topic name and header names are part of the published contract (asyncapi.json).
export { deadLetterHeaders }

export function deadLetterTopicOf (topic: string): string {
  return deadLetterTopic(topic)
}

const MAX_REASON_LENGTH = 2000

export function toDeadLetter (message: IncomingMessage, error: unknown, groupId: string, now = new Date()): OutgoingMessage {
  const reason = errorMessage(error)
  const headers: Headers = {
    ...message.headers,
    [deadLetterHeaders.error]: reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH)}…` : reason,
    [deadLetterHeaders.errorCode]: errorCode(error),
    [deadLetterHeaders.topic]: message.topic,
    [deadLetterHeaders.partition]: String(message.partition),
    [deadLetterHeaders.offset]: message.offset,
    [deadLetterHeaders.consumerGroup]: groupId,
    [deadLetterHeaders.failedAt]: now.toISOString(),
  }
  return { key: message.key ?? '', value: message.value, headers, timestamp: message.timestamp }
}

export interface DeadLetterInfo {
  error: string
  errorCode: string
  topic: string
  partition: number
  offset: string
  consumerGroup: string
  failedAt: string
}

/** Reads the reason and origin back from a dead letter (DLQ inspection, replay, tests). */
export function readDeadLetter (message: { headers?: Headers }): DeadLetterInfo {
  const h = message.headers ?? {}
  return {
    error: h[deadLetterHeaders.error] ?? '',
    errorCode: h[deadLetterHeaders.errorCode] ?? '',
    topic: h[deadLetterHeaders.topic] ?? '',
    partition: Number(h[deadLetterHeaders.partition] ?? -1),
    offset: h[deadLetterHeaders.offset] ?? '',
    consumerGroup: h[deadLetterHeaders.consumerGroup] ?? '',
    failedAt: h[deadLetterHeaders.failedAt] ?? '',
  }
}
