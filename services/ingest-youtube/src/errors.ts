import { AppError } from '@earshot/errors'

export const errorCodes = [
  'YOUTUBE_ERR_SOURCE_SETTINGS',
] as const

export type ErrorCode = typeof errorCodes[number]

export class IngestYouTubeError extends AppError<ErrorCode> {}

/** A YouTube source's `settings` cannot be used; the message names each field. */
export class SourceSettingsError extends IngestYouTubeError {
  constructor (message: string, cause?: unknown) {
    super('YOUTUBE_ERR_SOURCE_SETTINGS', message, { retriable: false, cause })
  }
}
