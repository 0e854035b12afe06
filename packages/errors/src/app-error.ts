export interface AppErrorOptions {
  cause?: unknown
  /** True when the same operation may succeed if tried again (network, broker, 5xx, 429). */
  retriable?: boolean
  /** HTTP status for errors that reach an API caller. */
  statusCode?: number
}

/**
 * Base of every error Earshot raises on purpose. `code` is stable and documented in each
 * package's README; `retriable` tells consumers whether to back off and retry or to dead-letter.
 */
export class AppError<Code extends string = string> extends Error {
  readonly code: Code
  readonly retriable: boolean
  readonly statusCode: number | undefined

  constructor (code: Code, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.retriable = options.retriable ?? false
    this.statusCode = options.statusCode
  }
}

const programmerErrors = [TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError]

/**
 * Retriable vs fatal is a property of the error. An explicit `retriable` flag wins (AppError,
 * kafkajs errors); programmer errors are never retried; anything else (a dropped socket, a
 * pg connection error) is treated as transient.
 */
export function isRetriable (err: unknown): boolean {
  if (typeof err === 'object' && err !== null && 'retriable' in err && typeof err.retriable === 'boolean') {
    return err.retriable
  }
  if (programmerErrors.some((type) => err instanceof type)) return false
  if (isErrorLike(err) && programmerErrors.some((type) => type.name === err.name)) return false
  return true
}

// Duck-typed rather than `instanceof Error`: errors from another realm (Node internals seen from a
// Jest sandbox, worker threads) are Errors in every way that matters here but fail instanceof.
function isErrorLike (err: unknown): err is { name: string, message: string } {
  return typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string' &&
    'name' in err && typeof err.name === 'string'
}

export function errorCode (err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code
  if (isErrorLike(err)) return err.name
  return 'UNKNOWN'
}

export function errorMessage (err: unknown): string {
  if (isErrorLike(err)) return err.message
  return String(err)
}

/** Ends a switch over a union so that a new member breaks the build until it is handled. */
export function assertNever (value: never, what = 'value'): never {
  throw new TypeError(`unhandled ${what}: ${JSON.stringify(value)}`)
}
