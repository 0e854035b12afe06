import type { Producer } from '@earshot/bus'
import type { Cache } from '@earshot/cache'
import type { Mention } from '@earshot/contracts'
import { type IngestMetrics, publishMentions, type SourceConfig } from '@earshot/ingest'
import type { Logger } from '@earshot/observability'

/**
 * A recorded mention as if it happened now: same id and text, createdAt moved to `now` minus the
 * original ingest delay, receivedAt = now. The id is unchanged so a replay repeated after a crash
 * is a duplicate the router ignores.
 */
export function retimeMention (mention: Mention, now: Date): Mention {
  const delay = Math.max(0, Date.parse(mention.receivedAt) - Date.parse(mention.createdAt))
  return { ...mention, createdAt: new Date(now.getTime() - delay).toISOString(), receivedAt: now.toISOString() }
}

/** Mentions per send: about twenty sends a second whatever the rate, so the pacing stays smooth. */
export function replayBatchSize (ratePerSecond: number): number {
  return Math.max(1, Math.ceil(ratePerSecond / 20))
}

export interface ReplayOptions {
  producer: Producer
  /** publishMentions' dedupe memory (the in-memory cache in the all-in-one). */
  cache: Cache
  metrics: IngestMetrics
  logger: Logger
  mentions: readonly Mention[]
  ratePerSecond: number
  /** Index of the first mention to publish (a resumed replay). */
  from?: number
  /** Index after the last mention to publish; default all. */
  to?: number
  now?: () => Date
  /** Called after each batch the bus acknowledged, with the index of the next mention. */
  onProgress?: (position: number) => void
}

function sourceFor (mention: Mention): SourceConfig {
  return { tenantId: mention.tenantId, sourceId: mention.sourceId, platform: mention.platform, pollIntervalMs: 0, maxGapMs: Number.MAX_SAFE_INTEGER }
}

/**
 * Publishes recorded mentions to mentions.v1 at a steady rate through publishMentions (so replayed
 * traffic takes the same path as a live source). `stop()` finishes the batch in flight.
 */
export function createReplay (options: ReplayOptions) {
  const now = options.now ?? (() => new Date())
  const to = Math.min(options.to ?? options.mentions.length, options.mentions.length)
  const batchSize = replayBatchSize(options.ratePerSecond)
  let position = Math.min(options.from ?? 0, to)
  let stopping = false
  let wake: (() => void) | undefined
  let running: Promise<void> | undefined

  async function pause (ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      wake = () => { clearTimeout(timer); resolve() }
    })
    wake = undefined
  }

  async function run (): Promise<void> {
    const startedAt = performance.now()
    const startedFrom = position
    while (position < to) {
      if (stopping) break
      const dueAt = startedAt + ((position - startedFrom) / options.ratePerSecond) * 1000
      const wait = dueAt - performance.now()
      if (wait > 0) await pause(wait)
      if (stopping) break
      const at = now()
      const batch = options.mentions.slice(position, Math.min(to, position + batchSize)).map((mention) => retimeMention(mention, at))
      await publishMentions(batch.map((mention) => ({ source: sourceFor(mention), item: { mention } })), {
        producer: options.producer, cache: options.cache, metrics: options.metrics, logger: options.logger,
      })
      position += batch.length
      options.onProgress?.(position)
    }
  }

  return {
    /** Resolves when every mention up to `to` is published, or after `stop()`. */
    start (): Promise<void> {
      running ??= run()
      return running
    },
    async stop (): Promise<void> {
      stopping = true
      wake?.()
      await running?.catch(() => {})
    },
    position: () => position,
    total: to,
    done: () => position >= to,
  }
}

export type Replay = ReturnType<typeof createReplay>
