import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createKafkaBus } from '@earshot/bus'
import { createMemoryCache, createRedisCache } from '@earshot/cache'
import { topics } from '@earshot/contracts'
import { createApp, createXClient } from '@earshot/ingest-x'
import { createLogger, createMetrics } from '@earshot/observability'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { table, writeBenchResult } from './infra.js'
import { kafkaForBench } from './local-kafka.js'

async function startFakeXProcess (total: number, sources: number): Promise<{ url: string, brandIds: string[], stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--conditions=earshot-source', '--import', 'tsx', join(__dirname, 'fake-x-process.ts'), String(total), String(sources)],
    { stdio: ['pipe', 'pipe', 'inherit'] })
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve)
    child.once('exit', (code) => reject(new Error(`the fake X process exited with ${String(code)}`)))
  })
  const { url, brandIds } = JSON.parse(line) as { url: string, brandIds: string[] }
  const exited = new Promise((resolve) => child.once('exit', resolve))
  return { url, brandIds, stop: async () => { child.stdin.end(); await exited } }
}

/**
 * Mentions/s from the fake X server (in its own process) (v2 wire format, driven through twitter-api-v2) through
 * ingest-x's pollers (normalise, filter, dedupe in Redis, publish) into Kafka, acknowledged.
 */
export async function runIngestXBenchmark (args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { mentions: { type: 'string', default: '50000' }, sources: { type: 'string', default: '4' } } })
  const total = Number(values.mentions)
  const sourceCount = Number(values.sources)
  const kafka = kafkaForBench()
  const fake = await startFakeXProcess(total, sourceCount)
  const bus = createKafkaBus({ brokers: kafka.brokers, clientId: 'bench-ingest-x' })
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
  const cache = process.env.BENCH_CACHE === 'memory' ? createMemoryCache() : createRedisCache({ url: redisUrl, prefix: `earshot-bench:${Date.now()}:` })
  const metrics = createMetrics({ service: 'bench-ingest-x' })
  try {
    await bus.ensureTopics([{ name: topics.mentions, partitions: 6 }])
    const sources = fake.brandIds.map((userId, i) => ({
      tenantId: `bench-${i}`,
      sourceId: 'x-mentions',
      platform: 'x' as const,
      pollIntervalMs: 60_000,
      maxGapMs: 600_000,
      includeReposts: false,
      brandAccounts: [],
      settings: { kind: 'mentions', userId },
    }))
    const app = createApp({
      config: { X_MAX_RESULTS: 100, X_REQUEST_TIMEOUT: 10_000, INGEST_DEDUPE_TTL: 3_600_000 },
      sources,
      client: createXClient({ bearerToken: 'bench', baseUrl: fake.url }),
      producer: bus.producer(),
      cache,
      metrics,
      logger: createLogger({ level: 'warn', name: 'bench-ingest-x' }),
    })
    process.stderr.write(`ingest-x benchmark: ${total} mentions on ${sourceCount} X sources (pages of 100), broker ${kafka.version}, cache ${process.env.BENCH_CACHE === 'memory' ? 'memory' : 'Redis'}\n`)
    const started = performance.now()
    const outcomes = await Promise.all(app.pollers.map(async (poller) => await poller.pollOnce()))
    const seconds = (performance.now() - started) / 1000
    const published = outcomes.reduce((sum, o) => sum + o.published, 0)
    const rate = Math.round(published / seconds)
    const result = { mentions: total, sources: sourceCount, published, seconds: Number(seconds.toFixed(2)), mentionsPerSecond: rate, statuses: outcomes.map((o) => o.status) }
    process.stdout.write(`\n${table([
      ['ingest-x (fake X → twitter-api-v2 → Kafka, acknowledged)', 'value'],
      ['mentions published', `${published.toLocaleString('en')} / ${total.toLocaleString('en')}`],
      ['time', `${result.seconds} s`],
      ['throughput', `${rate.toLocaleString('en')} mentions/s`],
    ])}\n`)
    writeBenchResult('ingest-x', result)
  } finally {
    await bus.close()
    await cache.close()
    await fake.stop()
    kafka.stop()
  }
}
