import { AppError } from '@earshot/errors'

export const errorCodes = [
  'FEEDS_ERR_SOURCE_SETTINGS',
] as const

export type ErrorCode = typeof errorCodes[number]

export class IngestFeedsError extends AppError<ErrorCode> {}

/** A feed source's `settings` (or the sources file itself) cannot be used; the message names each field. */
export class SourceSettingsError extends IngestFeedsError {
  constructor (message: string, cause?: unknown) {
    super('FEEDS_ERR_SOURCE_SETTINGS', message, { retriable: false, cause })
  }
}
