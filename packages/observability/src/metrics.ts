import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { MetricConflictError } from './errors.js'

export interface MetricsOptions {
  service: string
  /** Prepended to the names passed to counter/histogram/gauge. */
  prefix?: string
}

type Kind = 'counter' | 'histogram' | 'gauge'
interface Created { kind: Kind, labels: string, metric: Counter | Histogram | Gauge }

/**
 * A registry per process with default Node.js metrics and a `service` label on every series.
 * Default metrics keep their standard unprefixed names (process_*, nodejs_*) so stock dashboards work.
 */
export function createMetrics ({ service, prefix = 'earshot_' }: MetricsOptions) {
  const registry = new Registry()
  registry.setDefaultLabels({ service })
  collectDefaultMetrics({ register: registry })
  const created = new Map<string, Created>()

  function reuse (name: string, kind: Kind, labelNames: readonly string[]): Created['metric'] | undefined {
    const existing = created.get(name)
    if (existing === undefined) return undefined
    const labels = [...labelNames].sort().join(',')
    if (existing.kind !== kind || existing.labels !== labels) {
      throw new MetricConflictError(name, `a ${existing.kind} labelled [${existing.labels}]`, `a ${kind} labelled [${labels}]`)
    }
    return existing.metric
  }

  function remember<M extends Created['metric']> (name: string, kind: Kind, labelNames: readonly string[], metric: M): M {
    created.set(name, { kind, labels: [...labelNames].sort().join(','), metric })
    return metric
  }

  return {
    registry,

    counter<L extends string> (name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
      const fullName = prefix + name
      const existing = reuse(fullName, 'counter', labelNames)
      if (existing !== undefined) return existing as Counter<L>
      return remember(fullName, 'counter', labelNames, new Counter<L>({ name: fullName, help, labelNames, registers: [registry] }))
    },

    histogram<L extends string> (name: string, help: string, labelNames: readonly L[] = [], buckets?: number[]): Histogram<L> {
      const fullName = prefix + name
      const existing = reuse(fullName, 'histogram', labelNames)
      if (existing !== undefined) return existing as Histogram<L>
      const metric = new Histogram<L>({ name: fullName, help, labelNames, registers: [registry], ...(buckets === undefined ? {} : { buckets }) })
      return remember(fullName, 'histogram', labelNames, metric)
    },

    gauge<L extends string> (name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
      const fullName = prefix + name
      const existing = reuse(fullName, 'gauge', labelNames)
      if (existing !== undefined) return existing as Gauge<L>
      return remember(fullName, 'gauge', labelNames, new Gauge<L>({ name: fullName, help, labelNames, registers: [registry] }))
    },
  }
}

export type Metrics = ReturnType<typeof createMetrics>
