import type { Metrics } from '@earshot/observability'

const labels = ['tenant', 'source'] as const

/** Feed-specific counters beside @earshot/ingest's per-source metrics. */
export function createFeedMetrics (metrics: Metrics) {
  return {
    notModified: metrics.counter('feeds_not_modified_total', 'Polls answered 304 Not Modified: nothing parsed, nothing published', labels),
    parsed: metrics.counter('feeds_documents_parsed_total', 'Feed documents parsed (200 answers)', labels),
    malformedDocuments: metrics.counter('feeds_documents_malformed_total', 'Feed documents that were not well-formed RSS or Atom (skipped, validators not stored)', labels),
    refused: metrics.counter('feeds_addresses_refused_total', 'Requests refused because the host resolved to a loopback, private or other non-public address', [...labels, 'range']),
    moved: metrics.counter('feeds_moved_total', 'Permanent redirects (301/308) that changed the URL polled from then on', labels),
  }
}

export type FeedMetrics = ReturnType<typeof createFeedMetrics>
