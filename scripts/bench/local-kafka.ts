import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

const root = join(__dirname, '..', '..')
const script = join(root, 'scripts', 'infra', 'kafka.sh')

/** KAFKA_BROKERS when set, else a local broker from scripts/infra (stopped again if we started it). */
export function kafkaForBench (): { brokers: string[], version: string, stop: () => void } {
  const fromEnv = process.env.KAFKA_BROKERS
  if (fromEnv !== undefined && fromEnv !== '') return { brokers: fromEnv.split(','), version: 'external (KAFKA_BROKERS)', stop: () => {} }
  const started = spawnSync('bash', [script, 'start'], { encoding: 'utf8' })
  if (started.status !== 0) throw new Error(`could not start a local broker:\n${started.stderr}`)
  const reused = started.stderr.includes('reusing')
  const line = started.stdout.trim().split('\n').pop() ?? ''
  const version = /Apache Kafka (\S+) ready/.exec(started.stderr)?.[1] ?? 'local'
  return {
    brokers: [line.replace('KAFKA_BROKERS=', '')],
    version: `Apache Kafka ${version} (scripts/infra, KRaft)`,
    stop: () => { if (!reused) spawnSync('bash', [script, 'stop'], { stdio: 'inherit' }) },
  }
}

/** kafka-producer-perf-test from the broker's own jars: the ceiling of this machine and broker. */
export function javaProducerPerf (brokers: string[], topic: string, records: number, recordSize: number): number | undefined {
  const result = spawnSync('bash', [script, 'perf', '--topic', topic, '--num-records', String(records), '--record-size', String(recordSize),
    '--throughput', '-1', '--producer-props', `bootstrap.servers=${brokers.join(',')}`, 'acks=all', 'enable.idempotence=true',
    'linger.ms=5', 'batch.size=1000000', 'max.in.flight.requests.per.connection=1', 'compression.type=none'], { encoding: 'utf8' })
  const match = /records sent, ([\d.]+) records\/sec/.exec(result.stdout.trim().split('\n').pop() ?? '')
  return match?.[1] === undefined ? undefined : Number(match[1])
}
