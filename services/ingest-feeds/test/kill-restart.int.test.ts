import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KafkaBus } from '@earshot/bus'
import { type Cache, createRedisCache } from '@earshot/cache'
import { findRepoRoot, testEnvironment, uniqueName, waitFor } from '@earshot/testing'
import type { FakeFeedServer } from '@earshot/testing/fakes/feed-server'
import { decodeCheckpoint } from '../src/feed-connector.js'
import { feedNativeId } from '../src/normalise.js'
import { fakeFeeds, kafka, publishedFor, tenantName } from './helpers.js'

describe('ingest-feeds as a process: kill -9 mid-read, restart', () => {
  let bus: KafkaBus
  let feeds: FakeFeedServer
  let cache: Cache
  const children: ChildProcess[] = []

  beforeAll(async () => { ({ bus } = await kafka()) })
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await cache?.close()
    await feeds?.close()
    await bus.close()
  })

  test('nothing is lost, nothing is published twice; SIGTERM exits 143', async () => {
    feeds = await fakeFeeds()
    feeds.state.addFeed('/forum.rss', { format: 'rss', limit: 5000 })
    const env = testEnvironment()
    const tenantId = tenantName()
    const prefix = `${env.redisKeyPrefix}${uniqueName('feeds-kill')}:`
    cache = createRedisCache({ url: env.redisUrl, prefix })
    const feedUrl = `${feeds.url}/forum.rss`
    const dir = mkdtempSync(join(tmpdir(), 'ingest-feeds-'))
    const sourcesFile = join(dir, 'sources.json')
    writeFileSync(sourcesFile, JSON.stringify({
      sources: [{ tenantId, sourceId: 'forum', platform: 'feed', pollInterval: '50ms', settings: { url: feedUrl } }],
    }))
    const post = (i: number): string => feeds.state.addItem('/forum.rss', { title: `Acme post ${i}`, html: `<p>post ${i}</p>`, author: `user${i % 9}` }).id
    const storedEtag = async (): Promise<string | undefined> => decodeCheckpoint(await cache.getCheckpoint(`ingest:${tenantId}:forum`), feedUrl).etag

    let stderr = ''
    const start = (): ChildProcess => {
      const child = spawn(process.execPath, ['--conditions=earshot-source', '--import', 'tsx', 'services/ingest-feeds/src/main.ts'], {
        cwd: findRepoRoot(),
        env: {
          ...process.env,
          KAFKA_BROKERS: env.kafkaBrokers.join(','),
          REDIS_URL: env.redisUrl,
          REDIS_KEY_PREFIX: prefix,
          FEEDS_ALLOWED_HOSTS: '127.0.0.1',
          FEEDS_REQUEST_TIMEOUT: '20s',
          INGEST_SOURCES_FILE: sourcesFile,
          HTTP_PORT: '0',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
      children.push(child)
      return child
    }
    const withStderr = (err: Error): never => { throw new Error(`${err.message}\nservice stderr:\n${stderr}`) }

    const firstBatch = Array.from({ length: 300 }, (_, i) => post(i))
    const first = start()
    await waitFor(async () => await storedEtag() === feeds.state.etag('/forum.rss'), { timeoutMs: 30_000, message: 'the first batch checkpointed' }).catch(withStderr)
    const firstEtag = await storedEtag()

    // The next answer trickles out slowly: kill -9 while the body is being read.
    feeds.state.failNext({ kind: 'slow', chunkBytes: 4096, intervalMs: 50 })
    const secondBatch = Array.from({ length: 1000 }, (_, i) => post(300 + i))
    await waitFor(() => feeds.state.requests('/forum.rss').some((r) => r.fault === 'slow'), { timeoutMs: 30_000, message: 'the slow read under way' })
    first.kill('SIGKILL')
    await waitFor(() => first.signalCode === 'SIGKILL', { message: 'the process killed' })
    expect(await storedEtag()).toBe(firstEtag)

    const whileDown = Array.from({ length: 200 }, (_, i) => post(1300 + i))
    const second = start()
    await waitFor(async () => await storedEtag() === feeds.state.etag('/forum.rss'), { timeoutMs: 60_000, message: 'everything checkpointed after restart' }).catch(withStderr)
    const published = await publishedFor(bus, tenantId)
    const unique = new Set(published.map((m) => m.nativeId))
    expect(unique).toEqual(new Set([...firstBatch, ...secondBatch, ...whileDown].map((id) => feedNativeId(id, 'forum'))))
    // Repeats could only come from a kill between the broker's ack and the dedupe claim; here the kill was mid-read.
    expect(published.length - unique.size).toBe(0)
    // The restarted process asked with the validators stored before the kill.
    expect(feeds.state.requests('/forum.rss').filter((r) => r.fault === undefined && r.status === 200).at(-1)?.ifNoneMatch).toBe(firstEtag)

    second.kill('SIGTERM')
    await waitFor(() => second.exitCode !== null, { timeoutMs: 30_000, message: 'graceful exit' })
    expect(second.exitCode).toBe(143)
  })
})
