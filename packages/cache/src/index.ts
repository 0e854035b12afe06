export { type Cache, type Clock, type IncrementOptions, type WindowOptions } from './cache.js'
export { createMemoryCache, type MemoryCache, type MemoryCacheOptions } from './memory-cache.js'
export { createRedisCache, type CacheLogger, type RedisCacheOptions } from './redis-cache.js'
export {
  CacheArgumentError,
  CacheClosedError,
  CacheCommandError,
  CacheError,
  CacheUnavailableError,
  errorCodes,
  type ErrorCode,
} from './errors.js'
