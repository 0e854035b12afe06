import { AppError } from '@earshot/errors'

export const errorCodes = [
  'MASTODON_ERR_SOURCE_SETTINGS',
] as const

export type ErrorCode = typeof errorCodes[number]

export class IngestMastodonError extends AppError<ErrorCode> {}

/** A Mastodon source's `settings` (or the sources file itself) cannot be used; the message names each field. */
export class SourceSettingsError extends IngestMastodonError {
  constructor (message: string, cause?: unknown) {
    super('MASTODON_ERR_SOURCE_SETTINGS', message, { retriable: false, cause })
  }
}
