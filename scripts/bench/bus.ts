import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Kafka, Partitioners, logLevel } from 'kafkajs'
import { createKafkaBus } from '@earshot/bus'
import { javaProducerPerf, kafkaForBench } from './local-kafka.js'

const MESSAGE_BYTES = 1024
const PARTITIONS = 6

interface Sample { produce: number, consume: number }

/** Mention-shaped JSON padded to exactly 1 KB. */
function payloads (count: number): Array<{ key: string, value: Buffer }> {
  return Array.from({ length: count }, (_, i) => {
    const base = { id: `x:${i}`, tenantId: 'bench', conversationId: `c${i % 1000}`, platform: 'x', text: '' }
    const text = 'm'.repeat(MESSAGE_BYTES - Buffer.byteLength(JSON.stringify(base)))
    return { key: `bench:c${i % 1000}`, value: Buffer.from(JSON.stringify({ ...base, text })) }
  })
}

function perSecond (count: number, ms: number): number {
  return Math.round(count / (ms / 1000))
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

async function adapterRound (brokers: string[], messages: Array<{ key: string, value: Buffer }>, batch: number): Promise<Sample> {
  const bus = createKafkaBus({ brokers, clientId: 'bench-adapter', producer: { maxBatchMessages: batch, maxBatchBytes: batch * (MESSAGE_BYTES + 100) } })
  const topic = `bench-adapter-${Date.now()}`
  await bus.ensureTopics([{ name: topic, partitions: PARTITIONS, deadLetter: false }])
  const producer = bus.producer()
  const started = performance.now()
  // Callers send small keyed batches (as an ingest poll would); the adapter coalesces them.
  const sends: Array<Promise<void>> = []
  for (let i = 0; i < messages.length; i += 100) sends.push(producer.send(topic, messages.slice(i, i + 100)))
  await Promise.all(sends)
  const produceMs = performance.now() - started
  await producer.close()

  let received = 0
  let first = 0
  let done: () => void = () => {}
  const finished = new Promise<void>((resolve) => { done = resolve })
  const consumer = bus.consumer({
    groupId: `${topic}-group`,
    topics: [topic],
    handler: async (b) => {
      if (first === 0) first = performance.now()
      received += b.messages.length
      if (received >= messages.length) done()
    },
  })
  await consumer.start()
  await finished
  const consumeMs = performance.now() - first
  await bus.close()
  return { produce: perSecond(messages.length, produceMs), consume: perSecond(messages.length, consumeMs) }
}

async function rawRound (brokers: string[], messages: Array<{ key: string, value: Buffer }>, batch: number): Promise<Sample> {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.ERROR })
  const admin = kafka.admin()
  await admin.connect()
  const topic = `bench-raw-${Date.now()}`
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: PARTITIONS }] })
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
  const started = performance.now()
  for (let i = 0; i < messages.length; i += batch) {
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: messages.slice(i, i + batch) }] })
  }
  const produceMs = performance.now() - started
  await producer.disconnect()

  let received = 0
  let first = 0
  let done: () => void = () => {}
  const finished = new Promise<void>((resolve) => { done = resolve })
  const consumer = kafka.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: 100, allowAutoTopicCreation: false })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch: b, resolveOffset }) => {
      if (first === 0) first = performance.now()
      const last = b.messages.at(-1)
      if (last === undefined) return
      received += b.messages.length
      resolveOffset(last.offset)
      await consumer.commitOffsets([{ topic: b.topic, partition: b.partition, offset: (BigInt(last.offset) + 1n).toString() }])
      if (received >= messages.length) done()
    },
  })
  await finished
  const consumeMs = performance.now() - first
  await consumer.disconnect()
  await admin.disconnect()
  return { produce: perSecond(messages.length, produceMs), consume: perSecond(messages.length, consumeMs) }
}

export async function runBusBenchmark (args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      messages: { type: 'string', default: '200000' },
      rounds: { type: 'string', default: '3' },
      batch: { type: 'string', default: '1000' },
      'no-java': { type: 'boolean', default: false },
    },
  })
  const count = Number(values.messages)
  const rounds = Number(values.rounds)
  const batch = Number(values.batch)
  const kafka = kafkaForBench()
  try {
    process.stderr.write(`bus benchmark: ${count} × ${MESSAGE_BYTES} B JSON, ${PARTITIONS} partitions, batches of ${batch}, ${rounds} rounds, broker ${kafka.version}\n`)
    process.stderr.write('producer: idempotent, acks=all, 1 request in flight, murmur2 partitioner, no compression; consumer: eachBatch, commit after each batch\n')
    const messages = payloads(count)
    const adapter: Sample[] = []
    const raw: Sample[] = []
    for (let round = 1; round <= rounds; round++) {
      // Alternate which goes first so warm-up and broker state favour neither.
      const order = round % 2 === 1 ? ['adapter', 'raw'] as const : ['raw', 'adapter'] as const
      for (const which of order) {
        const sample = which === 'adapter' ? await adapterRound(kafka.brokers, messages, batch) : await rawRound(kafka.brokers, messages, batch)
        ;(which === 'adapter' ? adapter : raw).push(sample)
        process.stderr.write(`  round ${round} ${which.padEnd(7)} produce ${sample.produce.toLocaleString('en')}/s, consume ${sample.consume.toLocaleString('en')}/s\n`)
      }
    }
    let java: number | undefined
    if (values['no-java'] !== true) {
      const admin = new Kafka({ clientId: 'bench-java', brokers: kafka.brokers, logLevel: logLevel.ERROR }).admin()
      await admin.connect()
      const topic = `bench-java-${Date.now()}`
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: PARTITIONS }] })
      await admin.disconnect()
      java = javaProducerPerf(kafka.brokers, topic, count, MESSAGE_BYTES)
    }
    const result = {
      messages: count,
      messageBytes: MESSAGE_BYTES,
      partitions: PARTITIONS,
      batch,
      rounds,
      broker: kafka.version,
      adapter: { produce: median(adapter.map((s) => s.produce)), consume: median(adapter.map((s) => s.consume)) },
      rawKafkajs: { produce: median(raw.map((s) => s.produce)), consume: median(raw.map((s) => s.consume)) },
      javaProducerPerf: java,
      samples: { adapter, raw },
    }
    const ratio = (a: number, b: number): string => `${((a / b) * 100).toFixed(1)}%`
    const rows = [
      ['', 'produce msg/s', 'consume msg/s'],
      ['Earshot Kafka adapter (median)', result.adapter.produce.toLocaleString('en'), result.adapter.consume.toLocaleString('en')],
      ['raw kafkajs, same settings', result.rawKafkajs.produce.toLocaleString('en'), result.rawKafkajs.consume.toLocaleString('en')],
      ['adapter / raw', ratio(result.adapter.produce, result.rawKafkajs.produce), ratio(result.adapter.consume, result.rawKafkajs.consume)],
      ['Java kafka-producer-perf-test', java === undefined ? 'n/a' : Math.round(java).toLocaleString('en'), ''],
    ]
    const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => (r[c] ?? '').length)))
    process.stdout.write(`\n${rows.map((r) => r.map((cell, c) => c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)).join('  ')).join('\n')}\n`)
    mkdirSync('bench-results', { recursive: true })
    const file = join('bench-results', 'bus.json')
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)
    process.stdout.write(`\nwritten to ${file}\n`)
  } finally {
    kafka.stop()
  }
}
