import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { type Mention } from '@earshot/contracts'
import { readLabelledMentions } from '../src/labelled-mentions.js'
import { createMentionClassifier } from '../src/mention-classifier.js'

/** `npm run bench -- classifier [--mentions N] [--warmup N]`: pure classifyMention throughput on one core. */
export async function runClassifierBenchmark (args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { mentions: { type: 'string', default: '100000' }, warmup: { type: 'string', default: '20000' } } })
  const total = Number(values.mentions)
  const warmup = Number(values.warmup)
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
  const started = performance.now()
  let critical = 0
  for (const mention of inputs) if (classifier.classify(mention).urgency.level === 'critical') critical++
  const seconds = (performance.now() - started) / 1000
  const result = {
    modelVersion: classifier.modelVersion,
    mentions: total,
    mentionsPerSecond: Math.round(total / seconds),
    microsecondsPerMention: Math.round(seconds * 1e6 / total * 10) / 10,
    loadMs: Math.round(loadMs),
    rssMb: Math.round(Math.max(rssBefore, process.memoryUsage().rss) / 2 ** 20),
    criticalShare: critical / total,
  }
  process.stdout.write(`classifier: ${result.mentionsPerSecond.toLocaleString('en')} mentions/s (${result.microsecondsPerMention} µs each), load ${result.loadMs} ms, RSS ${result.rssMb} MB\n`)
  mkdirSync('bench-results', { recursive: true })
  writeFileSync(join('bench-results', 'classifier.json'), JSON.stringify(result, null, 2) + '\n')
}

if (require.main === module) {
  runClassifierBenchmark(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
    process.exit(1)
  })
}
