import { createMetrics } from './metrics.js'
import { MetricConflictError } from './errors.js'

test('registers default Node.js metrics under their standard names', () => {
  const { registry } = createMetrics({ service: 'router' })
  const names = registry.getMetricsAsArray().map((metric) => metric.name)
  expect(names).toEqual(expect.arrayContaining(['process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds']))
})

test('prefixes metric names and labels every series with the service', async () => {
  const metrics = createMetrics({ service: 'router' })
  metrics.counter('tickets_opened_total', 'Tickets opened', ['priority']).inc({ priority: 'high' })
  const text = await metrics.registry.getSingleMetricAsString('earshot_tickets_opened_total')
  expect(text).toContain('earshot_tickets_opened_total{priority="high",service="router"} 1')
})

test('honours a custom prefix', () => {
  const metrics = createMetrics({ service: 'api', prefix: 'test_' })
  metrics.gauge('sse_clients', 'Open SSE connections')
  expect(metrics.registry.getSingleMetric('test_sse_clients')).toBeDefined()
})

test('returns the same metric when asked twice for one name', () => {
  const metrics = createMetrics({ service: 'classifier' })
  const first = metrics.histogram('classify_seconds', 'Time to classify', ['model'], [0.001, 0.01, 0.1])
  expect(metrics.histogram('classify_seconds', 'Time to classify', ['model'])).toBe(first)
  expect(metrics.counter('dlq_total', 'Dead-lettered', ['topic', 'code']))
    .toBe(metrics.counter('dlq_total', 'Dead-lettered', ['code', 'topic']))
})

test('refuses one name for two kinds or label sets', () => {
  const metrics = createMetrics({ service: 'router' })
  metrics.counter('mentions_total', 'Mentions', ['platform'])
  expect(() => metrics.gauge('mentions_total', 'Mentions', ['platform'])).toThrow(MetricConflictError)
  expect(() => metrics.counter('mentions_total', 'Mentions', ['tenant'])).toThrow(
    'metric earshot_mentions_total already exists as a counter labelled [platform]; cannot create it as a counter labelled [tenant]'
  )
})

test('keeps registries of separate processes apart', () => {
  const a = createMetrics({ service: 'a' })
  const b = createMetrics({ service: 'b' })
  a.counter('events_total', 'Events').inc()
  expect(b.registry.getSingleMetric('earshot_events_total')).toBeUndefined()
})
