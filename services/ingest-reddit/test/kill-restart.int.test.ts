import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KafkaBus } from '@earshot/bus'
import { type Cache, createRedisCache } from '@earshot/cache'
import { findRepoRoot, testEnvironment, uniqueName, waitFor } from '@earshot/testing'
import type { FakeReddit } from '@earshot/testing/fakes/reddit-server'
import { fakeReddit, kafka, publishedFor, tenantName, threadWriter, userAgent } from './helpers.js'

describe('ingest-reddit as a process: kill -9 mid-run, restart', () => {
  let bus: KafkaBus
  let reddit: FakeReddit
  let cache: Cache
  const children: ChildProcess[] = []

  beforeAll(async () => { ({ bus } = await kafka()) })
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await cache?.close()
    await reddit?.close()
    await bus.close()
  })

  test('a missing credential stops it before any connection, naming the variable (exit 2)', async () => {
    const env = testEnvironment()
    const child = spawn(process.execPath, ['--conditions=earshot-source', '--import', 'tsx', 'services/ingest-reddit/src/main.ts'], {
      cwd: findRepoRoot(),
      env: { PATH: process.env.PATH, KAFKA_BROKERS: env.kafkaBrokers.join(','), REDIS_URL: env.redisUrl, INGEST_SOURCES_FILE: '/nonexistent/sources.json', REDDIT_CLIENT_ID: 'test-client', REDDIT_USER_AGENT: userAgent },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    children.push(child)
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    await waitFor(() => child.exitCode !== null, { timeoutMs: 30_000, message: 'the process to exit' })
    expect(child.exitCode).toBe(2)
    expect(stderr).toMatch(/REDDIT_CLIENT_SECRET: required — set it to/)
  })

  test('nothing is lost and nothing repeats; SIGTERM exits 143', async () => {
    reddit = await fakeReddit()
    const env = testEnvironment()
    const tenantId = tenantName()
    const prefix = `${env.redisKeyPrefix}${uniqueName('kill')}:`
    cache = createRedisCache({ url: env.redisUrl, prefix })
    const dir = mkdtempSync(join(tmpdir(), 'ingest-reddit-'))
    const sourcesFile = join(dir, 'sources.json')
    writeFileSync(sourcesFile, JSON.stringify({
      sources: [{ tenantId, sourceId: 'reddit-search', platform: 'reddit', pollInterval: '50ms', settings: { kind: 'search', query: 'acme' } }],
    }))
    const checkpoint = async (): Promise<string | undefined> => await cache.getCheckpoint(`ingest:${tenantId}:reddit-search`)
    const threads = threadWriter(reddit, { base: Date.now() - 3 * 3_600_000 })

    let stderr = ''
    const start = (): ChildProcess => {
      const child = spawn(process.execPath, ['--conditions=earshot-source', '--import', 'tsx', 'services/ingest-reddit/src/main.ts'], {
        cwd: findRepoRoot(),
        env: {
          ...process.env,
          KAFKA_BROKERS: env.kafkaBrokers.join(','),
          REDIS_URL: env.redisUrl,
          REDIS_KEY_PREFIX: prefix,
          REDDIT_CLIENT_ID: 'test-client',
          REDDIT_CLIENT_SECRET: 'test-secret',
          REDDIT_USER_AGENT: userAgent,
          REDDIT_API_BASE_URL: reddit.url,
          REDDIT_TOKEN_URL: reddit.tokenUrl,
          REDDIT_PAGE_SIZE: '10',
          REDDIT_MAX_PAGES: '1000',
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

    const firstBatch = threads.add(300)
    const first = start()
    await waitFor(async () => (await checkpoint())?.startsWith(`${firstBatch.at(-1) ?? ''}@`), { timeoutMs: 30_000, message: 'the first batch checkpointed' })
      .catch((err: Error) => { throw new Error(`${err.message}\nservice stderr:\n${stderr}`) })
    const firstCheckpoint = await checkpoint()

    const secondBatch = threads.add(1500)
    const before = reddit.state.requests().length
    // 150 pages of 10: kill -9 while the poll is paging through them.
    await waitFor(() => reddit.state.requests().length >= before + 60, { timeoutMs: 30_000, message: 'the second poll under way' })
    first.kill('SIGKILL')
    await waitFor(() => first.signalCode === 'SIGKILL', { message: 'the process killed' })
    expect(await checkpoint()).toBe(firstCheckpoint)

    const second = start()
    await waitFor(async () => (await checkpoint())?.startsWith(`${secondBatch.at(-1) ?? ''}@`), { timeoutMs: 60_000, message: 'the second batch checkpointed after restart' })
      .catch((err: Error) => { throw new Error(`${err.message}\nservice stderr:\n${stderr}`) })
    const published = await publishedFor(bus, tenantId)
    const unique = new Set(published.map((m) => m.nativeId))
    expect(unique).toEqual(new Set([...firstBatch, ...secondBatch]))
    // Repeats can only come from a kill between the broker's ack and the dedupe claim; here the kill was mid-read.
    expect(published.length - unique.size).toBe(0)

    second.kill('SIGTERM')
    await waitFor(() => second.exitCode !== null, { timeoutMs: 30_000, message: 'graceful exit' })
    expect(second.exitCode).toBe(143)
  })
})
