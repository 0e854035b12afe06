import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { type Mention } from '@earshot/contracts'
import { readLabelledMentions } from '../src/labelled-mentions.js'
import type { createMentionClassifier as CreateMentionClassifier } from '../src/mention-classifier.js'

const packageRoot = join(__dirname, '..')

/**
 * The compiled model code (packages/nlp/dist, built first), as the classifier service runs it;
 * `source` loads src through tsx instead, whose transforms cost a few per cent on this hot path.
 */
async function loadClassifierFactory (source: boolean): Promise<typeof CreateMentionClassifier> {
  if (source) return (await import('../src/mention-classifier.js')).createMentionClassifier
  process.stderr.write('building packages/nlp (tsc -b) to measure its compiled output; --source measures src through tsx\n')
  const built = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', packageRoot], { stdio: 'inherit' })
  if (built.status !== 0) throw new Error('tsc -b packages/nlp failed; fix the build or pass --source')
  return (require(join(packageRoot, 'dist', 'mention-classifier.js')) as { createMentionClassifier: typeof CreateMentionClassifier }).createMentionClassifier
}

/** `npm run bench -- classifier [--mentions N] [--warmup N] [--rounds N] [--source]`: pure classifyMention throughput on one core. */
export async function runClassifierBenchmark (args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { mentions: { type: 'string', default: '100000' }, warmup: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '5' }, source: { type: 'boolean', default: false } } })
  const total = Number(values.mentions)
  const warmup = Number(values.warmup)
  const rounds = Math.max(1, Number(values.rounds))
  const createMentionClassifier = await loadClassifierFactory(values.source)
  const loadStarted = performance.now()
  const classifier = createMentionClassifier()
  const loadMs = performance.now() - loadStarted
  const corpus: Mention[] = readLabelledMentions(join(__dirname, '..', 'data', 'brand-mentions.jsonl')).map(({ labels: _labels, ...mention }) => mention)
  // Distinct texts each time, so no cache (the per-text feature reuse) flatters the figure.
  const at = (i: number): Mention => {
    const base = corpus[i % corpus.length] as Mention
    return { ...base, text: `${base.text} ${i}` }
  }
  for (let i = 0; i < warmup; i++) classifier.classify(at(i))
  const inputs = Array.from({ length: total }, (_, i) => at(i + warmup))
  const rssBefore = process.memoryUsage().rss
  // The run is timed in rounds: a shared VM's speed drifts, and the median round says more than one sum.
  const roundSize = Math.ceil(total / rounds)
  const roundRates: number[] = []
  let critical = 0
  const started = performance.now()
  for (let from = 0; from < total; from += roundSize) {
    const roundStarted = performance.now()
    const to = Math.min(total, from + roundSize)
    for (let i = from; i < to; i++) if (classifier.classify(inputs[i] as Mention).urgency.level === 'critical') critical++
    roundRates.push((to - from) / ((performance.now() - roundStarted) / 1000))
  }
  const seconds = (performance.now() - started) / 1000
  const sorted = [...roundRates].sort((a, b) => a - b)
  const median = sorted[Math.floor(sorted.length / 2)] as number
  const result = {
    modelVersion: classifier.modelVersion,
    code: values.source ? 'src through tsx' : 'compiled packages/nlp/dist',
    mentions: total,
    mentionsPerSecond: Math.round(total / seconds),
    microsecondsPerMention: Math.round(seconds * 1e6 / total * 10) / 10,
    rounds: roundRates.map(Math.round),
    medianRoundMentionsPerSecond: Math.round(median),
    loadMs: Math.round(loadMs),
    rssMb: Math.round(Math.max(rssBefore, process.memoryUsage().rss) / 2 ** 20),
    criticalShare: critical / total,
  }
  process.stdout.write(`classifier (${result.code}): ${result.mentionsPerSecond.toLocaleString('en')} mentions/s (${result.microsecondsPerMention} µs each; rounds ${result.rounds.map((rate) => rate.toLocaleString('en')).join(' / ')}), load ${result.loadMs} ms, RSS ${result.rssMb} MB\n`)
  mkdirSync('bench-results', { recursive: true })
  writeFileSync(join('bench-results', 'classifier.json'), JSON.stringify(result, null, 2) + '\n')
}

if (require.main === module) {
  runClassifierBenchmark(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
    process.exit(1)
  })
}
