import { type Bus, createKafkaBus, createMemoryBus } from '@earshot/bus'
import { createMemoryCache } from '@earshot/cache'
import { brokers } from '@earshot/config'
import { topics } from '@earshot/contracts'
import { createIngestMetrics } from '@earshot/ingest'
import { createLogger, createMetrics } from '@earshot/observability'
import { ArgumentsError } from '../errors.js'
import { createReplayProgress } from '../progress.js'
import { createReplay } from '../replay.js'
import { readMentionsFile } from '../sample-file.js'

const usage = `usage: earshot replay <mentions.jsonl> --rate N [--bus kafka|memory] [--limit N] [--partitions N]
  Publishes recorded mentions (JSONL of mentions.v1) to ${topics.mentions} with their timestamps moved to now.
  --bus kafka (default) uses KAFKA_BROKERS; --bus memory publishes into an in-process bus: a dry run that
  checks every line and measures the rate.`

interface ReplayArguments { file: string, rate: number, bus: 'kafka' | 'memory', limit: number | undefined, partitions: number }

function wholeNumber (name: string, value: string | undefined, min: number): number {
  const parsed = Number(value)
  if (value === undefined || !/^\d+$/.test(value) || parsed < min) throw new ArgumentsError(`${name} needs a whole number of at least ${min}\n${usage}`)
  return parsed
}

export function parseReplayArguments (args: readonly string[]): ReplayArguments {
  let file: string | undefined
  let rate: number | undefined
  let bus: 'kafka' | 'memory' = 'kafka'
  let limit: number | undefined
  let partitions = 6
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!
    const value = (): string | undefined => args[++index]
    if (arg === '--rate') rate = wholeNumber('--rate', value(), 1)
    else if (arg === '--limit') limit = wholeNumber('--limit', value(), 0)
    else if (arg === '--partitions') partitions = wholeNumber('--partitions', value(), 1)
    else if (arg === '--bus') {
      const kind = value()
      if (kind !== 'kafka' && kind !== 'memory') throw new ArgumentsError(`--bus is kafka or memory, not ${String(kind)}\n${usage}`)
      bus = kind
    } else if (arg.startsWith('--')) throw new ArgumentsError(`unknown option ${arg}\n${usage}`)
    else if (file === undefined) file = arg
    else throw new ArgumentsError(`one file only; got ${file} and ${arg}\n${usage}`)
  }
  if (file === undefined) throw new ArgumentsError(`which file?\n${usage}`)
  if (rate === undefined) throw new ArgumentsError(`--rate is required\n${usage}`)
  return { file, rate, bus, limit, partitions }
}

async function main (): Promise<void> {
  const options = parseReplayArguments(process.argv.slice(2))
  const logger = createLogger({ level: 'warn', name: 'replay' })
  let bus: Bus
  if (options.bus === 'kafka') {
    const parsed = brokers().safeParse(process.env.KAFKA_BROKERS)
    if (!parsed.success) throw new ArgumentsError(`--bus kafka needs KAFKA_BROKERS, e.g. KAFKA_BROKERS=127.0.0.1:9092 (${parsed.error.issues[0]?.message ?? 'unset'})`)
    bus = createKafkaBus({ brokers: parsed.data, clientId: 'earshot-replay', logger })
  } else {
    bus = createMemoryBus({ logger })
  }
  const mentions = await readMentionsFile(options.file)
  await bus.ensureTopics([{ name: topics.mentions, partitions: options.partitions }])
  const producer = bus.producer({ lingerMs: 2 })
  const cache = createMemoryCache()
  const to = Math.min(mentions.length, options.limit ?? mentions.length)
  const progress = createReplayProgress(to, 0, { tty: process.stderr.isTTY === true, write: (line) => process.stderr.write(line) })
  const replay = createReplay({
    producer,
    cache,
    metrics: createIngestMetrics(createMetrics({ service: 'replay' })),
    logger,
    mentions,
    ratePerSecond: options.rate,
    to,
    onProgress: (position) => progress.update(position),
  })
  const onSignal = (): void => { replay.stop().catch(() => {}) }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const started = performance.now()
  await replay.start()
  progress.stop()
  const seconds = (performance.now() - started) / 1000
  await producer.close()
  await cache.close()
  await bus.close()
  process.stdout.write(`published ${replay.position()} of ${to} mentions to ${topics.mentions} on the ${options.bus} bus in ${seconds.toFixed(1)} s (${(replay.position() / Math.max(seconds, 0.001)).toFixed(0)}/s)\n`)
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`earshot replay: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(err instanceof ArgumentsError ? 2 : 1)
  })
}
