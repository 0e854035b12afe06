import { AppError } from '@earshot/errors'
import { processBatch, type BatchProcessorOptions } from './batch-processor.js'
import { readDeadLetter } from './dead-letter.js'
import { silentLogger } from './logger.js'
import type { Batch, BatchHandler, OutgoingMessage } from './types.js'

function batchOf (values: string[]): Batch {
  return {
    topic: 'mentions.v1',
    partition: 3,
    messages: values.map((value, i) => ({
      topic: 'mentions.v1', partition: 3, offset: String(100 + i), key: 't:c', value: Buffer.from(value), headers: {}, timestamp: 0,
    })),
  }
}

function options (handler: BatchHandler, letters: OutgoingMessage[] = []): BatchProcessorOptions {
  return {
    groupId: 'router',
    handler,
    retry: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: Infinity },
    produceDeadLetters: async (_topic, messages) => { letters.push(...messages) },
    heartbeat: async () => {},
    logger: silentLogger,
  }
}

test('a successful batch completes up to its last offset', async () => {
  const outcome = await processBatch(batchOf(['a', 'b']), options(async () => {}), new AbortController().signal)
  expect(outcome.lastDone).toBe('101')
})

test('poison in a batch is isolated: the others are handled once more, alone, and only it is dead-lettered', async () => {
  const handled: string[] = []
  const letters: OutgoingMessage[] = []
  const outcome = await processBatch(batchOf(['a', 'poison', 'c']), options(async (batch) => {
    for (const m of batch.messages) {
      if (m.value.toString() === 'poison') throw new AppError('TEST_ERR_POISON', 'cannot parse')
      handled.push(m.value.toString())
    }
  }, letters), new AbortController().signal)
  expect(outcome.lastDone).toBe('102')
  expect(handled).toEqual(['a', 'a', 'c'])
  expect(letters).toHaveLength(1)
  expect(readDeadLetter(letters[0]!)).toMatchObject({ errorCode: 'TEST_ERR_POISON', error: 'cannot parse', offset: '101', partition: 3, consumerGroup: 'router' })
})

test('retriable failures retry the whole batch until it succeeds', async () => {
  let calls = 0
  const outcome = await processBatch(batchOf(['a']), options(async () => {
    if (++calls < 4) throw new AppError('TEST_ERR_DOWN', 'down', { retriable: true })
  }), new AbortController().signal)
  expect(calls).toBe(4)
  expect(outcome.lastDone).toBe('100')
})

test('a message that keeps failing is dead-lettered after maxAttempts', async () => {
  const letters: OutgoingMessage[] = []
  const opts = options(async () => { throw new AppError('TEST_ERR_DOWN', 'still down', { retriable: true }) }, letters)
  opts.retry.maxAttempts = 3
  const outcome = await processBatch(batchOf(['a', 'b']), opts, new AbortController().signal)
  expect(outcome.lastDone).toBe('101')
  expect(letters.map((l) => readDeadLetter(l).offset)).toEqual(['100', '101'])
})

test('abort during retries completes nothing, so the batch is redelivered', async () => {
  const abort = new AbortController()
  const outcome = await processBatch(batchOf(['a']), options(async () => {
    abort.abort()
    throw new AppError('TEST_ERR_DOWN', 'down', { retriable: true })
  }), abort.signal)
  expect(outcome.lastDone).toBeUndefined()
})

test('explicit dead letters are produced before the batch counts as done', async () => {
  const letters: OutgoingMessage[] = []
  const outcome = await processBatch(batchOf(['a', 'b']), options(async (batch, context) => {
    context.deadLetter(batch.messages[1]!, new AppError('CONTRACT_ERR_INVALID_EVENT', 'author.handle: required'))
  }, letters), new AbortController().signal)
  expect(outcome.lastDone).toBe('101')
  expect(readDeadLetter(letters[0]!).error).toBe('author.handle: required')
})
