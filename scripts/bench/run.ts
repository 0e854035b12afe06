// npm run bench -- <name> [options]: benchmarks that print numbers (and write bench-results/<name>.json).
import { runClassifierBenchmark } from '../../packages/nlp/scripts/bench-classifier.js'
import { runApiBenchmark } from './api.js'
import { runBusBenchmark } from './bus.js'
import { runClassifierServiceBenchmark } from './classifier-service.js'
import { runE2eBenchmark } from './e2e.js'
import { runE2eEmbeddedBenchmark } from './e2e-embedded.js'
import { runIngestXBenchmark } from './ingest-x.js'
import { runRouterBenchmark } from './router.js'

const benchmarks: Record<string, (args: string[]) => Promise<void>> = {
  bus: runBusBenchmark,
  classifier: runClassifierBenchmark,
  'classifier-service': runClassifierServiceBenchmark,
  router: runRouterBenchmark,
  'ingest-x': runIngestXBenchmark,
  e2e: runE2eBenchmark,
  'e2e-embedded': runE2eEmbeddedBenchmark,
  api: runApiBenchmark,
}

const [name, ...args] = process.argv.slice(2)
const run = name === undefined ? undefined : benchmarks[name]
if (run === undefined) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> [options]\n`)
  process.exit(2)
}
run(args).then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`bench ${name} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
