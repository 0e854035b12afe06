import { AppError } from '@earshot/errors'

export const errorCodes = [
  'API_ERR_BAD_REQUEST',
  'API_ERR_UNAUTHORIZED',
  'API_ERR_FORBIDDEN',
  'API_ERR_NOT_FOUND',
  'API_ERR_CONFLICT',
  'API_ERR_RATE_LIMITED',
  'API_ERR_INTERNAL',
] as const

export type ErrorCode = typeof errorCodes[number]

/** What an API caller sees as `error`, per code. */
export const errorNames: Record<ErrorCode, string> = {
  API_ERR_BAD_REQUEST: 'bad_request',
  API_ERR_UNAUTHORIZED: 'unauthorized',
  API_ERR_FORBIDDEN: 'forbidden',
  API_ERR_NOT_FOUND: 'not_found',
  API_ERR_CONFLICT: 'conflict',
  API_ERR_RATE_LIMITED: 'rate_limited',
  API_ERR_INTERNAL: 'internal',
}

const statusCodes: Record<ErrorCode, number> = {
  API_ERR_BAD_REQUEST: 400,
  API_ERR_UNAUTHORIZED: 401,
  API_ERR_FORBIDDEN: 403,
  API_ERR_NOT_FOUND: 404,
  API_ERR_CONFLICT: 409,
  API_ERR_RATE_LIMITED: 429,
  API_ERR_INTERNAL: 500,
}

/** An error meant for the caller: its message is shown as is (never for 5xx). */
export class ApiError extends AppError<ErrorCode> {
  readonly field: string | undefined
  readonly details: unknown

  constructor (code: ErrorCode, message: string, options: { field?: string, details?: unknown, cause?: unknown } = {}) {
    super(code, message, { statusCode: statusCodes[code], retriable: code === 'API_ERR_RATE_LIMITED' || code === 'API_ERR_INTERNAL', cause: options.cause })
    this.field = options.field
    this.details = options.details
  }
}

export const badRequest = (message: string, field?: string, details?: unknown): ApiError =>
  new ApiError('API_ERR_BAD_REQUEST', message, { ...(field === undefined ? {} : { field }), details })
export const unauthorized = (message = 'sign in or send an API key: Authorization: Bearer esk_…'): ApiError => new ApiError('API_ERR_UNAUTHORIZED', message)
export const forbidden = (message: string): ApiError => new ApiError('API_ERR_FORBIDDEN', message)
export const notFound = (message: string): ApiError => new ApiError('API_ERR_NOT_FOUND', message)
export const conflict = (message: string): ApiError => new ApiError('API_ERR_CONFLICT', message)
