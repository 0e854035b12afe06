export { backoffDelay, sleep } from './backoff.js'
export { createPollingLoop, type PollingLoop, type PollingLoopOptions } from './polling-loop.js'
export { processBatch, defaultRetryPolicy } from './batch-processor.js'
export { deadLetterHeaders, deadLetterTopicOf, readDeadLetter, toDeadLetter, type DeadLetterInfo } from './dead-letter.js'
export { BusError, ProduceError, errorCodes, type ErrorCode } from './errors.js'
export { createKafka, createKafkaBus, KafkaBus, type KafkaBusOptions } from './kafka-bus.js'
export { type BusLogger, silentLogger } from './logger.js'
export { createMemoryBus, MemoryBus, type MemoryBusOptions } from './memory-bus.js'
export { murmur2, partitionForKey } from './murmur2.js'
export type {
  Assignment, Batch, BatchContext, BatchHandler, Bus, Consumer, ConsumerOptions, FetchOptions, Headers, IncomingMessage, OutgoingMessage,
  Producer, ProducerOptions, RetryPolicy, TopicSpec,
} from './types.js'
export { type DecodedEvent, type EventBatchHandler, eventHandler } from './event-handler.js'
