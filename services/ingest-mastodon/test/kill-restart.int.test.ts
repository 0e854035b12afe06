import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KafkaBus } from '@earshot/bus'
import { type Cache, createRedisCache } from '@earshot/cache'
import { findRepoRoot, testEnvironment, uniqueName, waitFor } from '@earshot/testing'
import type { FakeMastodon } from '@earshot/testing/fakes/mastodon-server'
import { fakeMastodon, kafka, publishedFor, tenantName, token } from './helpers.js'

describe('ingest-mastodon as a process', () => {
  let bus: KafkaBus
  let mastodon: FakeMastodon
  let cache: Cache | undefined
  const children: ChildProcess[] = []

  beforeAll(async () => {
    ({ bus } = await kafka())
    mastodon = await fakeMastodon()
  })
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await cache?.close()
    await mastodon.close()
    await bus.close()
  })

  function sourcesFile (tenantId: string): string {
    const path = join(mkdtempSync(join(tmpdir(), 'ingest-mastodon-')), 'sources.json')
    writeFileSync(path, JSON.stringify({
      sources: [{
        tenantId,
        sourceId: 'mastodon-mentions',
        platform: 'mastodon',
        pollInterval: '50ms',
        settings: { kind: 'notifications', instanceUrl: mastodon.url, accessTokenEnv: 'MASTODON_TOKEN_KILL_TEST', backfillPages: 100 },
      }],
    }))
    return path
  }

  function start (env: Record<string, string>, onStderr: (text: string) => void): ChildProcess {
    const child = spawn(process.execPath, ['--conditions=earshot-source', '--import', 'tsx', 'services/ingest-mastodon/src/main.ts'], {
      cwd: findRepoRoot(),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    child.stderr?.on('data', (chunk: Buffer) => { onStderr(chunk.toString()) })
    children.push(child)
    return child
  }

  test('a missing access token exits 2 at boot with a message naming the variable', async () => {
    const testEnv = testEnvironment()
    let stderr = ''
    const child = start({
      KAFKA_BROKERS: testEnv.kafkaBrokers.join(','),
      REDIS_URL: testEnv.redisUrl,
      INGEST_SOURCES_FILE: sourcesFile(tenantName()),
      MASTODON_TOKEN_KILL_TEST: '',
      HTTP_PORT: '0',
    }, (text) => { stderr += text })
    await waitFor(() => child.exitCode !== null, { timeoutMs: 60_000, message: 'the process to exit' })
    expect(child.exitCode).toBe(2)
    expect(stderr).toContain('MASTODON_TOKEN_KILL_TEST: required — set it to a Mastodon access token')
  }, 90_000)

  test('kill -9 mid-run and restart: nothing is lost, nothing repeated; SIGTERM exits 143', async () => {
    const testEnv = testEnvironment()
    const tenantId = tenantName()
    const prefix = `${testEnv.redisKeyPrefix}${uniqueName('kill')}:`
    cache = createRedisCache({ url: testEnv.redisUrl, prefix })
    const checkpointCache = cache
    const env = {
      KAFKA_BROKERS: testEnv.kafkaBrokers.join(','),
      REDIS_URL: testEnv.redisUrl,
      REDIS_KEY_PREFIX: prefix,
      MASTODON_TOKEN_KILL_TEST: token,
      MASTODON_PAGE_LIMIT: '10',
      INGEST_SOURCES_FILE: sourcesFile(tenantId),
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
    }
    const mention = (i: number): string => mastodon.state.addStatus({ account: `customer${i % 20}`, text: `@acme ${i}`, mentions: ['acme'] }).id
    const newestNotification = (): string | undefined => mastodon.state.notifications().at(-1)?.id
    const checkpoint = async (): Promise<string | undefined> => await checkpointCache.getCheckpoint(`ingest:${tenantId}:mastodon-mentions`)
    let stderr = ''

    const firstBatch = Array.from({ length: 300 }, (_, i) => mention(i))
    const firstCheckpoint = newestNotification()
    const first = start(env, (text) => { stderr += text })
    await waitFor(async () => await checkpoint() === firstCheckpoint, { timeoutMs: 30_000, message: 'the first batch checkpointed' })
      .catch((err: Error) => { throw new Error(`${err.message}\nservice stderr:\n${stderr}`) })

    const secondBatch = Array.from({ length: 1500 }, (_, i) => mention(300 + i))
    const before = mastodon.state.requests().length
    // 150 pages of 10, caught up through rel="prev" links: kill -9 while the polls are paging through them.
    await waitFor(() => mastodon.state.requests().length >= before + 60, { timeoutMs: 30_000, message: 'the catch-up poll under way' })
    first.kill('SIGKILL')
    await waitFor(() => first.signalCode === 'SIGKILL', { message: 'the process killed' })
    // A poll checkpoints every MASTODON_MAX_PAGES_PER_POLL (50) pages; pages go oldest first, so any checkpoint is gap-free.
    const atKill = BigInt(await checkpoint() ?? '0')
    expect(atKill).toBeGreaterThanOrEqual(BigInt(firstCheckpoint ?? '0'))
    expect(atKill).toBeLessThan(BigInt(newestNotification() ?? '0'))

    const second = start(env, (text) => { stderr += text })
    await waitFor(async () => await checkpoint() === newestNotification(), { timeoutMs: 60_000, message: 'the second batch checkpointed after restart' })
      .catch(async (err: Error) => { throw new Error(`${err.message} (checkpoint ${await checkpoint()})\nservice stderr:\n${stderr}`) })
    const published = await publishedFor(bus, tenantId)
    const unique = new Set(published.map((m) => m.nativeId.split('/')[1]))
    expect(unique).toEqual(new Set([...firstBatch, ...secondBatch]))
    // Repeats could only come from a kill between the broker's ack and the dedupe claim; here the kill was mid-read.
    expect(published.length - unique.size).toBe(0)

    second.kill('SIGTERM')
    await waitFor(() => second.exitCode !== null, { timeoutMs: 30_000, message: 'graceful exit' })
    expect(second.exitCode).toBe(143)
  }, 180_000)
})
