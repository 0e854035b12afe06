import { fork } from 'node:child_process'
import { join } from 'node:path'
import { testEnvironment } from '@earshot/testing'
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs'
import { createKafkaBus, type KafkaBus, ProduceError, type Producer, type ProducerOptions } from '../src/index.js'
import { isMessageFault } from '../src/kafka-bus.js'
import { busContract } from './bus-contract.js'

busContract('Kafka adapter (kafkajs, real broker)', {
  createBus: async () => createKafkaBus({ brokers: testEnvironment().kafkaBrokers, clientId: 'bus-contract' }),
  startStuckMember: async (_bus, groupId, topic) => {
    const child = fork(join(__dirname, 'fixtures', 'stuck-member.ts'), [testEnvironment().kafkaBrokers.join(','), groupId, topic, '6000'], {
      execArgv: ['--conditions=earshot-source', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    const firstBatch = new Promise<string[]>((resolve, reject) => {
      child.on('message', (message: { type: string, offsets?: string[], message?: string }) => {
        if (message.type === 'batch') resolve(message.offsets ?? [])
        if (message.type === 'error') reject(new Error(message.message))
      })
      child.once('exit', (code, signal) => reject(new Error(`stuck member exited (${code ?? signal}) before its first batch`)))
    })
    return {
      firstBatch,
      kill: async () => {
        child.kill('SIGKILL')
        await exited
      },
    }
  },
})

describe('Kafka producer failures', () => {
  /** A fresh topic on the real broker with `maxMessageBytes` as its max.message.bytes, a producer on it, and cleanup. */
  async function withTopic (name: string, partitions: number, maxMessageBytes: number, producerOptions: ProducerOptions,
    run: (bus: KafkaBus, topic: string, producer: Producer) => Promise<void>): Promise<void> {
    const bus = createKafkaBus({ brokers: testEnvironment().kafkaBrokers, clientId: `bus-${name}` })
    const topic = `${name}-${Date.now()}`
    try {
      await bus.ensureTopics([{ name: topic, partitions, deadLetter: false, config: { 'max.message.bytes': String(maxMessageBytes) } }])
      const producer = bus.producer(producerOptions)
      await run(bus, topic, producer)
      await producer.close()
    } finally {
      await bus.close()
    }
  }

  test('a message the broker refuses as too large fails as non-retriable (poison), and the producer keeps working', async () => {
    await withTopic('produce-faults', 1, 65536, {}, async (bus, topic, producer) => {
      const refused = await producer.send(topic, [{ key: 'k', value: Buffer.alloc(200_000, 97) }]).then(() => undefined, (err: unknown) => err)
      expect(refused).toBeInstanceOf(ProduceError)
      expect(refused).toMatchObject({ code: 'BUS_ERR_PRODUCE', retriable: false })
      expect(isMessageFault(refused)).toBe(true)
      await producer.send(topic, [{ key: 'k', value: 'small' }])
      const messages = await bus.readAll(topic, { timeoutMs: 10_000 })
      expect(messages.map((m) => m.value.toString())).toEqual(['small'])
    })
  })

  test('one send bigger than a broker\'s default record-batch limit (1 MiB) to one partition is split, arrives whole and in order', async () => {
    // Kafka's default max.message.bytes: a record batch (all of a request's records for one partition) above it is refused.
    await withTopic('produce-split', 2, 1048588, {}, async (bus, topic, producer) => {
      const value = (i: number): string => `${String(i).padStart(6, '0')}${'x'.repeat(1_000)}`
      // 3,000 records of about 1 KB with one key, so one partition: about 3 MB in one call, and two calls at once.
      const sends = [0, 1].map(async (round) => {
        await producer.send(topic, Array.from({ length: 1_500 }, (_, i) => ({ key: 'one-conversation', value: value(round * 1_500 + i), headers: { 'earshot.event-id': `e-${round}-${i}` } })))
      })
      await Promise.all(sends)
      const messages = await bus.readAll(topic, { timeoutMs: 20_000 })
      expect(messages.map((m) => m.value.toString().slice(0, 6))).toEqual(Array.from({ length: 3_000 }, (_, i) => String(i).padStart(6, '0')))
    })
  })

  test('when one slice of a split send is refused, the slices after it are not sent, so nothing overtakes the retry', async () => {
    await withTopic('produce-split-fault', 1, 65536, { maxBatchBytes: 40_000 }, async (bus, topic, producer) => {
      const small = (i: number): { key: string, value: string } => ({ key: 'k', value: `${String(i).padStart(3, '0')}${'y'.repeat(1_000)}` })
      const messages = [...Array.from({ length: 50 }, (_, i) => small(i)), { key: 'k', value: 'z'.repeat(200_000) }, ...Array.from({ length: 50 }, (_, i) => small(50 + i))]
      const refused = await producer.send(topic, messages).then(() => undefined, (err: unknown) => err)
      expect(refused).toMatchObject({ code: 'BUS_ERR_PRODUCE', retriable: false })
      await producer.send(topic, [{ key: 'k', value: 'after' }])
      const written = (await bus.readAll(topic, { timeoutMs: 10_000 })).map((m) => m.value.toString().slice(0, 3))
      // The 50 before the refused one went out in slices of their own; none of the 50 after it did.
      expect(written).toEqual([...Array.from({ length: 50 }, (_, i) => String(i).padStart(3, '0')), 'aft'])
    })
  })

  // What kafkajs builds from a broker's error code (its typings take a plain Error).
  const protocolError = (type: string, code: number): KafkaJSProtocolError =>
    new KafkaJSProtocolError(Object.assign(new Error(type), { type, code, retriable: false }))

  test('failures that are not the messages\' fault (broker gone, retries exhausted, lost producer state) are retriable', () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9')
    expect(isMessageFault(new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 8, retryTime: 10_000 }))).toBe(false)
    expect(isMessageFault(protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', 45))).toBe(false)
    expect(isMessageFault(protocolError('MESSAGE_TOO_LARGE', 10))).toBe(true)
  })
})

describe('Kafka consumer groups', () => {
  test('a group moved to the end of a topic reads only what is produced afterwards', async () => {
    const bus = createKafkaBus({ brokers: testEnvironment().kafkaBrokers, clientId: 'bus-group-end' })
    const topic = `group-end-${Date.now()}`
    const groupId = `group-end-${Date.now()}`
    try {
      await bus.ensureTopics([{ name: topic, partitions: 3, deadLetter: false }])
      const producer = bus.producer()
      await producer.send(topic, ['old-1', 'old-2', 'old-3'].map((value) => ({ key: value, value })))
      await bus.moveGroupToEnd(groupId, topic)
      await producer.send(topic, ['new-1', 'new-2'].map((value) => ({ key: value, value })))
      await producer.close()
      const seen: string[] = []
      const consumer = bus.consumer({
        groupId,
        topics: [topic],
        fromBeginning: true,
        handler: async (batch) => { for (const message of batch.messages) seen.push(String(message.value)) },
      })
      await consumer.start()
      const deadline = Date.now() + 20_000
      while (seen.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
      // A moment longer, so an old message read late would show up too.
      await new Promise((resolve) => setTimeout(resolve, 1000))
      await consumer.stop()
      expect(seen.sort()).toEqual(['new-1', 'new-2'])
    } finally {
      await bus.close()
    }
  })
})

describe('Kafka fetch', () => {
  test('a fetch waits for minBytes up to maxWaitMs, so messages sent in quick succession arrive in one or two batches', async () => {
    const bus = createKafkaBus({ brokers: testEnvironment().kafkaBrokers, clientId: 'bus-fetch', fetch: { minBytes: 10 * 1024 * 1024, maxWaitMs: 2000 } })
    const topic = `fetch-wait-${Date.now()}`
    try {
      await bus.ensureTopics([{ name: topic, partitions: 1, deadLetter: false }])
      const batches: string[][] = []
      const consumer = bus.consumer({
        groupId: `fetch-wait-${Date.now()}`,
        topics: [topic],
        handler: async (batch) => { batches.push(batch.messages.map((m) => String(m.value))) },
      })
      await consumer.start()
      const producer = bus.producer({ lingerMs: 0 })
      // Six requests 30 ms apart: a fetch that returned on the first byte would see them one by one;
      // one waiting 2 s for 10 MB gets them all, or two batches if a fetch happens to end among them.
      for (let i = 1; i <= 6; i++) {
        await producer.send(topic, [{ key: 'k', value: `m${i}` }])
        await new Promise((resolve) => setTimeout(resolve, 30))
      }
      const deadline = Date.now() + 20_000
      while (batches.flat().length < 6 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
      await consumer.stop()
      await producer.close()
      expect(batches.flat()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6'])
      expect(batches.length).toBeLessThanOrEqual(2)
    } finally {
      await bus.close()
    }
  })
})
