import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KafkaBus } from '@earshot/bus'
import { type Cache, createRedisCache } from '@earshot/cache'
import { type FakeX, findRepoRoot, testEnvironment, uniqueName, waitFor } from '@earshot/testing'
import { brandUserId, fakeX, kafka, publishedFor, tenantName } from './helpers.js'

describe('ingest-x as a process: kill -9 mid-run, restart', () => {
  let bus: KafkaBus
  let x: FakeX
  let cache: Cache
  const children: ChildProcess[] = []

  beforeAll(async () => { ({ bus } = await kafka()) })
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await cache?.close()
    await x?.close()
    await bus.close()
  })

  test('nothing is lost; the only repeats are ones dedupe removes; SIGTERM exits 143', async () => {
    x = await fakeX()
    const env = testEnvironment()
    const tenantId = tenantName()
    const prefix = `${env.redisKeyPrefix}${uniqueName('kill')}:`
    cache = createRedisCache({ url: env.redisUrl, prefix })
    const dir = mkdtempSync(join(tmpdir(), 'ingest-x-'))
    const sourcesFile = join(dir, 'sources.json')
    writeFileSync(sourcesFile, JSON.stringify({
      sources: [{ tenantId, sourceId: 'x-mentions', platform: 'x', pollInterval: '50ms', settings: { kind: 'mentions', userId: brandUserId } }],
    }))
    const mention = (i: number): string => x.state.addTweet({ text: `@AcmeRail ${i}`, author: String(2000 + (i % 20)), mentions: [brandUserId] }).id
    const checkpoint = async (): Promise<string | undefined> => await cache.getCheckpoint(`ingest:${tenantId}:x-mentions`)

    let stderr = ''
    const start = (): ChildProcess => {
      const child = spawn(process.execPath, ['--conditions=earshot-source', '--import', 'tsx', 'services/ingest-x/src/main.ts'], {
        cwd: findRepoRoot(),
        env: {
          ...process.env,
          KAFKA_BROKERS: env.kafkaBrokers.join(','),
          REDIS_URL: env.redisUrl,
          REDIS_KEY_PREFIX: prefix,
          X_BEARER_TOKEN: 'test-bearer',
          X_API_BASE_URL: x.url,
          X_MAX_RESULTS: '10',
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

    const firstBatch = Array.from({ length: 300 }, (_, i) => mention(i))
    const first = start()
    await waitFor(async () => await checkpoint() === firstBatch.at(-1), { timeoutMs: 30_000, message: 'the first batch checkpointed' })
      .catch((err: Error) => { throw new Error(`${err.message}\nservice stderr:\n${stderr}`) })

    const secondBatch = Array.from({ length: 1500 }, (_, i) => mention(300 + i))
    const before = x.state.requests().length
    // 150 pages of 10: kill -9 while the poll is paging through them.
    await waitFor(() => x.state.requests().length >= before + 60, { timeoutMs: 30_000, message: 'the second poll under way' })
    first.kill('SIGKILL')
    await waitFor(() => first.signalCode === 'SIGKILL', { message: 'the process killed' })
    expect(await checkpoint()).toBe(firstBatch.at(-1))

    const second = start()
    await waitFor(async () => await checkpoint() === secondBatch.at(-1), { timeoutMs: 60_000, message: 'the second batch checkpointed after restart' })
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
