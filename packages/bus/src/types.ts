export type Headers = Record<string, string>

export interface OutgoingMessage {
  /** `tenantId:conversationId` for Earshot events, so one conversation stays on one partition. */
  key: string
  value: Buffer | string
  headers?: Headers
  /** Milliseconds since the epoch; defaults to the time of sending. */
  timestamp?: number
}

export interface IncomingMessage {
  topic: string
  partition: number
  /** Decimal string, as Kafka offsets outgrow Number. */
  offset: string
  key: string | null
  value: Buffer
  headers: Headers
  timestamp: number
}

export interface Batch {
  topic: string
  partition: number
  messages: IncomingMessage[]
}

export interface BatchContext {
  /**
   * Routes one message of the batch to the topic's dead-letter twin with the reason, instead of
   * failing the batch. Dead letters are produced (and acknowledged) before the offset is committed.
   */
  deadLetter: (message: IncomingMessage, error: unknown) => void
  /** Keeps group membership alive during long work (Kafka); a no-op in memory. */
  heartbeat: () => Promise<void>
  /** Aborted when the consumer is stopping or has lost the partition: stop early, nothing is committed. */
  signal: AbortSignal
}

export type BatchHandler = (batch: Batch, context: BatchContext) => Promise<void>

export interface RetryPolicy {
  /** First delay before retrying a batch whose handler failed with a retriable error. */
  initialDelayMs: number
  /** Cap of the exponential backoff. */
  maxDelayMs: number
  /**
   * Attempts before a message that keeps failing with a retriable error is dead-lettered.
   * Infinity (the default) keeps retrying: lag grows and alerts fire, but nothing is parked.
   */
  maxAttempts: number
}

export interface ConsumerOptions {
  groupId: string
  topics: string[]
  handler: BatchHandler
  /** Where a group without a committed offset starts; default true (earliest), so nothing is missed. */
  fromBeginning?: boolean
  /** Upper bound of messages handed to the handler at once. */
  maxBatchSize?: number
  retry?: Partial<RetryPolicy>
  /** Kafka group session timeout; a member silent for this long is evicted and its partitions move. */
  sessionTimeoutMs?: number
  /** Partitions handled at the same time by one member (I/O-bound handlers); default 1. */
  partitionsConsumedConcurrently?: number
  /** How long a fetch waits for data; overrides the bus's defaults. Ignored by the memory bus. */
  fetch?: FetchOptions
}

/**
 * A fetch returns as soon as `minBytes` are waiting, or after `maxWaitMs` with whatever is there.
 * Waiting a little under load turns many small batches into a few larger ones: fewer requests,
 * transactions and commits per message, at the price of up to `maxWaitMs` more latency when quiet.
 */
export interface FetchOptions {
  minBytes?: number
  maxWaitMs?: number
}

export interface Assignment { topic: string, partition: number }

export interface Consumer {
  /** Joins the group and starts consuming; resolves once the first assignment is received. */
  start: () => Promise<void>
  /** Stops fetching, lets the in-flight batch finish and commit, then leaves the group. */
  stop: () => Promise<void>
  /** Partitions this member currently owns. */
  assignments: () => Assignment[]
  /** False after the consumer crashed for good (Kafka: non-retriable error); readiness should report it. */
  healthy: () => boolean
}

export interface ProducerOptions {
  /** How long a message may wait for others to share its request (kafkajs has no linger.ms). */
  lingerMs?: number
  /** A batch is sent as soon as it holds this many messages. */
  maxBatchMessages?: number
  /**
   * …or this many bytes (values, keys, headers and framing). No request carries more, so a larger
   * send() is split; keep it below the brokers' max.message.bytes (Kafka's default is 1 MiB).
   */
  maxBatchBytes?: number
}

export interface Producer {
  /** Resolves once the broker acknowledged every message (acks = all). */
  send: (topic: string, messages: OutgoingMessage[]) => Promise<void>
  /** Sends whatever is waiting for its linger time. */
  flush: () => Promise<void>
  close: () => Promise<void>
}

export interface TopicSpec {
  name: string
  partitions: number
  /** Create the `<name>.dlq` twin too; default true. */
  deadLetter?: boolean
  /** Broker topic configs, e.g. { 'retention.ms': '604800000' }. */
  config?: Record<string, string>
}

export interface Bus {
  readonly kind: 'kafka' | 'memory'
  ensureTopics: (topics: TopicSpec[]) => Promise<void>
  producer: (options?: ProducerOptions) => Producer
  consumer: (options: ConsumerOptions) => Consumer
  /** Readiness: resolves when the bus can reach these topics (Kafka: a broker answers their metadata). */
  checkTopics: (names: string[]) => Promise<void>
  /** Reads a whole topic from the beginning, outside any group (tests, DLQ inspection). */
  readAll: (topic: string, options?: { timeoutMs?: number }) => Promise<IncomingMessage[]>
  close: () => Promise<void>
}
