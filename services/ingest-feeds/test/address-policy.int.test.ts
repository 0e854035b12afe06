import type { KafkaBus, Producer } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import type { FakeFeedServer } from '@earshot/testing/fakes/feed-server'
import { SourceRejectedError } from '@earshot/ingest'
import type { App } from '../src/app.js'
import { AddressRefusedError, createFeedFetcher, type ResolvedAddress } from '../src/feed-fetcher.js'
import { buildApp, counterValue, fakeFeeds, kafka, publishedFor, redisCache, tenantName } from './helpers.js'

describe('feed URLs that lead to non-public addresses are refused (SSRF)', () => {
  let bus: KafkaBus
  let producer: Producer
  let feeds: FakeFeedServer
  const caches: Cache[] = []
  const apps: App[] = []

  beforeAll(async () => { ({ bus, producer } = await kafka()) })
  beforeEach(async () => {
    feeds = await fakeFeeds()
    feeds.state.addFeed('/feed', { format: 'rss' })
    feeds.state.addItem('/feed', { title: 'Acme is down', publishedAt: new Date(Date.now() - 60_000).toISOString() })
  })
  afterEach(async () => {
    await Promise.all(apps.splice(0).map(async (app) => { await app.stop() }))
    await Promise.all(caches.splice(0).map(async (cache) => { await cache.close() }))
    await feeds.close()
  })
  afterAll(async () => { await bus.close() })

  function setup (url: string, allowedHosts: string[], resolve?: (host: string) => Promise<ResolvedAddress[]>) {
    const tenantId = tenantName()
    const cache = redisCache('feeds-ssrf')
    caches.push(cache)
    const harness = buildApp(producer, cache, { tenantId, settings: { url } }, { config: { FEEDS_ALLOWED_HOSTS: allowedHosts }, ...(resolve === undefined ? {} : { resolve }) })
    apps.push(harness.app)
    return { ...harness, tenantId, poller: harness.app.pollers[0] as NonNullable<App['pollers'][number]> }
  }

  test('127.0.0.1 is refused when not allowed: no request reaches it, nothing is published, the refusal is counted', async () => {
    const { poller, metrics, tenantId } = setup(`${feeds.url}/feed`, [])
    expect((await poller.pollOnce()).status).toBe('rejected')
    expect(feeds.state.requests()).toHaveLength(0)
    expect(await publishedFor(bus, tenantId)).toHaveLength(0)
    expect(await counterValue(metrics, 'feeds_addresses_refused_total', { tenant: tenantId, range: 'loopback' })).toBe(1)
    expect(await counterValue(metrics, 'ingest_errors_total', { tenant: tenantId, kind: 'rejected' })).toBe(1)
  })

  test('the same URL is fetched when its host is allow-listed', async () => {
    const { poller, tenantId } = setup(`${feeds.url}/feed`, ['127.0.0.1'])
    expect(await poller.pollOnce()).toMatchObject({ status: 'ok', published: 1 })
    expect(await publishedFor(bus, tenantId)).toHaveLength(1)
  })

  test('a 10.0.0.0/8 literal and a name resolving into 10/8 are refused before any connection', async () => {
    const literal = setup('http://10.20.30.40/feed', ['127.0.0.1'])
    const started = Date.now()
    expect((await literal.poller.pollOnce()).status).toBe('rejected')
    expect(Date.now() - started).toBeLessThan(1000)
    const named = setup('http://intranet.example/feed', ['127.0.0.1'], async () => [{ address: '10.1.2.3', family: 4 }])
    expect((await named.poller.pollOnce()).status).toBe('rejected')
    expect(await counterValue(named.metrics, 'feeds_addresses_refused_total', { tenant: named.tenantId, range: 'private' })).toBe(1)
  })

  test('a name with one private address among public ones is refused', async () => {
    const fetcher = createFeedFetcher({
      allowedHosts: [],
      timeoutMs: 1000,
      maxBodyBytes: 10_000,
      maxRedirects: 5,
      userAgent: 'test',
      resolve: async () => [{ address: '93.184.215.14', family: 4 }, { address: '::ffff:169.254.169.254', family: 6 }],
    })
    const refusal = fetcher.fetchFeed({ url: 'https://mixed.example/feed', signal: new AbortController().signal })
    await expect(refusal).rejects.toBeInstanceOf(AddressRefusedError)
    await expect(refusal).rejects.toThrow(/mixed\.example resolves to ::ffff:169\.254\.169\.254, a link-local address/)
  })

  test('a redirect from an allowed feed to localhost or a metadata address is refused at that hop', async () => {
    feeds.state.redirect('/to-localhost', `http://localhost:${feeds.port}/feed`, 302)
    feeds.state.redirect('/to-metadata', 'http://169.254.169.254/latest/meta-data/', 301)
    const local = setup(`${feeds.url}/to-localhost`, ['127.0.0.1'])
    expect((await local.poller.pollOnce()).status).toBe('rejected')
    const metadata = setup(`${feeds.url}/to-metadata`, ['127.0.0.1'])
    expect((await metadata.poller.pollOnce()).status).toBe('rejected')
    expect(feeds.state.requests().map((r) => r.path)).toEqual(['/to-localhost', '/to-metadata'])
  })

  test('the connection goes to the address that was checked: one resolution per hop, the Host header keeps the name', async () => {
    const lookups: string[] = []
    const fetcher = createFeedFetcher({
      allowedHosts: ['feeds.test'],
      timeoutMs: 2000,
      maxBodyBytes: 100_000,
      maxRedirects: 5,
      userAgent: 'pin-test',
      resolve: async (host) => {
        lookups.push(host)
        // A rebinding resolver: the first answer is the one checked; any later one would point elsewhere.
        return lookups.length === 1 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.9.9.9', family: 4 }]
      },
    })
    const response = await fetcher.fetchFeed({ url: `http://feeds.test:${feeds.port}/feed`, signal: new AbortController().signal })
    expect(response.status).toBe('ok')
    expect(lookups).toEqual(['feeds.test'])
    expect(feeds.state.requests('/feed').at(-1)).toMatchObject({ host: `feeds.test:${feeds.port}`, userAgent: 'pin-test' })
  })

  test('only http and https are fetched', async () => {
    const fetcher = createFeedFetcher({ allowedHosts: ['127.0.0.1'], timeoutMs: 1000, maxBodyBytes: 1000, maxRedirects: 5, userAgent: 'x' })
    await expect(fetcher.fetchFeed({ url: 'file:///etc/passwd', signal: new AbortController().signal })).rejects.toBeInstanceOf(SourceRejectedError)
    feeds.state.redirect('/to-file', 'file:///etc/passwd', 302)
    await expect(fetcher.fetchFeed({ url: `${feeds.url}/to-file`, signal: new AbortController().signal })).rejects.toThrow(/only http and https/)
  })
})
