import { isRetriable } from '@earshot/errors'
import { backoffDelay, sleep } from './backoff.js'
import { toDeadLetter } from './dead-letter.js'
import type { BusLogger } from './logger.js'
import type { Batch, BatchHandler, IncomingMessage, OutgoingMessage, RetryPolicy } from './types.js'

export const defaultRetryPolicy: RetryPolicy = { initialDelayMs: 100, maxDelayMs: 30_000, maxAttempts: Infinity }

export interface BatchProcessorOptions {
  groupId: string
  handler: BatchHandler
  retry: RetryPolicy
  /** Produces dead letters to the DLQ twin of `topic`; resolves once the broker acknowledged. */
  produceDeadLetters: (topic: string, messages: OutgoingMessage[]) => Promise<void>
  heartbeat: () => Promise<void>
  /** False once the partition was taken away (Kafka rebalance): stop retrying, commit nothing more. */
  stillOwned?: () => boolean
  logger: BusLogger
}

export interface BatchOutcome {
  /** Offset of the last message fully dealt with (handled or dead-lettered); commit up to it. */
  lastDone: string | undefined
}

/**
 * The consume semantics both adapters share, so the memory bus behaves as Kafka does:
 * - the handler sees the batch; success (plus its explicit dead letters) completes the batch;
 * - a retriable failure retries the batch with backoff, heartbeating, until the signal aborts;
 * - a non-retriable failure (poison) re-runs the batch one message at a time, so only the
 *   messages that fail on their own reach the DLQ with their reason, and the rest are handled;
 * - abort (stop, lost partition) returns what was completed; the rest is redelivered.
 */
export async function processBatch (batch: Batch, options: BatchProcessorOptions, signal: AbortSignal): Promise<BatchOutcome> {
  const last = batch.messages.at(-1)
  if (last === undefined) return { lastDone: undefined }
  const whole = await attempt(batch, options, signal, batch.messages.length === 1)
  if (whole === 'done') return { lastDone: last.offset }
  if (whole === 'aborted') return { lastDone: undefined }

  let lastDone: string | undefined
  for (const message of batch.messages) {
    const single = await attempt({ ...batch, messages: [message] }, options, signal, true)
    if (single === 'aborted') return { lastDone }
    lastDone = message.offset
  }
  return { lastDone }
}

type AttemptResult = 'done' | 'aborted' | 'poison'

/** With `final`, a message that cannot be handled is dead-lettered instead of reported as poison. */
async function attempt (batch: Batch, options: BatchProcessorOptions, signal: AbortSignal, final: boolean): Promise<AttemptResult> {
  const { handler, retry, logger, groupId } = options
  for (let attempts = 1; ; attempts++) {
    if (signal.aborted || options.stillOwned?.() === false) return 'aborted'
    const deadLetters: OutgoingMessage[] = []
    const context = {
      signal,
      heartbeat: options.heartbeat,
      deadLetter: (message: IncomingMessage, error: unknown) => { deadLetters.push(toDeadLetter(message, error, groupId)) },
    }
    let failure: unknown
    try {
      await handler(batch, context)
    } catch (err) {
      failure = err
    }
    if (failure === undefined) {
      return await deliverDeadLetters(batch.topic, deadLetters, options, signal) ? 'done' : 'aborted'
    }
    const retriable = isRetriable(failure)
    const exhausted = attempts >= retry.maxAttempts
    if (!retriable || exhausted) {
      if (!final) return 'poison'
      const [message] = batch.messages
      if (message === undefined) return 'done'
      logger.warn({ err: failure, topic: message.topic, partition: message.partition, offset: message.offset, groupId, attempts },
        retriable ? 'dead-lettering a message that kept failing' : 'dead-lettering a message that cannot be processed')
      return await deliverDeadLetters(batch.topic, [toDeadLetter(message, failure, groupId)], options, signal) ? 'done' : 'aborted'
    }
    const delay = backoffDelay(attempts, retry.initialDelayMs, retry.maxDelayMs)
    logger.warn({ err: failure, topic: batch.topic, partition: batch.partition, groupId, attempts, delayMs: delay },
      'handler failed with a retriable error; retrying the batch')
    await sleep(delay, signal)
    await options.heartbeat().catch(() => {})
  }
}

async function deliverDeadLetters (topic: string, messages: OutgoingMessage[], options: BatchProcessorOptions, signal: AbortSignal): Promise<boolean> {
  if (messages.length === 0) return true
  for (let attempts = 1; ; attempts++) {
    try {
      await options.produceDeadLetters(topic, messages)
      return true
    } catch (err) {
      if (signal.aborted) return false
      const delay = backoffDelay(attempts, options.retry.initialDelayMs, options.retry.maxDelayMs)
      options.logger.error({ err, topic, count: messages.length, delayMs: delay }, 'could not produce dead letters; retrying')
      await sleep(delay, signal)
    }
  }
}
