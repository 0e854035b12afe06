// npm run bench -- <name> [options]: benchmarks that print numbers (and write bench-results/<name>.json).
// Each benchmark's module is loaded only when it runs: loading all of them (every service's code) added
// ~40 MB to the classifier benchmark's RSS.
type Benchmark = (args: string[]) => Promise<void>

const benchmarks: Record<string, () => Promise<Benchmark>> = {
  bus: async () => (await import('./bus.js')).runBusBenchmark,
  classifier: async () => (await import('../../packages/nlp/scripts/bench-classifier.js')).runClassifierBenchmark,
  'classifier-service': async () => (await import('./classifier-service.js')).runClassifierServiceBenchmark,
  router: async () => (await import('./router.js')).runRouterBenchmark,
  'ingest-x': async () => (await import('./ingest-x.js')).runIngestXBenchmark,
  e2e: async () => (await import('./e2e.js')).runE2eBenchmark,
  'e2e-embedded': async () => (await import('./e2e-embedded.js')).runE2eEmbeddedBenchmark,
  api: async () => (await import('./api.js')).runApiBenchmark,
}

const [name, ...args] = process.argv.slice(2)
const load = name === undefined ? undefined : benchmarks[name]
if (load === undefined) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> [options]\n`)
  process.exit(2)
}
load().then(async (run) => { await run(args) }).then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`bench ${name} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
