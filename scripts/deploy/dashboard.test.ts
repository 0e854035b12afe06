import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { readRepoFile, repoRoot } from './repo.js'

interface Panel { type: string, title: string, targets?: Array<{ expr?: string, rawSql?: string }>, datasource?: { uid?: string } }
const dashboard = JSON.parse(readRepoFile('k8s/base/monitoring/earshot-dashboard.json')) as { uid: string, panels: Panel[] }

function sourceFiles (dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    if (entry === 'node_modules' || entry === 'dist' || entry === 'test') return []
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : []
  })
}

/** Metric names the code registers: metrics.counter('x') → earshot_x (the default prefix), histograms also as _bucket/_sum/_count. */
function exportedMetrics (): Set<string> {
  const names = new Set<string>()
  for (const root of ['packages', 'services']) {
    for (const file of sourceFiles(join(repoRoot, root))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\.(counter|gauge|histogram)(?:<[^>]*>)?\(\s*'([a-z0-9_]+)'/g)) {
        const name = `earshot_${match[2] ?? ''}`
        names.add(name)
        if (match[1] === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix)
      }
    }
  }
  return names
}

const queries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr ?? '', sql: target.rawSql ?? '' })))

test('every earshot_ metric the dashboard queries is one the code exports', () => {
  const exported = exportedMetrics()
  expect(exported.size).toBeGreaterThan(0)
  const unknown = queries.flatMap(({ panel, expr }) => [...expr.matchAll(/\bearshot_[a-z0-9_]+/g)]
    .map((m) => m[0]).filter((name) => !exported.has(name)).map((name) => `${panel}: ${name}`))
  expect(unknown).toEqual([])
})

test('shows throughput per stage, consumer lag, dead letters, SLA breaches and ingest-to-ticket latency', () => {
  const all = queries.map((q) => `${q.expr} ${q.sql}`).join('\n')
  expect(all).toContain('earshot_ingest_published_total')
  expect(all).toContain('earshot_classifier_mentions_total')
  expect(all).toContain('earshot_router_mentions_stored_total')
  expect(all).toContain('kafka_consumergroup_lag')
  expect(all).toMatch(/\.dlq/)
  expect(all).toContain('ticket.sla_breached')
  expect(all).toMatch(/histogram_quantile\(0\.99, .*earshot_router_ingest_to_ticket_seconds_bucket/)
})

test('panels take their data source from dashboard variables, so the JSON imports into any Grafana', () => {
  for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
    expect(panel.datasource?.uid).toMatch(/^\$\{(prometheus|postgres)\}$/)
  }
  expect(new Set(dashboard.panels.map((p) => p.title)).size).toBe(dashboard.panels.length)
})
