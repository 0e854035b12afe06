import { AppError } from '@earshot/errors'

// The reply errors (PLATFORMX_ERR_REPLY_*) moved to @earshot/platform-x with the reply sender.
export const errorCodes = [
  'INGESTX_ERR_SOURCE_SETTINGS',
] as const

export type ErrorCode = typeof errorCodes[number]

export class IngestXError extends AppError<ErrorCode> {}

/** An X source's `settings` (or the sources file itself) cannot be used; the message names each field. */
export class SourceSettingsError extends IngestXError {
  constructor (message: string, cause?: unknown) {
    super('INGESTX_ERR_SOURCE_SETTINGS', message, { retriable: false, cause })
  }
}
