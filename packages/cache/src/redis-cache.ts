import { Redis } from 'ioredis'
import { type Cache, type Clock, type IncrementOptions, type WindowOptions } from './cache.js'
import { assertIncrement, assertTtl, bucketRange } from './cache-arguments.js'
import {
  CacheArgumentError,
  CacheClosedError,
  CacheCommandError,
  CacheError,
  CacheUnavailableError,
} from './errors.js'

/** The part of a pino logger this package uses, so callers pass theirs without a dependency on pino here. */
export interface CacheLogger {
  info (obj: object, msg?: string): void
  warn (obj: object, msg?: string): void
  error (obj: object, msg?: string): void
}

export interface RedisCacheOptions {
  /** redis:// or rediss:// URL, usually REDIS_URL. */
  url: string
  /** Namespace for every key this cache writes, e.g. `earshot:`. */
  prefix: string
  now?: Clock
  logger?: CacheLogger
}

/**
 * Counters are one hash per key, a field per bucket index. Chosen over one key per bucket read
 * with MGET because a counter stays a single small key (listpack-encoded, one TTL, one hash slot
 * if we ever move to Redis Cluster) and an increment can add, prune old buckets and sum the window
 * in one atomic script; one key per bucket would cost up to `buckets` keys per counter and a
 * 60-key MGET on every read.
 *
 * KEYS[1] counter hash; ARGV: bucket index to add to, amount, first bucket index in the window, TTL in ms.
 */
const incrementWindowScript = `
redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local first = tonumber(ARGV[3])
local last = tonumber(ARGV[1])
local fields = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #fields, 2 do
  local index = tonumber(fields[i])
  if index < first then
    redis.call('HDEL', KEYS[1], fields[i])
  elseif index <= last then
    total = total + tonumber(fields[i + 1])
  end
end
return total
`

/** KEYS[1] checkpoint; ARGV: '1' when no value may exist yet (else '0'), the expected value, the new value. */
const setCheckpointIfScript = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[3])
return 1
`

interface CacheScripts {
  earshotIncrementWindow (key: string, index: string, by: string, first: string, ttlMs: string): Promise<number>
  earshotSetCheckpointIf (key: string, expectAbsent: '0' | '1', expected: string, value: string): Promise<number>
}

/**
 * Replies that describe a passing server state (loading a dataset, a busy script, a failover in
 * progress); anything else, such as WRONGTYPE or a script error, will fail again the same way.
 */
const transientReplyPrefixes = ['LOADING', 'BUSY', 'TRYAGAIN', 'MASTERDOWN', 'CLUSTERDOWN', 'READONLY']

const defaultLogger: CacheLogger = {
  info () {},
  warn (obj, msg) { console.warn('@earshot/cache', msg, obj) },
  error (obj, msg) { console.error('@earshot/cache', msg, obj) },
}

export function createRedisCache (options: RedisCacheOptions): Cache {
  const url = redactedRedisUrl(options.url)
  if (options.prefix === '') {
    throw new CacheArgumentError('createRedisCache', 'prefix must not be empty: every key is namespaced, e.g. prefix: \'earshot:\'')
  }
  const now = options.now ?? Date.now
  const logger = options.logger ?? defaultLogger
  const keyOf = {
    claim: (key: string) => `${options.prefix}claim:${key}`,
    checkpoint: (name: string) => `${options.prefix}checkpoint:${name}`,
    window: (key: string) => `${options.prefix}window:${key}`,
  }

  const client = new Redis(options.url, {
    // Connect at construction, so a wrong REDIS_URL shows in the logs at boot rather than on first use.
    lazyConnect: false,
    // Commands issued while the first connection is being made wait for it instead of failing at once;
    // maxRetriesPerRequest and commandTimeout below bound that wait.
    enableOfflineQueue: true,
    // A command fails after 2 reconnect attempts (≈0.3 s against a refused port) with a retriable
    // error the caller can back off on, instead of ioredis' default of 20 attempts (≈20 s).
    maxRetriesPerRequest: 2,
    // Reconnect forever, 100 ms, 200 ms, … capped at 2 s, so the cache recovers when Redis returns.
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 2_000),
    connectTimeout: 5_000,
    // Bounds a command against a server that accepted the connection but does not answer.
    commandTimeout: 5_000,
    // Closing a client whose socket already died (Redis down) still arms this timer in ioredis 5 and
    // it holds the process open for its full length; 500 ms instead of 2 s keeps shutdown quick.
    disconnectTimeout: 500,
  }) as Redis & CacheScripts
  client.defineCommand('earshotIncrementWindow', { numberOfKeys: 1, lua: incrementWindowScript })
  client.defineCommand('earshotSetCheckpointIf', { numberOfKeys: 1, lua: setCheckpointIfScript })

  let lastConnectionError: Error | undefined
  let closing: Promise<void> | undefined
  client.on('error', (err: Error) => {
    lastConnectionError = err
    logger.error({ err, url }, 'redis connection error')
  })
  client.on('ready', () => {
    if (lastConnectionError !== undefined) logger.info({ url }, 'redis connection restored')
    lastConnectionError = undefined
  })

  function toCacheError (operation: string, err: unknown): CacheError {
    if (err instanceof CacheError) return err
    if (closing !== undefined) return new CacheClosedError(operation)
    const reason = err instanceof Error ? err.message : String(err)
    if (err instanceof Error && err.name === 'ReplyError') {
      return new CacheCommandError(`Redis rejected cache.${operation}() at ${url}: ${reason}`, {
        operation,
        cause: err,
        retriable: transientReplyPrefixes.some((prefix) => reason.startsWith(prefix)),
      })
    }
    if (client.status === 'ready' && reason === 'Command timed out') {
      return new CacheUnavailableError('CACHE_ERR_TIMEOUT',
        `Redis at ${url} (REDIS_URL) did not answer cache.${operation}() within 5 s; check the server's load and latency (redis-cli --latency)`,
        { url, operation, cause: err })
    }
    const connectionReason = lastConnectionError?.message ?? reason
    return new CacheUnavailableError('CACHE_ERR_UNREACHABLE',
      `Cannot reach Redis at ${url} (REDIS_URL) for cache.${operation}(): ${connectionReason}. ` +
      'Start Redis or set REDIS_URL to a running server, e.g. REDIS_URL=redis://127.0.0.1:6379',
      { url, operation, cause: lastConnectionError ?? err })
  }

  async function run<T> (operation: string, command: () => Promise<T>): Promise<T> {
    if (closing !== undefined) throw new CacheClosedError(operation)
    try {
      return await command()
    } catch (err) {
      throw toCacheError(operation, err)
    }
  }

  return {
    async claim (key, ttlMs) {
      assertTtl('claim', ttlMs)
      return await run('claim', async () => await client.set(keyOf.claim(key), '1', 'PX', ttlMs, 'NX') === 'OK')
    },

    async claimMany (keys, ttlMs) {
      assertTtl('claimMany', ttlMs)
      if (keys.length === 0) return []
      return await run('claimMany', async () => {
        const pipeline = client.pipeline()
        for (const key of keys) pipeline.set(keyOf.claim(key), '1', 'PX', ttlMs, 'NX')
        const replies = await pipeline.exec()
        if (replies === null) throw new Error('pipeline was discarded')
        return replies.map(([err, reply]) => {
          if (err !== null) throw err
          return reply === 'OK'
        })
      })
    },

    async claimedMany (keys) {
      if (keys.length === 0) return []
      return await run('claimedMany', async () => {
        const values = await client.mget(keys.map((key) => keyOf.claim(key)))
        return values.map((value) => value !== null)
      })
    },

    async release (key) {
      await run('release', async () => await client.del(keyOf.claim(key)))
    },

    async getCheckpoint (name) {
      return await run('getCheckpoint', async () => await client.get(keyOf.checkpoint(name)) ?? undefined)
    },

    async setCheckpoint (name, value) {
      await run('setCheckpoint', async () => await client.set(keyOf.checkpoint(name), value))
    },

    async setCheckpointIf (name, expected, value) {
      return await run('setCheckpointIf', async () => {
        const written = await client.earshotSetCheckpointIf(keyOf.checkpoint(name), expected === undefined ? '1' : '0', expected ?? '', value)
        return written === 1
      })
    },

    async increment (key, incrementOptions: IncrementOptions) {
      const by = incrementOptions.by ?? 1
      assertIncrement(by)
      const { first, last, ttlMs } = bucketRange('increment', incrementOptions, now)
      return await run('increment', async () =>
        await client.earshotIncrementWindow(keyOf.window(key), String(last), String(by), String(first), String(ttlMs)))
    },

    async count (key, windowOptions: WindowOptions) {
      const { first, last } = bucketRange('count', windowOptions, now)
      const fields = await run('count', async () => await client.hgetall(keyOf.window(key)))
      let total = 0
      for (const [field, value] of Object.entries(fields)) {
        const index = Number(field)
        if (index >= first && index <= last) total += Number(value)
      }
      return total
    },

    async ping () {
      await run('ping', async () => await client.ping())
    },

    async close () {
      closing ??= client.quit().then(() => {}, () => { client.disconnect() })
      await closing
    },
  }
}

/** The URL as it may appear in logs and errors: parsed, checked, password replaced. */
function redactedRedisUrl (rawUrl: string): string {
  let parsed: URL
  try {
    parsed = new URL(rawUrl)
  } catch {
    throw new CacheError('CACHE_ERR_INVALID_URL',
      'REDIS_URL is not a URL; set it like REDIS_URL=redis://127.0.0.1:6379 (or rediss:// for TLS)',
      { operation: 'createRedisCache' })
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new CacheError('CACHE_ERR_INVALID_URL',
      `REDIS_URL must start with redis:// or rediss://, got ${parsed.protocol}//…; set it like REDIS_URL=redis://127.0.0.1:6379`,
      { operation: 'createRedisCache' })
  }
  if (parsed.password !== '') parsed.password = '***'
  return parsed.toString()
}
