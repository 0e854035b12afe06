import { AppError } from '@earshot/errors'

export const errorCodes = [
  'INGEST_ERR_RATE_LIMITED',
  'INGEST_ERR_UNAVAILABLE',
  'INGEST_ERR_REJECTED',
  'INGEST_ERR_MALFORMED',
  'INGEST_ERR_SOURCE_CONFIG',
] as const

export type ErrorCode = typeof errorCodes[number]

export class IngestError extends AppError<ErrorCode> {}

/** The platform said 429 (or a quota is spent): no request may be made before `resetAt`. */
export class RateLimitedError extends IngestError {
  readonly resetAt: number
  constructor (resetAt: number, message = `rate limited until ${new Date(resetAt).toISOString()}`, cause?: unknown) {
    super('INGEST_ERR_RATE_LIMITED', message, { retriable: true, cause })
    this.resetAt = resetAt
  }
}

/** Network errors and 5xx: back off with jitter and try again. `status` is set when the platform answered (5xx). */
export class SourceUnavailableError extends IngestError {
  readonly status: number | undefined
  constructor (message: string, cause?: unknown, status?: number) {
    super('INGEST_ERR_UNAVAILABLE', message, { retriable: true, cause })
    this.status = status
  }
}

/** 401/403/400 and the like: retrying will not help until someone fixes credentials or configuration. */
export class SourceRejectedError extends IngestError {
  readonly status: number | undefined
  constructor (message: string, status?: number, cause?: unknown) {
    super('INGEST_ERR_REJECTED', message, { retriable: false, cause })
    this.status = status
  }
}

/** One platform item that cannot be normalised; it is logged and counted, the rest go on. */
export class MalformedItemError extends IngestError {
  constructor (message: string, cause?: unknown) {
    super('INGEST_ERR_MALFORMED', message, { retriable: false, cause })
  }
}
