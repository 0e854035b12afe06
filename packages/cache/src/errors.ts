import { AppError } from '@earshot/errors'

export const errorCodes = [
  'CACHE_ERR_UNREACHABLE',
  'CACHE_ERR_TIMEOUT',
  'CACHE_ERR_COMMAND_FAILED',
  'CACHE_ERR_CLOSED',
  'CACHE_ERR_INVALID_ARGUMENT',
  'CACHE_ERR_INVALID_URL',
] as const

export type ErrorCode = typeof errorCodes[number]

export class CacheError extends AppError<ErrorCode> {
  /** The cache method that failed (`claim`, `increment`, …), when there was one. */
  readonly operation: string | undefined

  constructor (code: ErrorCode, message: string, options: { operation?: string, cause?: unknown, retriable?: boolean } = {}) {
    super(code, message, { cause: options.cause, retriable: options.retriable ?? false })
    this.operation = options.operation
  }
}

/** Redis could not be reached or did not answer in time; retrying later may succeed. */
export class CacheUnavailableError extends CacheError {
  /** The Redis URL with any password removed. */
  readonly url: string

  constructor (code: 'CACHE_ERR_UNREACHABLE' | 'CACHE_ERR_TIMEOUT', message: string, options: { url: string, operation?: string, cause?: unknown }) {
    super(code, message, { operation: options.operation, cause: options.cause, retriable: true })
    this.url = options.url
  }
}

/** Redis answered with an error reply; `retriable` is true only for replies that signal a passing state (LOADING, BUSY, …). */
export class CacheCommandError extends CacheError {
  constructor (message: string, options: { operation: string, cause: unknown, retriable: boolean }) {
    super('CACHE_ERR_COMMAND_FAILED', message, options)
  }
}

export class CacheClosedError extends CacheError {
  constructor (operation: string) {
    super('CACHE_ERR_CLOSED', `cache.${operation}() was called after cache.close(); create a new cache instead of reusing a closed one`, { operation })
  }
}

export class CacheArgumentError extends CacheError {
  constructor (operation: string, message: string) {
    super('CACHE_ERR_INVALID_ARGUMENT', `cache.${operation}(): ${message}`, { operation })
  }
}
