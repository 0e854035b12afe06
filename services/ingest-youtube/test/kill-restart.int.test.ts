import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KafkaBus } from '@earshot/bus'
import { type Cache, createRedisCache } from '@earshot/cache'
import { findRepoRoot, testEnvironment, uniqueName, waitFor } from '@earshot/testing'
import type { FakeYouTube } from '@earshot/testing/fakes/youtube-server'
import { apiKey, brandChannelId, commentWriter, fakeYouTube, kafka, publishedFor, tenantName } from './helpers.js'

describe('ingest-youtube as a process: kill -9 mid-run, restart', () => {
  let bus: KafkaBus
  let youtube: FakeYouTube
  let cache: Cache
  const children: ChildProcess[] = []

  beforeAll(async () => { ({ bus } = await kafka()) })
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await cache?.close()
    await youtube?.close()
    await bus.close()
  })

  test('a missing credential stops it before any connection, naming the variable (exit 2)', async () => {
    const env = testEnvironment()
    const child = spawn(process.execPath, ['--conditions=earshot-source', '--import', 'tsx', 'services/ingest-youtube/src/main.ts'], {
      cwd: findRepoRoot(),
      env: { PATH: process.env.PATH, KAFKA_BROKERS: env.kafkaBrokers.join(','), REDIS_URL: env.redisUrl, INGEST_SOURCES_FILE: '/nonexistent/sources.json' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    children.push(child)
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    await waitFor(() => child.exitCode !== null, { timeoutMs: 30_000, message: 'the process to exit' })
    expect(child.exitCode).toBe(2)
    expect(stderr).toMatch(/YOUTUBE_API_KEY: required — set it to/)
  })

  test('nothing is lost and nothing repeats; SIGTERM exits 143', async () => {
    youtube = await fakeYouTube()
    const env = testEnvironment()
    const tenantId = tenantName()
    const prefix = `${env.redisKeyPrefix}${uniqueName('kill')}:`
    cache = createRedisCache({ url: env.redisUrl, prefix })
    const dir = mkdtempSync(join(tmpdir(), 'ingest-youtube-'))
    const sourcesFile = join(dir, 'sources.json')
    writeFileSync(sourcesFile, JSON.stringify({
      sources: [{ tenantId, sourceId: 'youtube-channel', platform: 'youtube', pollInterval: '50ms', settings: { kind: 'channel', channelId: brandChannelId } }],
    }))
    const checkpointAt = async (): Promise<number | undefined> => {
      const value = await cache.getCheckpoint(`ingest:${tenantId}:youtube-channel`)
      return value === undefined ? undefined : (JSON.parse(value) as { done?: { at?: number } }).done?.at
    }
    const publishedAtOf = (threadId: string | undefined): number => Date.parse(youtube.state.thread(threadId ?? '')?.topLevelComment.snippet.publishedAt ?? '')
    const writer = commentWriter(youtube, { base: Date.now() - 24 * 3_600_000 })

    let stderr = ''
    const start = (): ChildProcess => {
      const child = spawn(process.execPath, ['--conditions=earshot-source', '--import', 'tsx', 'services/ingest-youtube/src/main.ts'], {
        cwd: findRepoRoot(),
        env: {
          ...process.env,
          KAFKA_BROKERS: env.kafkaBrokers.join(','),
          REDIS_URL: env.redisUrl,
          REDIS_KEY_PREFIX: prefix,
          YOUTUBE_API_KEY: apiKey,
          YOUTUBE_API_BASE_URL: youtube.url,
          YOUTUBE_PAGE_SIZE: '10',
          YOUTUBE_MAX_PAGES: '1000',
          // Far above what the test spends, so polls are not spread out over the day to save it.
          YOUTUBE_SOURCE_DAILY_UNITS: '10000000',
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

    const firstBatch = writer.add(300)
    const first = start()
    await waitFor(async () => await checkpointAt() === publishedAtOf(firstBatch.at(-1)), { timeoutMs: 30_000, message: 'the first batch checkpointed' })
      .catch((err: Error) => { throw new Error(`${err.message}\nservice stderr:\n${stderr}`) })

    const secondBatch = writer.add(1500)
    const before = youtube.state.requests().length
    // 150 pages of 10: kill -9 while the poll is paging through them.
    await waitFor(() => youtube.state.requests().length >= before + 60, { timeoutMs: 30_000, message: 'the second poll under way' })
    first.kill('SIGKILL')
    await waitFor(() => first.signalCode === 'SIGKILL', { message: 'the process killed' })
    expect(await checkpointAt()).toBe(publishedAtOf(firstBatch.at(-1)))

    const second = start()
    await waitFor(async () => await checkpointAt() === publishedAtOf(secondBatch.at(-1)), { timeoutMs: 60_000, message: 'the second batch checkpointed after restart' })
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
