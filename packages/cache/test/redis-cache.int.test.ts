import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'
import { type CacheLogger, createRedisCache } from '../src/redis-cache.js'
import { cacheContract } from './cache-contract.js'

function requiredEnv (name: string): string {
  const value = process.env[name]
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set: run integration tests through jest's integration project, or set it by hand (see packages/cache/README.md)`)
  }
  return value
}

const redisUrl = requiredEnv('REDIS_URL')
const runPrefix = requiredEnv('REDIS_KEY_PREFIX')
const admin = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
const prefixesInUse: string[] = []

function uniquePrefix (): string {
  const prefix = `${runPrefix}cache-${randomBytes(4).toString('hex')}:`
  prefixesInUse.push(prefix)
  return prefix
}

async function keysUnder (prefix: string): Promise<string[]> {
  const keys: string[] = []
  let cursor = '0'
  do {
    const [next, batch] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
    keys.push(...batch)
    cursor = next
  } while (cursor !== '0')
  return keys
}

afterEach(async () => {
  for (const prefix of prefixesInUse.splice(0)) {
    const keys = await keysUnder(prefix)
    if (keys.length > 0) await admin.del(...keys)
  }
})

afterAll(async () => {
  await admin.quit()
})

cacheContract('redis', (options) => createRedisCache({ url: redisUrl, prefix: uniquePrefix(), now: options?.now }))

describe('redis cache', () => {
  test('keeps every key under its prefix, by kind', async () => {
    const prefix = uniquePrefix()
    const cache = createRedisCache({ url: redisUrl, prefix })
    try {
      await cache.claim('t1:x:1', 60_000)
      await cache.setCheckpoint('t1:x:since', '7')
      await cache.increment('t1:negative', { windowMs: 60_000 })
      expect((await keysUnder(prefix)).sort()).toEqual([
        `${prefix}checkpoint:t1:x:since`,
        `${prefix}claim:t1:x:1`,
        `${prefix}window:t1:negative`,
      ])
    } finally {
      await cache.close()
    }
  })

  test('a counter keeps no buckets older than its window and expires a window and a bucket after its last increment', async () => {
    const prefix = uniquePrefix()
    const cache = createRedisCache({ url: redisUrl, prefix })
    const minute = { windowMs: 60_000, buckets: 60 }
    try {
      await cache.increment('t1:negative', { ...minute, at: 0 })
      await cache.increment('t1:negative', { ...minute, at: 30_000 })
      await cache.increment('t1:negative', { ...minute, at: 75_000 })
      expect((await admin.hkeys(`${prefix}window:t1:negative`)).sort()).toEqual(['30', '75'])
      const ttl = await admin.pttl(`${prefix}window:t1:negative`)
      expect(ttl).toBeGreaterThan(55_000)
      expect(ttl).toBeLessThanOrEqual(61_000)
    } finally {
      await cache.close()
    }
  })

  test('a claim holds its key for the ttl in Redis', async () => {
    const prefix = uniquePrefix()
    const cache = createRedisCache({ url: redisUrl, prefix })
    try {
      await cache.claimMany(['t1:x:1'], 30_000)
      const ttl = await admin.pttl(`${prefix}claim:t1:x:1`)
      expect(ttl).toBeGreaterThan(25_000)
      expect(ttl).toBeLessThanOrEqual(30_000)
    } finally {
      await cache.close()
    }
  })

  test('a Redis error reply fails the call with CACHE_ERR_COMMAND_FAILED, not retriable', async () => {
    const prefix = uniquePrefix()
    const cache = createRedisCache({ url: redisUrl, prefix })
    try {
      await admin.set(`${prefix}window:t1:wrongtype`, 'not a hash')
      await expect(cache.count('t1:wrongtype', { windowMs: 60_000 }))
        .rejects.toMatchObject({ code: 'CACHE_ERR_COMMAND_FAILED', retriable: false, operation: 'count' })
    } finally {
      await cache.close()
    }
  })
})

describe('redis cache without a server', () => {
  async function closedPort (): Promise<number> {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    await new Promise<void>((resolve, reject) => server.close((err) => { if (err) reject(err); else resolve() }))
    if (address === null || typeof address === 'string') throw new Error('expected a TCP address')
    return address.port
  }

  test('ping fails within a few seconds with CACHE_ERR_UNREACHABLE naming REDIS_URL and the fix, and the error is logged', async () => {
    const logged: Array<{ obj: object, msg: string | undefined }> = []
    const logger: CacheLogger = {
      info () {},
      warn () {},
      error (obj, msg) { logged.push({ obj, msg }) },
    }
    const url = `redis://:hunter2@127.0.0.1:${await closedPort()}`
    const cache = createRedisCache({ url, prefix: uniquePrefix(), logger })
    const started = Date.now()
    try {
      const failure = await cache.ping().then(() => undefined, (err: unknown) => err)
      expect(Date.now() - started).toBeLessThan(5_000)
      expect(failure).toMatchObject({ code: 'CACHE_ERR_UNREACHABLE', retriable: true, operation: 'ping' })
      const message = (failure as Error).message
      expect(message).toContain('REDIS_URL')
      expect(message).toContain('ECONNREFUSED')
      expect(message).toMatch(/Start Redis or set REDIS_URL/)
      expect(message).not.toContain('hunter2')
      expect(logged.length).toBeGreaterThan(0)
      expect(logged[0]?.msg).toBe('redis connection error')
    } finally {
      await cache.close()
    }
  })
})
