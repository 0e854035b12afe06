import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createKafkaBus } from '@earshot/bus'
import { decodeEvent, encodeEvent, type Mention, messageKeyFor, sampleMention, topics } from '@earshot/contracts'
import { readLabelledMentions } from '../../packages/nlp/src/labelled-mentions.js'
import { buildServices, sampleResources, ServiceProcess } from '../e2e/pipeline.js'
import { table, writeBenchResult } from './infra.js'
import { kafkaForBench } from './local-kafka.js'

const corpusFile = join(__dirname, '..', '..', 'packages', 'nlp', 'data', 'brand-mentions.jsonl')

/** Distinct mentions with the invented brand set's texts (a number appended, so no two texts repeat). */
function benchMentions (count: number, tenantId: string): Mention[] {
  const corpus = readLabelledMentions(corpusFile)
  return Array.from({ length: count }, (_, i) => {
    const base = corpus[i % corpus.length] as Mention
    return sampleMention({
      tenantId,
      platform: base.platform,
      nativeId: String(1_800_000_000_000_000_000n + BigInt(i)),
      conversationId: `${base.platform}:c${i}`,
      id: `${base.platform}:${1_800_000_000_000_000_000n + BigInt(i)}`,
      text: `${base.text} ${i}`,
      author: base.author,
      ...(base.lang === undefined ? {} : { lang: base.lang }),
    })
  })
}

/**
 * `npm run bench -- classifier-service [--mentions N] [--partitions N] [--replicas N] [--threads N] [--source]`: the
 * classifier service as deployed (its own process, the compiled services/classifier/dist/main.js) draining N mentions
 * preloaded on mentions.v1 into mentions.classified.v1 on a real broker: Kafka to Kafka, produced and committed.
 * `--threads` is CLASSIFIER_THREADS (default 1: one worker thread classifies while the event loop fetches and
 * produces; 0 classifies on the event loop). `--replicas 2` runs two processes in one consumer group, as a
 * deployment scales the service out (the group splits the partitions between them).
 */
export async function runClassifierServiceBenchmark (args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { mentions: { type: 'string', default: '100000' }, partitions: { type: 'string', default: '6' }, replicas: { type: 'string', default: '1' }, threads: { type: 'string', default: '1' }, source: { type: 'boolean', default: false } } })
  const total = Number(values.mentions)
  const partitions = Number(values.partitions)
  const replicas = Number(values.replicas)
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > partitions) throw new Error(`--replicas must be an integer from 1 to the partition count (${partitions}), got ${values.replicas}`)
  const threads = Number(values.threads)
  if (!Number.isInteger(threads) || threads < 0 || threads > 8) throw new Error(`--threads must be an integer from 0 to 8 (0 classifies on the event loop), got ${values.threads}`)
  const kafka = kafkaForBench()
  const run = Date.now().toString(36)
  const tenantId = `bench-classifier-${run}`
  const serviceGroup = `bench-classifier-${run}`
  const bus = createKafkaBus({ brokers: kafka.brokers, clientId: 'bench-classifier' })
  const environment = {
    KAFKA_BROKERS: kafka.brokers.join(','),
    KAFKA_CLIENT_ID: 'bench-classifier-service',
    CLASSIFIER_GROUP_ID: serviceGroup,
    CLASSIFIER_TOPIC_PARTITIONS: String(partitions),
    CLASSIFIER_THREADS: String(threads),
    HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
    // As k8s/base/classifier.yaml and docker-compose.yml run it.
    NODE_OPTIONS: '--max-old-space-size=160',
  }
  const services = Array.from({ length: replicas }, () => new ServiceProcess('classifier', environment, 2_000, !values.source))
  if (!values.source) {
    // The container runs the compiled service; so does the benchmark (its RSS then excludes tsx).
    buildServices('services/classifier/dist/main.js')
  }
  try {
    await bus.ensureTopics([{ name: topics.mentions, partitions }, { name: topics.mentionsClassified, partitions }])
    const watchGroup = `bench-classifier-watch-${run}`
    await bus.moveGroupToEnd(serviceGroup, topics.mentions)
    await bus.moveGroupToEnd(watchGroup, topics.mentionsClassified)

    process.stderr.write(`classifier service benchmark: ${total.toLocaleString('en')} mentions preloaded on ${topics.mentions} (${partitions} partitions), broker ${kafka.version}\n`)
    const producer = bus.producer({ lingerMs: 5 })
    const input = benchMentions(total, tenantId)
    for (let i = 0; i < input.length; i += 5000) {
      await producer.send(topics.mentions, input.slice(i, i + 5000).map((m) => ({ key: messageKeyFor(m), value: encodeEvent(topics.mentions, m) })))
    }
    await producer.close()

    let seen = 0
    let first = 0
    let last = 0
    const keyPrefix = `${tenantId}:`
    let arrived = (): void => {}
    const done = new Promise<void>((resolve) => { arrived = resolve })
    const watcher = bus.consumer({
      groupId: watchGroup,
      topics: [topics.mentionsClassified],
      fromBeginning: true,
      handler: async (batch) => {
        const at = performance.now()
        for (const message of batch.messages) {
          // The watcher shares the machine's two cores with the service and the broker: it tells this run's
          // outputs by their key (tenant:conversation) and checks every 50th against the contract in full.
          if (message.key?.startsWith(keyPrefix) !== true) continue
          if (seen % 50 === 0 && decodeEvent(topics.mentionsClassified, message.value).tenantId !== tenantId) throw new Error(`a classified mention keyed ${message.key} names another tenant`)
          if (seen === 0) first = at
          seen++
          last = at
        }
        if (seen >= total) arrived()
      },
    })
    await watcher.start()

    const spawned = performance.now()
    for (const service of services) service.start()
    // Per replica: peak RSS, and CPU seconds when the first classified mention arrived.
    const peakRss = services.map(() => 0)
    let cpuAtFirst: number[] | undefined
    const sampleAll = (): Array<ReturnType<typeof sampleResources>> => services.map((service) => service.pid === undefined ? undefined : sampleResources(service.pid))
    const sampler = setInterval(() => {
      const sampled = sampleAll()
      sampled.forEach((sample, i) => { if (sample !== undefined) peakRss[i] = Math.max(peakRss[i] as number, sample.rssMb) })
      if (seen > 0 && cpuAtFirst === undefined && sampled.every((sample) => sample !== undefined)) cpuAtFirst = sampled.map((sample) => sample!.cpuSeconds)
    }, 200)
    let reported = 0
    const progress = setInterval(() => {
      if (seen === reported) return
      reported = seen
      process.stderr.write(`  ${seen.toLocaleString('en')} / ${total.toLocaleString('en')} classified\n`)
    }, 2000)
    const timeout = new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error(`only ${seen} of ${total} classified mentions arrived within 5 minutes`)), 300_000).unref())
    await Promise.race([done, timeout])
    clearInterval(progress)
    clearInterval(sampler)
    const end = sampleAll()
    for (const service of services) await service.stop()

    const drainSeconds = (last - first) / 1000
    const rate = Math.round((total - 1) / drainSeconds)
    const cpuSeconds = cpuAtFirst === undefined || end.some((sample) => sample === undefined)
      ? undefined
      : end.reduce((sum, sample, i) => sum + sample!.cpuSeconds - (cpuAtFirst![i] as number), 0)
    const result = {
      mentions: total,
      partitions,
      replicas,
      classificationThreads: threads,
      process: values.source ? 'src/main.ts via tsx' : 'dist/main.js (compiled)',
      mentionsPerSecond: rate,
      drainSeconds: Number(drainSeconds.toFixed(2)),
      fromSpawnSeconds: Number(((last - spawned) / 1000).toFixed(2)),
      serviceCpuSecondsWhileDraining: cpuSeconds === undefined ? undefined : Number(cpuSeconds.toFixed(2)),
      serviceCoresUsed: cpuSeconds === undefined ? undefined : Number((cpuSeconds / drainSeconds).toFixed(2)),
      peakRssMb: Math.round(Math.max(0, ...peakRss)),
      peakRssMbPerReplica: peakRss.map((mb) => Math.round(mb)),
    }
    process.stdout.write(`\n${table([
      [`classifier service (mentions.v1 → mentions.classified.v1)${replicas > 1 ? `, ${replicas} replicas in one group` : ''}, ${threads === 0 ? 'classifying on the event loop' : `${threads} classification thread${threads > 1 ? 's' : ''}`}`, 'value'],
      ['mentions classified', `${seen.toLocaleString('en')} / ${total.toLocaleString('en')}`],
      ['throughput (first to last output)', `${rate.toLocaleString('en')} mentions/s`],
      ['from process start (incl. model load, group join)', `${result.fromSpawnSeconds} s`],
      ['service CPU while draining', result.serviceCoresUsed === undefined ? 'n/a' : `${result.serviceCoresUsed} cores`],
      ['service peak RSS', replicas > 1 ? `${result.peakRssMbPerReplica.join(' / ')} MB` : `${result.peakRssMb} MB`],
    ])}\n`)
    writeBenchResult('classifier-service', result)
  } finally {
    for (const service of services) await service.stop()
    await bus.close()
    kafka.stop()
  }
}
