import { createMemoryBus } from '@earshot/bus'
import { createMemoryCache } from '@earshot/cache'
import { decodeEvent, sampleMention, topics } from '@earshot/contracts'
import { createLogger, createMetrics } from '@earshot/observability'
import type { IngestItem, PollingConnector, StreamEvent, StreamingConnector } from './connector.js'
import { RateLimitedError, SourceRejectedError, SourceUnavailableError } from './errors.js'
import { createIngestMetrics } from './metrics.js'
import type { SourceConfig } from './source.js'
import { sourceCheckpointName } from './source-poller.js'
import { defaultReconnectPolicy, disconnectKind, reconnectDelay, type ReconnectPolicy, StreamRunner } from './stream-runner.js'

const logger = createLogger({ level: 'silent', name: 'stream-runner-test' })
const source: SourceConfig = { tenantId: 'acme-rail', sourceId: 'x-stream', platform: 'x', pollIntervalMs: 60_000, maxGapMs: 60_000 }
const fast: ReconnectPolicy = { network: { stepMs: 5, maxMs: 20 }, http: { initialMs: 10, maxMs: 40 }, rateLimit: { initialMs: 20, maxMs: 80 } }

function item (nativeId: string, tenantId = source.tenantId): IngestItem {
  return { mention: sampleMention({ platform: 'x', id: `x:${nativeId}`, nativeId, tenantId, sourceId: source.sourceId, conversationId: `x:${nativeId}`, createdAt: `2026-01-01T10:00:0${nativeId.slice(-1)}Z`, inReplyToId: undefined }) }
}

async function until (check: () => boolean | Promise<boolean>, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** A connector that plays one script per connection; a script ending in `hang` stays open and silent until aborted. */
function scripted (scripts: Array<Array<StreamEvent | Error | 'hang'>>): StreamingConnector & { connects: number } {
  const connector = {
    connects: 0,
    async * stream ({ signal }: { signal: AbortSignal }): AsyncIterable<StreamEvent> {
      const script = scripts[connector.connects++] ?? ['hang']
      for (const step of script) {
        if (step === 'hang') {
          await new Promise<void>((resolve) => { signal.addEventListener('abort', () => resolve(), { once: true }) })
          return
        }
        if (step instanceof Error) throw step
        yield step
      }
    },
  }
  return connector
}

async function setup (connector: StreamingConnector, backfill?: PollingConnector, keepAliveTimeoutMs = 1_000) {
  const bus = createMemoryBus()
  await bus.ensureTopics([{ name: topics.mentions, partitions: 1 }])
  const cache = createMemoryCache()
  const runner = new StreamRunner({
    sources: [{ source, ...(backfill === undefined ? {} : { backfill }) }],
    connector,
    producer: bus.producer(),
    cache,
    metrics: createIngestMetrics(createMetrics({ service: 'test' })),
    logger,
    reconnect: fast,
    keepAliveTimeoutMs,
    backoff: { initialMs: 5, maxMs: 20 },
  })
  const published = async (): Promise<string[]> => (await bus.readAll(topics.mentions)).map((m) => decodeEvent(topics.mentions, m.value).nativeId)
  return { runner, cache, published }
}

test('reconnect ladders follow X: +250 ms to 16 s, 5 s doubling to 320 s, 429 from a minute doubling', () => {
  expect([1, 2, 3, 64, 65].map((n) => reconnectDelay(defaultReconnectPolicy, 'network', n))).toEqual([250, 500, 750, 16_000, 16_000])
  expect([1, 2, 3, 7, 8].map((n) => reconnectDelay(defaultReconnectPolicy, 'http', n))).toEqual([5_000, 10_000, 20_000, 320_000, 320_000])
  expect([1, 2, 3, 5].map((n) => reconnectDelay(defaultReconnectPolicy, 'rate_limit', n))).toEqual([60_000, 120_000, 240_000, 900_000])
})

test('errors pick their ladder: 429, an HTTP answer, or the network', () => {
  expect(disconnectKind(new RateLimitedError(0))).toBe('rate_limit')
  expect(disconnectKind(new SourceUnavailableError('503', undefined, 503))).toBe('http')
  expect(disconnectKind(new SourceRejectedError('401', 401))).toBe('http')
  expect(disconnectKind(new SourceUnavailableError('ECONNRESET'))).toBe('network')
  expect(disconnectKind(undefined)).toBe('network')
})

test('streamed items are published once and move the checkpoint; items of unknown sources are dropped', async () => {
  const connector = scripted([[
    { kind: 'connected' },
    { kind: 'items', items: [item('11')], cursor: '11' },
    { kind: 'heartbeat' },
    { kind: 'items', items: [item('11'), item('12'), item('13', 'other-tenant')], cursor: '13' },
    'hang',
  ]])
  const { runner, cache, published } = await setup(connector)
  runner.start()
  await until(async () => await cache.getCheckpoint(sourceCheckpointName(source)) === '13')
  await runner.stop()
  expect(await published()).toEqual(['11', '12'])
  expect(runner.connectionCount).toBe(1)
})

test('a silent connection is aborted by the watchdog and reconnected', async () => {
  const connector = scripted([[{ kind: 'connected' }, 'hang'], [{ kind: 'connected' }, 'hang']])
  const { runner } = await setup(connector, undefined, 30)
  runner.start()
  await until(() => runner.connectionCount >= 2)
  await runner.stop()
  expect(connector.connects).toBeGreaterThanOrEqual(2)
})

test('after a reconnect the backfill publishes what the gap missed, from the checkpoint, without duplicates', async () => {
  const cursors: Array<string | undefined> = []
  const backfill: PollingConnector = {
    async * poll ({ cursor }) {
      cursors.push(cursor)
      yield { items: [item('12'), item('13'), item('14')], cursor: '14' }
    },
  }
  const connector = scripted([
    [{ kind: 'connected' }, { kind: 'items', items: [item('11')], cursor: '11' }, new SourceUnavailableError('socket hang up')],
    [new SourceUnavailableError('503', undefined, 503)],
    [{ kind: 'connected' }, { kind: 'items', items: [item('14')], cursor: '14' }, 'hang'],
  ])
  const { runner, cache, published } = await setup(connector, backfill)
  runner.start()
  await until(async () => (await published()).length >= 4)
  await until(async () => await cache.getCheckpoint(sourceCheckpointName(source)) === '14')
  await runner.stop()
  expect((await published()).sort()).toEqual(['11', '12', '13', '14'])
  // The first connect had no checkpoint (nothing to fill); the reconnect filled from the streamed id.
  expect(cursors).toEqual(['11'])
})

test('while a backfill is failing, the stream publishes but keeps the checkpoint before the gap', async () => {
  let failing = true
  const backfill: PollingConnector = {
    async * poll () {
      if (failing) throw new SourceUnavailableError('503', undefined, 503)
      yield { items: [item('12')], cursor: '13' }
    },
  }
  const connector = scripted([
    [{ kind: 'connected' }, { kind: 'items', items: [item('11')], cursor: '11' }, new SourceUnavailableError('socket hang up')],
    [{ kind: 'connected' }, { kind: 'items', items: [item('13')], cursor: '13' }, 'hang'],
  ])
  const { runner, cache, published } = await setup(connector, backfill)
  runner.start()
  await until(async () => (await published()).includes('13'))
  expect(await cache.getCheckpoint(sourceCheckpointName(source))).toBe('11')
  failing = false
  await until(async () => (await published()).includes('12'))
  await until(async () => await cache.getCheckpoint(sourceCheckpointName(source)) === '13')
  await runner.stop()
})
