import { createIngestMetrics, type PollPage, type RateLimitInfo } from '@earshot/ingest'
import { createMetrics, type Metrics } from '@earshot/observability'
import { createFeedConnector, decodeCheckpoint, encodeCheckpoint } from './feed-connector.js'
import type { FeedRequest, FeedResponse } from './feed-fetcher.js'
import { createFeedMetrics } from './metrics.js'

const now = Date.parse('2026-03-01T12:00:00Z')
const url = 'https://forum.example/latest.rss'

function rss (items: Array<{ guid: string, title: string, date?: string }>): string {
  return `<rss version="2.0"><channel><title>f</title>${items.map((i) =>
    `<item><guid>${i.guid}</guid><title>${i.title}</title><pubDate>${i.date ?? 'Sun, 01 Mar 2026 11:00:00 GMT'}</pubDate></item>`).join('')}</channel></rss>`
}

function setup (responses: FeedResponse[], settings: { include?: string[], exclude?: string[] } = {}) {
  const requests: FeedRequest[] = []
  const metrics = createMetrics({ service: 'feeds-unit' })
  const rates: RateLimitInfo[] = []
  const connector = createFeedConnector({
    fetcher: {
      fetchFeed: async (request) => {
        requests.push(request)
        const next = responses.shift()
        if (next === undefined) throw new Error('no response scripted')
        return next
      },
    },
    source: { tenantId: 'acme', sourceId: 'forum', pollIntervalMs: 60_000, maxGapMs: 600_000 },
    settings: { url, include: settings.include ?? [], exclude: settings.exclude ?? [] },
    metrics: createFeedMetrics(metrics),
    ingestMetrics: createIngestMetrics(metrics),
    maxItemAgeMs: 24 * 60 * 60_000,
    now: () => now,
  })
  async function poll (cursor?: string): Promise<PollPage[]> {
    const pages: PollPage[] = []
    for await (const page of connector.poll({ cursor, signal: new AbortController().signal, reportRateLimit: (info) => rates.push(info) })) pages.push(page)
    return pages
  }
  return { poll, requests, metrics, rates }
}

async function count (metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === `earshot_${name}`)
  return (metric?.values ?? []).filter((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l)).reduce((s, v) => s + v.value, 0)
}

describe('the feed connector', () => {
  test('a 200 yields the items and the new validators; the next poll sends them verbatim', async () => {
    const { poll, requests } = setup([
      { status: 'ok', finalUrl: url, body: rss([{ guid: 'tag:f,1', title: 'one' }, { guid: 'tag:f,2', title: 'two' }]), etag: 'W/"abc"', lastModified: 'Sun, 01 Mar 2026 11:00:00 GMT' },
      { status: 'not_modified', finalUrl: url },
    ])
    const [page] = await poll()
    expect(page?.items.map((i) => i.mention.text)).toEqual(['one', 'two'])
    expect(decodeCheckpoint(page?.cursor, url)).toEqual({ url, etag: 'W/"abc"', lastModified: 'Sun, 01 Mar 2026 11:00:00 GMT' })
    await poll(page?.cursor)
    expect(requests[1]).toMatchObject({ url, etag: 'W/"abc"', lastModified: 'Sun, 01 Mar 2026 11:00:00 GMT' })
    expect(requests[0]?.etag).toBeUndefined()
  })

  test('a 304 parses nothing, yields nothing and keeps the checkpoint', async () => {
    const { poll, metrics } = setup([{ status: 'not_modified', finalUrl: url }])
    const cursor = encodeCheckpoint({ url, etag: '"v1"' })
    expect(await poll(cursor)).toEqual([{ items: [] }])
    expect(await count(metrics, 'feeds_not_modified_total')).toBe(1)
    expect(await count(metrics, 'feeds_documents_parsed_total')).toBe(0)
  })

  test('a document that is not a feed is one malformed report and no new checkpoint', async () => {
    const { poll, metrics } = setup([{ status: 'ok', finalUrl: url, body: '<rss><channel><item>', etag: '"broken"' }])
    const pages = await poll(encodeCheckpoint({ url, etag: '"v1"' }))
    expect(pages).toEqual([{ items: [], malformed: [{ reason: expect.stringContaining('not well-formed XML') }] }])
    expect(await count(metrics, 'feeds_documents_malformed_total')).toBe(1)
  })

  test('keyword rules and the age limit drop items, counted by reason', async () => {
    const { poll, metrics } = setup([{
      status: 'ok',
      finalUrl: url,
      body: rss([
        { guid: 'tag:f,1', title: 'Acme app down' },
        { guid: 'tag:f,2', title: 'Acme giveaway' },
        { guid: 'tag:f,3', title: 'unrelated' },
        { guid: 'tag:f,4', title: 'Acme last year', date: 'Sat, 01 Mar 2025 11:00:00 GMT' },
      ]),
    }], { include: ['acme'], exclude: ['giveaway'] })
    const [page] = await poll()
    expect(page?.items.map((i) => i.mention.text)).toEqual(['Acme app down'])
    expect(await count(metrics, 'ingest_filtered_total', { reason: 'keyword_excluded' })).toBe(1)
    expect(await count(metrics, 'ingest_filtered_total', { reason: 'keyword_missing' })).toBe(1)
    expect(await count(metrics, 'ingest_filtered_total', { reason: 'too_old' })).toBe(1)
  })

  test('a permanent move is remembered and polled from then on; a new configured URL starts afresh', async () => {
    const moved = 'https://forum.example/new.rss'
    const { poll, requests } = setup([
      { status: 'ok', finalUrl: moved, movedTo: moved, body: rss([]), etag: '"1"' },
      { status: 'not_modified', finalUrl: moved },
    ])
    const [page] = await poll()
    expect(decodeCheckpoint(page?.cursor, url)).toEqual({ url, location: moved, etag: '"1"' })
    await poll(page?.cursor)
    expect(requests[1]?.url).toBe(moved)
    expect(decodeCheckpoint(page?.cursor, 'https://other.example/feed')).toEqual({ url: 'https://other.example/feed' })
    expect(decodeCheckpoint('not json', url)).toEqual({ url })
  })

  test('Cache-Control max-age longer than the poll interval postpones the next poll, capped', async () => {
    const { poll, rates } = setup([{ status: 'not_modified', finalUrl: url, maxAgeMs: 86_400_000 }, { status: 'not_modified', finalUrl: url, maxAgeMs: 30_000 }])
    await poll()
    await poll()
    expect(rates).toEqual([{ limit: 1, remaining: 0, resetAt: now + 300_000 }])
  })

  test('malformed items are reported and the rest go on', async () => {
    const { poll } = setup([{ status: 'ok', finalUrl: url, body: '<rss><channel><item></item><item><description>orphan</description></item><item><guid>tag:f,9</guid><title>fine</title></item></channel></rss>' }])
    const [page] = await poll()
    expect(page?.items).toHaveLength(1)
    expect(page?.malformed).toHaveLength(2)
  })
})
