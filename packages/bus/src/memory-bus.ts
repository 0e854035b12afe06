import { processBatch, defaultRetryPolicy } from './batch-processor.js'
import { deadLetterTopicOf } from './dead-letter.js'
import { BusError } from './errors.js'
import { type BusLogger, silentLogger } from './logger.js'
import { partitionForKey } from './murmur2.js'
import type {
  Assignment, Bus, Consumer, ConsumerOptions, Headers, IncomingMessage, OutgoingMessage, Producer, TopicSpec,
} from './types.js'

interface StoredMessage { key: string | null, value: Buffer, headers: Headers, timestamp: number }

/** A partition's retained messages: `messages[i]` has offset `base + i` (offsets never move when old ones are dropped). */
interface MemoryPartition { base: number, messages: StoredMessage[] }

interface MemoryTopic { name: string, partitions: MemoryPartition[] }

const endOf = (partition: MemoryPartition | undefined): number => partition === undefined ? 0 : partition.base + partition.messages.length

interface Member {
  id: string
  options: ConsumerOptions
  assignments: Assignment[]
  positions: Map<string, number>
  inFlight: Promise<void> | undefined
  crashed: boolean
  running: boolean
  abort: AbortController
  wakeup: Wakeup
  joined: (() => void) | undefined
}

/** A wake-up that is not lost when it fires before anyone waits. */
class Wakeup {
  private pending = false
  private waiter: (() => void) | undefined
  notify (): void {
    this.pending = true
    const waiter = this.waiter
    this.waiter = undefined
    waiter?.()
  }

  async wait (): Promise<void> {
    if (!this.pending) await new Promise<void>((resolve) => { this.waiter = resolve })
    this.pending = false
  }
}

interface Group {
  id: string
  members: Member[]
  committed: Map<string, number>
  /** Set while partitions move: members finish their batch and take no new one. */
  rebalancing: Promise<void> | undefined
}

const tp = (topic: string, partition: number): string => `${topic}\u0000${partition}`

export interface MemoryBusOptions {
  logger?: BusLogger
  /** Messages handed to a handler at once when the consumer does not say; Kafka hands what one fetch returned. */
  defaultMaxBatchSize?: number
  /**
   * Messages kept per partition once every group that reads it has committed past them (default:
   * all). A long-running process (the all-in-one with live sources) sets it so memory stays bounded;
   * a topic nobody reads keeps only this many. `readAll` and late joiners see what is kept.
   */
  retainMessages?: number
}

/**
 * Kafka's semantics in one process, for the embedded mode and fast tests: topics with partitions,
 * keys placed by Kafka's murmur2, offsets, consumer groups with partitions shared among members,
 * commits after the handler, redelivery from the committed offset when a member stops or crashes,
 * dead-letter twins. It passes the same contract suite as the Kafka adapter.
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory' as const
  private readonly topics = new Map<string, MemoryTopic>()
  private readonly groups = new Map<string, Group>()
  private readonly logger: BusLogger
  private readonly defaultMaxBatchSize: number
  private readonly retainMessages: number
  private nextMemberId = 1
  private closed = false

  constructor (options: MemoryBusOptions = {}) {
    this.logger = options.logger ?? silentLogger
    this.defaultMaxBatchSize = options.defaultMaxBatchSize ?? 500
    this.retainMessages = options.retainMessages ?? Infinity
  }

  async ensureTopics (specs: TopicSpec[]): Promise<void> {
    const changed: string[] = []
    for (const spec of specs) {
      const names = spec.deadLetter === false ? [spec.name] : [spec.name, deadLetterTopicOf(spec.name)]
      for (const name of names) {
        if (this.topics.has(name)) continue
        if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
          throw new BusError('BUS_ERR_TOPIC_SETUP', `topic ${name}: partitions must be a positive integer, got ${spec.partitions}`)
        }
        this.topics.set(name, { name, partitions: Array.from({ length: spec.partitions }, () => ({ base: 0, messages: [] })) })
        changed.push(name)
      }
    }
    for (const group of this.groups.values()) {
      if (group.members.some((m) => m.options.topics.some((t) => changed.includes(t)))) await this.rebalance(group)
    }
  }

  producer (): Producer {
    return {
      send: async (topic, messages) => { this.append(topic, messages) },
      flush: async () => {},
      close: async () => {},
    }
  }

  consumer (options: ConsumerOptions): Consumer {
    const member: Member = {
      id: `member-${this.nextMemberId++}`,
      options,
      assignments: [],
      positions: new Map(),
      inFlight: undefined,
      crashed: false,
      running: false,
      abort: new AbortController(),
      wakeup: new Wakeup(),
      joined: undefined,
    }
    const consumer: Consumer = {
      start: async () => { await this.join(member) },
      stop: async () => { await this.leave(member) },
      assignments: () => [...member.assignments],
      healthy: () => !member.crashed,
    }
    members.set(consumer, member)
    return consumer
  }

  /**
   * Simulates `kill -9` of one member: it vanishes mid-batch without finishing or committing,
   * and the group moves its partitions to the others, which re-read from the committed offset.
   */
  async crash (consumer: Consumer): Promise<void> {
    const member = members.get(consumer)
    const group = member === undefined ? undefined : this.groups.get(member.options.groupId)
    if (member !== undefined && group !== undefined && group.members.includes(member)) {
      member.crashed = true
      member.running = false
      member.abort.abort()
      group.members = group.members.filter((m) => m !== member)
      await this.rebalance(group)
    }
  }

  async checkTopics (names: string[]): Promise<void> {
    for (const name of names) this.topic(name)
  }

  async readAll (topic: string): Promise<IncomingMessage[]> {
    const stored = this.topic(topic)
    return stored.partitions.flatMap(({ base, messages }, partition) =>
      messages.map((m, i) => toIncoming(topic, partition, base + i, m)))
  }

  async close (): Promise<void> {
    this.closed = true
    for (const group of this.groups.values()) {
      for (const member of [...group.members]) await this.leave(member)
    }
  }

  private topic (name: string): MemoryTopic {
    const topic = this.topics.get(name)
    if (topic === undefined) {
      throw new BusError('BUS_ERR_UNKNOWN_TOPIC', `topic ${name} does not exist; create it with ensureTopics (topics are never auto-created)`)
    }
    return topic
  }

  private append (topicName: string, messages: OutgoingMessage[]): void {
    if (this.closed) throw new BusError('BUS_ERR_CLOSED', 'the bus is closed')
    const topic = this.topic(topicName)
    const touched = new Set<number>()
    for (const message of messages) {
      if (typeof message.key !== 'string') throw new BusError('BUS_ERR_INVALID_MESSAGE', `messages to ${topicName} need a string key`)
      const partition = partitionForKey(message.key, topic.partitions.length)
      topic.partitions[partition]?.messages.push({
        key: message.key,
        value: typeof message.value === 'string' ? Buffer.from(message.value) : Buffer.from(message.value),
        headers: { ...message.headers },
        timestamp: message.timestamp ?? Date.now(),
      })
      touched.add(partition)
    }
    for (const partition of touched) this.trim(topicName, partition)
    for (const group of this.groups.values()) {
      for (const member of group.members) {
        if (member.assignments.some((a) => a.topic === topicName && touched.has(a.partition))) member.wakeup.notify()
      }
    }
  }

  /**
   * Drops what every group reading the partition has committed past, keeping the last
   * `retainMessages`; runs after appends and commits, and only does work once a sizeable chunk can go.
   */
  private trim (topicName: string, partition: number): void {
    if (!Number.isFinite(this.retainMessages)) return
    const stored = this.topics.get(topicName)?.partitions[partition]
    if (stored === undefined || stored.messages.length <= this.retainMessages + Math.max(1, this.retainMessages >> 2)) return
    const key = tp(topicName, partition)
    let floor = endOf(stored)
    for (const group of this.groups.values()) {
      const committed = group.committed.get(key)
      if (committed !== undefined) floor = Math.min(floor, committed)
      for (const member of group.members) {
        const position = member.positions.get(key)
        if (position !== undefined) floor = Math.min(floor, position)
        else if (member.options.topics.includes(topicName) && committed === undefined) floor = Math.min(floor, stored.base)
      }
    }
    const to = Math.min(floor, endOf(stored) - this.retainMessages)
    if (to <= stored.base) return
    stored.messages.splice(0, to - stored.base)
    stored.base = to
  }

  private group (id: string): Group {
    let group = this.groups.get(id)
    if (group === undefined) {
      group = { id, members: [], committed: new Map(), rebalancing: undefined }
      this.groups.set(id, group)
    }
    return group
  }

  private async join (member: Member): Promise<void> {
    for (const topic of member.options.topics) this.topic(topic)
    const group = this.group(member.options.groupId)
    member.running = true
    const joined = new Promise<void>((resolve) => { member.joined = resolve })
    group.members.push(member)
    this.run(group, member).catch((err: unknown) => {
      this.logger.error({ err, groupId: group.id, member: member.id }, 'memory consumer loop failed')
    })
    await this.rebalance(group)
    await joined
  }

  private async leave (member: Member): Promise<void> {
    const group = this.groups.get(member.options.groupId)
    if (group === undefined || !group.members.includes(member)) return
    member.running = false
    member.abort.abort()
    member.wakeup.notify()
    await member.inFlight?.catch(() => {})
    group.members = group.members.filter((m) => m !== member)
    await this.rebalance(group)
  }

  /** Waits for the members' in-flight batches (as Kafka's join barrier does), then redistributes partitions. */
  private async rebalance (group: Group): Promise<void> {
    const previous = group.rebalancing
    const next = (async () => {
      await previous
      await Promise.all(group.members.map(async (m) => { await m.inFlight?.catch(() => {}) }))
      const topics = new Set(group.members.flatMap((m) => m.options.topics))
      for (const member of group.members) member.assignments = []
      for (const topicName of [...topics].sort()) {
        const subscribers = group.members.filter((m) => m.options.topics.includes(topicName))
        const topic = this.topics.get(topicName)
        if (topic === undefined || subscribers.length === 0) continue
        topic.partitions.forEach((_, partition) => {
          subscribers[partition % subscribers.length]?.assignments.push({ topic: topicName, partition })
        })
      }
      for (const member of group.members) {
        member.positions = new Map(member.assignments.map(({ topic, partition }) => {
          const committed = group.committed.get(tp(topic, partition))
          const stored = this.topics.get(topic)?.partitions[partition]
          const base = stored?.base ?? 0
          return [tp(topic, partition), Math.max(base, committed ?? (member.options.fromBeginning === false ? endOf(stored) : base))]
        }))
      }
    })()
    group.rebalancing = next
    await next
    if (group.rebalancing === next) group.rebalancing = undefined
    for (const member of group.members) {
      member.joined?.()
      member.joined = undefined
      member.wakeup.notify()
    }
  }

  private async run (group: Group, member: Member): Promise<void> {
    let cursor = 0
    while (member.running) {
      if (group.rebalancing !== undefined) {
        await group.rebalancing
        continue
      }
      const work = this.nextBatch(member, cursor)
      if (work === undefined) {
        await member.wakeup.wait()
        continue
      }
      cursor = work.index + 1
      const batchDone = this.handle(group, member, work.topic, work.partition, work.from)
      member.inFlight = batchDone
      await batchDone
      member.inFlight = undefined
    }
  }

  private nextBatch (member: Member, cursor: number): { index: number, topic: string, partition: number, from: number } | undefined {
    const count = member.assignments.length
    for (let i = 0; i < count; i++) {
      const index = (cursor + i) % count
      const assignment = member.assignments[index]
      if (assignment === undefined) continue
      const from = member.positions.get(tp(assignment.topic, assignment.partition)) ?? 0
      const available = endOf(this.topics.get(assignment.topic)?.partitions[assignment.partition])
      if (from < available) return { index, topic: assignment.topic, partition: assignment.partition, from }
    }
    return undefined
  }

  private async handle (group: Group, member: Member, topic: string, partition: number, from: number): Promise<void> {
    const stored = this.topics.get(topic)?.partitions[partition] ?? { base: 0, messages: [] }
    const max = member.options.maxBatchSize ?? this.defaultMaxBatchSize
    const start = Math.max(from, stored.base)
    const messages = stored.messages.slice(start - stored.base, start - stored.base + max).map((m, i) => toIncoming(topic, partition, start + i, m))
    const outcome = await processBatch({ topic, partition, messages }, {
      groupId: group.id,
      handler: member.options.handler,
      retry: { ...defaultRetryPolicy, ...member.options.retry },
      produceDeadLetters: async (source, letters) => { this.append(deadLetterTopicOf(source), letters) },
      heartbeat: async () => {},
      logger: this.logger,
    }, member.abort.signal)
    // A crashed member's work is lost, as a killed process's would be: nothing is committed.
    if (member.crashed) return
    const key = tp(topic, partition)
    if (outcome.lastDone === undefined) {
      member.positions.set(key, group.committed.get(key) ?? from)
      return
    }
    const next = Number(outcome.lastDone) + 1
    group.committed.set(key, next)
    member.positions.set(key, next)
    this.trim(topic, partition)
  }
}

const members = new WeakMap<Consumer, Member>()

function toIncoming (topic: string, partition: number, offset: number, m: StoredMessage): IncomingMessage {
  return { topic, partition, offset: String(offset), key: m.key, value: m.value, headers: { ...m.headers }, timestamp: m.timestamp }
}

export function createMemoryBus (options: MemoryBusOptions = {}): MemoryBus {
  return new MemoryBus(options)
}
