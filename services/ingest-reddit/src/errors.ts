import { AppError } from '@earshot/errors'

export const errorCodes = [
  'REDDIT_ERR_SOURCE_SETTINGS',
] as const

export type ErrorCode = typeof errorCodes[number]

export class IngestRedditError extends AppError<ErrorCode> {}

/** A Reddit source's `settings` cannot be used; the message names each field. */
export class SourceSettingsError extends IngestRedditError {
  constructor (message: string, cause?: unknown) {
    super('REDDIT_ERR_SOURCE_SETTINGS', message, { retriable: false, cause })
  }
}
