import { randomBytes } from 'node:crypto'
// Before kafkajs: replaces its quadratic grouping of a send's messages (see the file).
import './kafkajs-grouping.js'
import {
  type Admin, type Consumer as KafkaJsConsumer, type EachBatchPayload, Kafka, type KafkaConfig, type LogEntry,
  logLevel as KafkaLogLevel, type Producer as KafkaJsProducer,
} from 'kafkajs'
import { isRetriable } from '@earshot/errors'
import { backoffDelay, sleep } from './backoff.js'
import { processBatch, defaultRetryPolicy } from './batch-processor.js'
import { deadLetterTopicOf } from './dead-letter.js'
import { BusError, ProduceError } from './errors.js'
import { createKeyPartitioner } from './murmur2.js'
import { type BusLogger, silentLogger } from './logger.js'
import type {
  Assignment, Bus, Consumer, ConsumerOptions, FetchOptions, Headers, IncomingMessage, OutgoingMessage, Producer, ProducerOptions, RetryPolicy, TopicSpec,
} from './types.js'

export interface KafkaBusOptions {
  brokers: string[]
  clientId: string
  logger?: BusLogger
  /** kafkajs's own log level; its info level is chatty, so warnings by default. */
  kafkaLogLevel?: 'error' | 'warn' | 'info' | 'debug'
  connectionTimeoutMs?: number
  requestTimeoutMs?: number
  /** Defaults for producers made by this bus (and the one that writes dead letters). */
  producer?: ProducerOptions
  /** Defaults for consumers made by this bus (`fetchDefaults` where unset). */
  fetch?: FetchOptions
}

/**
 * 64 KiB is about 30–60 mentions. At 1,000 mentions/s this cut the pipeline's requests, transactions and
 * commits enough to lower its latency by about 15–20% on a saturated 2-core machine (`npm run bench -- e2e`,
 * interleaved runs), for at most 40 ms more per hop when traffic is light.
 */
export const fetchDefaults: Required<FetchOptions> = { minBytes: 64 * 1024, maxWaitMs: 40 }

const levels = { error: KafkaLogLevel.ERROR, warn: KafkaLogLevel.WARN, info: KafkaLogLevel.INFO, debug: KafkaLogLevel.DEBUG }

/** kafkajs with house defaults; its logs go to our logger instead of the console. */
export function createKafka (options: KafkaBusOptions): Kafka {
  const logger = options.logger ?? silentLogger
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    logLevel: levels[options.kafkaLogLevel ?? 'warn'],
    retry: { initialRetryTime: 100, maxRetryTime: 10_000, retries: 8 },
    logCreator: () => ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _logger, ...extra } = log
      const entry = { component: 'kafkajs', namespace, ...extra }
      if (level === KafkaLogLevel.ERROR) logger.error(entry, message)
      else if (level === KafkaLogLevel.WARN) logger.warn(entry, message)
      else if (level === KafkaLogLevel.INFO) logger.info(entry, message)
      else logger.debug(entry, message)
    },
  }
  return new Kafka(config)
}

/** One send()'s messages, or a slice of them when the send was split; `send` is shared by the slices. */
interface Pending {
  topic: string
  messages: OutgoingMessage[]
  bytes: number
  send: { failed: Error | undefined }
  resolve: () => void
  reject: (err: Error) => void
}

// maxBatchBytes stays below Kafka's default max.message.bytes (1 MiB + 12), the limit on one
// partition's record batch within a request.
const producerDefaults: Required<ProducerOptions> = { lingerMs: 5, maxBatchMessages: 1000, maxBatchBytes: 1_000_000 }

/** A record's size on the wire, roughly: value, key, headers and ~30 bytes of framing. */
function recordBytes (message: OutgoingMessage): number {
  let bytes = 30 + Buffer.byteLength(message.key) + (typeof message.value === 'string' ? Buffer.byteLength(message.value) : message.value.length)
  if (message.headers !== undefined) for (const name in message.headers) bytes += name.length + Buffer.byteLength(message.headers[name] as string) + 2
  return bytes
}

/**
 * Splits one send into slices of at most `maxBytes` (a single larger message is a slice of its
 * own, for the broker to accept or refuse), keeping their order.
 */
function sliceByBytes (messages: readonly OutgoingMessage[], maxBytes: number): Array<{ messages: OutgoingMessage[], bytes: number }> {
  const slices: Array<{ messages: OutgoingMessage[], bytes: number }> = []
  let current: { messages: OutgoingMessage[], bytes: number } = { messages: [], bytes: 0 }
  for (const message of messages) {
    const bytes = recordBytes(message)
    if (current.messages.length > 0 && current.bytes + bytes > maxBytes) {
      slices.push(current)
      current = { messages: [], bytes: 0 }
    }
    current.messages.push(message)
    current.bytes += bytes
  }
  if (current.messages.length > 0) slices.push(current)
  return slices
}

/**
 * kafkajs sends one request per `send()` and has no linger.ms: this collects messages for up to
 * `lingerMs` (or until a batch is full) and sends them as one `sendBatch` of at most
 * `maxBatchBytes`. A larger send is split: kafkajs puts all of a request's records for one
 * partition in one record batch, which a broker with the default max.message.bytes refuses above
 * 1 MiB, and a consumer's fetch returns such an oversized batch only for the first partition it
 * reads, so readers would take one partition at a time. The producer is
 * idempotent with acks = all and one request in flight (kafkajs#598: more in flight with
 * idempotence yields OUT_OF_ORDER_SEQUENCE_NUMBER), so throughput comes from batch size.
 */
class BatchingProducer implements Producer {
  private producer: KafkaJsProducer
  private readonly options: Required<ProducerOptions>
  private pending: Pending[] = []
  private pendingMessages = 0
  private pendingBytes = 0
  private timer: NodeJS.Timeout | undefined
  private sending: Promise<void> | undefined
  private connecting: Promise<void> | undefined
  private closed = false

  constructor (private readonly kafka: Kafka, options: ProducerOptions = {}) {
    this.options = { ...producerDefaults, ...options }
    this.producer = this.newProducer()
  }

  private newProducer (): KafkaJsProducer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: createKeyPartitioner,
    })
  }

  async send (topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new BusError('BUS_ERR_CLOSED', 'the producer is closed')
    if (messages.length === 0) return
    for (const message of messages) {
      if (typeof message.key !== 'string') throw new BusError('BUS_ERR_INVALID_MESSAGE', `messages to ${topic} need a string key`)
    }
    const send: Pending['send'] = { failed: undefined }
    const sent = sliceByBytes(messages, this.options.maxBatchBytes).map(async (slice) => {
      await new Promise<void>((resolve, reject) => {
        this.pending.push({ topic, messages: slice.messages, bytes: slice.bytes, send, resolve, reject })
        this.pendingMessages += slice.messages.length
        this.pendingBytes += slice.bytes
      })
    })
    if (this.pendingMessages >= this.options.maxBatchMessages || this.pendingBytes >= this.options.maxBatchBytes) this.kick()
    else this.timer ??= setTimeout(() => this.kick(), this.options.lingerMs)
    await Promise.all(sent)
  }

  async flush (): Promise<void> {
    this.kick()
    while (this.sending !== undefined) await this.sending
  }

  async close (): Promise<void> {
    if (this.closed) return
    await this.flush()
    this.closed = true
    if (this.connecting !== undefined) await this.producer.disconnect()
  }

  private kick (): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    this.sending ??= this.drain().finally(() => { this.sending = undefined })
  }

  private async drain (): Promise<void> {
    while (this.pending.length > 0) {
      const batch: Pending[] = []
      let count = 0
      let bytes = 0
      let dropped = 0
      let droppedBytes = 0
      while (this.pending.length > 0 && count < this.options.maxBatchMessages) {
        const next = this.pending[0] as Pending
        if (next.send.failed !== undefined) {
          // An earlier slice of this send failed: the caller retries the whole send, and sending the
          // rest now would put later messages on the topic before earlier ones.
          this.pending.shift()
          dropped += next.messages.length
          droppedBytes += next.bytes
          next.reject(next.send.failed)
          continue
        }
        if (batch.length > 0 && bytes + next.bytes > this.options.maxBatchBytes) break
        this.pending.shift()
        batch.push(next)
        count += next.messages.length
        bytes += next.bytes
      }
      this.pendingMessages -= count + dropped
      this.pendingBytes -= bytes + droppedBytes
      if (batch.length === 0) continue
      try {
        this.connecting ??= this.producer.connect()
        await this.connecting
        const byTopic = new Map<string, OutgoingMessage[]>()
        for (const entry of batch) {
          const list = byTopic.get(entry.topic)
          if (list === undefined) byTopic.set(entry.topic, [...entry.messages])
          else list.push(...entry.messages)
        }
        await this.producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({
            topic,
            messages: messages.map((m) => m.timestamp === undefined
              ? m as { key: string, value: Buffer | string, headers?: Headers }
              : { key: m.key, value: m.value, headers: m.headers, timestamp: String(m.timestamp) }),
          })),
        })
        for (const entry of batch) entry.resolve()
      } catch (err) {
        if (this.connecting !== undefined) this.connecting = this.connecting.catch(() => {})
        const topics = [...new Set(batch.map((b) => b.topic))].join(', ')
        const error = new ProduceError(topics, `producing to ${topics} failed: ${(err as Error).message}`,
          { cause: err, retriable: !isMessageFault(err) })
        for (const entry of batch) {
          entry.send.failed ??= error
          entry.reject(error)
        }
        // After a failed send (e.g. the broker died mid-request) kafkajs's idempotent producer may
        // hold sequence numbers the broker no longer agrees with, and every later send fails with
        // OUT_OF_ORDER_SEQUENCE_NUMBER. A fresh producer gets a new producer id; a retried batch may
        // then be written twice, which consumers absorb by dedupe (at-least-once).
        const broken = this.producer
        this.producer = this.newProducer()
        this.connecting = undefined
        broken.disconnect().catch(() => {})
      }
    }
  }
}

/** Broker answers that blame the messages themselves: retrying cannot help, so they are poison. */
const messageFaults = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE'])

/**
 * Whether a failed produce is the messages' fault. Anything else (broker down, retries exhausted,
 * lost producer state, a leader moving) is the infrastructure's: the caller must retry, never
 * dead-letter the message it was handling.
 */
export function isMessageFault (err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 8; depth++) {
    const type = (e as { type?: unknown }).type
    if (typeof type === 'string' && messageFaults.has(type)) return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}

const noHeaders: Headers = Object.freeze({}) as Headers

function toHeaders (headers: EachBatchPayload['batch']['messages'][number]['headers']): Headers {
  if (headers === undefined) return noHeaders
  const names = Object.keys(headers)
  if (names.length === 0) return noHeaders
  const result: Headers = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    const first = Array.isArray(value) ? value[0] : value
    if (first !== undefined) result[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first)
  }
  return result
}

class KafkaConsumer implements Consumer {
  private consumer: KafkaJsConsumer | undefined
  private current: Assignment[] = []
  private ok = true
  private readonly stopping = new AbortController()
  private readonly retry: RetryPolicy
  private recoveries = 0
  private recoveringFrom: KafkaJsConsumer | undefined

  private readonly fetch: Required<FetchOptions>

  constructor (
    private readonly kafka: Kafka,
    private readonly options: ConsumerOptions,
    busFetch: FetchOptions | undefined,
    private readonly deadLetters: () => Producer,
    private readonly logger: BusLogger
  ) {
    this.retry = { ...defaultRetryPolicy, ...options.retry }
    this.fetch = { ...fetchDefaults }
    // Later sources win where they set a value (config passes unset variables as undefined).
    for (const source of [busFetch, options.fetch]) {
      if (source?.minBytes !== undefined) this.fetch.minBytes = source.minBytes
      if (source?.maxWaitMs !== undefined) this.fetch.maxWaitMs = source.maxWaitMs
    }
  }

  async start (): Promise<void> {
    const sessionTimeout = this.options.sessionTimeoutMs ?? 30_000
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout,
      heartbeatInterval: Math.max(100, Math.floor(sessionTimeout / 10)),
      rebalanceTimeout: Math.max(sessionTimeout, 60_000),
      maxWaitTimeInMs: this.fetch.maxWaitMs,
      minBytes: this.fetch.minBytes,
      allowAutoTopicCreation: false,
    })
    this.consumer = consumer
    const joined = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        this.current = Object.entries(payload.memberAssignment)
          .flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })))
        resolve()
      })
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        this.logger.error({ err: payload.error, groupId: this.options.groupId, restart: payload.restart }, 'consumer crashed')
        if (!payload.restart) {
          this.ok = false
          reject(payload.error)
          this.recover(consumer)
        }
      })
    })
    joined.catch(() => {}) // observed below; a crash after start() returned must not become an unhandled rejection
    await consumer.connect()
    await consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true })
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async (payload) => { await this.eachBatch(payload) },
    })
    await joined
  }

  /**
   * kafkajs gives up on a consumer after its retries (e.g. a broker down for longer than ~30 s) and
   * does not restart it; a service would then sit idle while looking alive. So we start a new
   * consumer with backoff until it joins again (uncommitted messages are redelivered, none lost).
   */
  private recover (crashed: KafkaJsConsumer): void {
    if (this.stopping.signal.aborted || this.consumer !== crashed || this.recoveringFrom === crashed) return
    this.recoveringFrom = crashed
    const delay = Math.max(500, backoffDelay(++this.recoveries, 1_000, 30_000))
    this.logger.warn({ groupId: this.options.groupId, delayMs: delay }, 'restarting the crashed consumer')
    setTimeout(() => {
      if (this.stopping.signal.aborted) return
      crashed.disconnect().catch(() => {}).finally(() => {
        if (this.stopping.signal.aborted) return
        this.start().then(() => {
          this.ok = true
          this.recoveries = 0
          this.logger.warn({ groupId: this.options.groupId }, 'the consumer rejoined its group after a crash')
        }, () => { if (this.consumer !== undefined) this.recover(this.consumer) })
      })
    }, delay).unref()
  }

  private async eachBatch ({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return
    const max = this.options.maxBatchSize ?? batch.messages.length
    const options = {
      groupId: this.options.groupId,
      handler: this.options.handler,
      retry: this.retry,
      produceDeadLetters: async (topic: string, letters: OutgoingMessage[]) => { await this.deadLetters().send(deadLetterTopicOf(topic), letters) },
      heartbeat: async () => { await heartbeat() },
      // kafkajs reports a lost partition by isStale(); the processor then stops retrying.
      stillOwned: () => isRunning() && !isStale(),
      logger: this.logger,
    }
    for (let start = 0; start < batch.messages.length; start += max) {
      const messages: IncomingMessage[] = batch.messages.slice(start, start + max).map((m) => ({
        topic: batch.topic,
        partition: batch.partition,
        offset: m.offset,
        key: m.key === null ? null : m.key.toString('utf8'),
        value: m.value ?? Buffer.alloc(0),
        headers: toHeaders(m.headers),
        timestamp: Number(m.timestamp),
      }))
      const outcome = await processBatch({ topic: batch.topic, partition: batch.partition, messages }, options, this.stopping.signal)
      if (outcome.lastDone === undefined) return
      resolveOffset(outcome.lastDone)
      await this.consumer?.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(outcome.lastDone) + 1n).toString() }])
      if (outcome.lastDone !== messages.at(-1)?.offset) return
    }
  }

  async stop (): Promise<void> {
    this.stopping.abort()
    // kafkajs waits for the running eachBatch (which commits what it finished), then leaves the group.
    await this.consumer?.disconnect()
    this.consumer = undefined
    this.current = []
  }

  assignments (): Assignment[] {
    return [...this.current]
  }

  healthy (): boolean {
    return this.ok
  }
}

export class KafkaBus implements Bus {
  readonly kind = 'kafka' as const
  readonly kafka: Kafka
  private readonly logger: BusLogger
  private admin: Admin | undefined
  private deadLetterProducer: Producer | undefined
  private readonly producers = new Set<Producer>()
  private readonly consumers = new Set<Consumer>()

  constructor (private readonly options: KafkaBusOptions) {
    this.logger = options.logger ?? silentLogger
    this.kafka = createKafka(options)
  }

  private connecting: Promise<Admin> | undefined

  /** One admin connection, opened on first use and opened again after a failed attempt. */
  private async connectedAdmin (): Promise<Admin> {
    if (this.admin !== undefined) return this.admin
    this.connecting ??= (async () => {
      const admin = this.kafka.admin()
      try {
        await admin.connect()
      } catch (err) {
        this.connecting = undefined
        throw err
      }
      this.admin = admin
      return admin
    })()
    return await this.connecting
  }

  /**
   * Commits `groupId`'s offsets at the current end of `topic`, so a new group reads only what is
   * produced from now on (tests and benchmarks on a broker that already holds other runs' messages).
   * Leaders of a topic created a moment ago may still be moving, so a failed attempt is retried.
   */
  async moveGroupToEnd (groupId: string, topic: string): Promise<void> {
    const admin = await this.connectedAdmin()
    for (let attempt = 1; ; attempt++) {
      try {
        const ends = await admin.fetchTopicOffsets(topic)
        await admin.setOffsets({ groupId, topic, partitions: ends.map(({ partition, high }) => ({ partition, offset: high })) })
        return
      } catch (err) {
        if (attempt === 20) throw new BusError('BUS_ERR_TOPIC_SETUP', `moving group ${groupId} to the end of ${topic} failed: ${(err as Error).message}`, { cause: err, retriable: isRetriable(err) })
        await sleep(250)
      }
    }
  }

  async ensureTopics (specs: TopicSpec[]): Promise<void> {
    const admin = await this.connectedAdmin()
    const wanted = specs.flatMap((spec) => {
      const names = spec.deadLetter === false ? [spec.name] : [spec.name, deadLetterTopicOf(spec.name)]
      return names.map((name) => ({ name, partitions: spec.partitions, config: spec.config ?? {} }))
    })
    const existing = new Set(await admin.listTopics())
    const missing = wanted.filter((t) => !existing.has(t.name))
    try {
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((t) => ({
            topic: t.name,
            numPartitions: t.partitions,
            configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
          })),
        })
      }
    } catch (err) {
      throw new BusError('BUS_ERR_TOPIC_SETUP', `creating topics ${missing.map((t) => t.name).join(', ')} failed: ${(err as Error).message}`,
        { cause: err, retriable: isRetriable(err) })
    }
    const present = wanted.filter((t) => existing.has(t.name))
    if (present.length > 0) {
      const { topics } = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) })
      for (const topic of topics) {
        const spec = present.find((t) => t.name === topic.name)
        if (spec !== undefined && topic.partitions.length !== spec.partitions) {
          this.logger.warn({ topic: topic.name, partitions: topic.partitions.length, expected: spec.partitions },
            'topic exists with a different partition count; leaving it as it is (changing it would move keys between partitions)')
        }
      }
    }
  }

  async checkTopics (names: string[]): Promise<void> {
    const admin = await this.connectedAdmin()
    await admin.fetchTopicMetadata({ topics: names })
  }

  producer (options?: ProducerOptions): Producer {
    const producer = new BatchingProducer(this.kafka, { ...this.options.producer, ...options })
    this.producers.add(producer)
    return producer
  }

  consumer (options: ConsumerOptions): Consumer {
    const consumer = new KafkaConsumer(this.kafka, options, this.options.fetch, () => {
      this.deadLetterProducer ??= this.producer({ lingerMs: 0 })
      return this.deadLetterProducer
    }, this.logger)
    this.consumers.add(consumer)
    return consumer
  }

  async readAll (topic: string, options: { timeoutMs?: number } = {}): Promise<IncomingMessage[]> {
    const admin = await this.connectedAdmin()
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]))
    const collected: IncomingMessage[] = []
    const done = (): boolean => [...ends].every(([partition, high]) =>
      high === 0n || collected.some((m) => m.partition === partition && BigInt(m.offset) + 1n >= high))
    if (done()) return []
    const groupId = `earshot-read-${randomBytes(6).toString('hex')}`
    const reader = this.consumer({
      groupId,
      topics: [topic],
      fromBeginning: true,
      sessionTimeoutMs: 10_000,
      handler: async (batch) => { collected.push(...batch.messages) },
    })
    await reader.start()
    const deadline = Date.now() + (options.timeoutMs ?? 30_000)
    while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    await reader.stop()
    this.consumers.delete(reader)
    await admin.deleteGroups([groupId]).catch(() => {})
    if (!done()) throw new BusError('BUS_ERR_TOPIC_SETUP', `reading ${topic} did not reach its end within ${options.timeoutMs ?? 30_000} ms`, { retriable: true })
    return collected.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)))
  }

  async close (): Promise<void> {
    for (const consumer of this.consumers) await consumer.stop()
    for (const producer of this.producers) await producer.close()
    await this.admin?.disconnect()
    this.admin = undefined
    this.connecting = undefined
  }
}

export function createKafkaBus (options: KafkaBusOptions): KafkaBus {
  return new KafkaBus(options)
}
