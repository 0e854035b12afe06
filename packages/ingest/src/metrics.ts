import type { Metrics } from '@earshot/observability'

const labels = ['tenant', 'source', 'platform'] as const

/** Per-source ingest metrics: what was fetched, published, recognised as duplicate or filtered, errors, lag, gaps. */
export function createIngestMetrics (metrics: Metrics) {
  return {
    fetched: metrics.counter('ingest_fetched_total', 'Mentions read from the platform', labels),
    published: metrics.counter('ingest_published_total', 'Mentions acknowledged by the broker on mentions.v1', labels),
    duplicates: metrics.counter('ingest_duplicates_total', 'Mentions skipped because they were already published', labels),
    filtered: metrics.counter('ingest_filtered_total', 'Mentions dropped by policy (reposts, the brand\'s own posts)', [...labels, 'reason']),
    errors: metrics.counter('ingest_errors_total', 'Failed polls and malformed items', [...labels, 'kind']),
    lagSeconds: metrics.gauge('ingest_lag_seconds', 'Now minus the creation time of the newest mention seen', labels),
    lastSuccess: metrics.gauge('ingest_last_success_timestamp_seconds', 'When the source was last read successfully', labels),
    gaps: metrics.counter('ingest_source_gaps_total', 'Times a source went unread for longer than its allowed interval', labels),
    inGap: metrics.gauge('ingest_source_gap', '1 while a source is unread for longer than its allowed interval', labels),
  }
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>
