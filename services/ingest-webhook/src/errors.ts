import { AppError } from '@earshot/errors'

export const errorCodes = [
  'WEBHOOK_ERR_SOURCE_SETTINGS',
  'WEBHOOK_ERR_UNAUTHENTICATED',
  'WEBHOOK_ERR_MALFORMED',
  'WEBHOOK_ERR_BODY_TOO_LARGE',
  'WEBHOOK_ERR_UNKNOWN_SOURCE',
  'WEBHOOK_ERR_PUBLISH_FAILED',
] as const

export type ErrorCode = typeof errorCodes[number]

export class WebhookError extends AppError<ErrorCode> {}

/** The sources file (or a source's `settings`) cannot be used; the message names the field. Fails the boot. */
export class SourceSettingsError extends WebhookError {
  constructor (message: string, cause?: unknown) {
    super('WEBHOOK_ERR_SOURCE_SETTINGS', message, { retriable: false, cause })
  }
}

export type UnauthenticatedReason = 'missing_signature' | 'bad_signature' | 'invalid_timestamp' | 'stale_timestamp'

/** Missing or wrong signature, or a timestamp outside the tolerance window: 401, nothing published. */
export class UnauthenticatedError extends WebhookError {
  readonly reason: UnauthenticatedReason
  constructor (reason: UnauthenticatedReason, message: string) {
    super('WEBHOOK_ERR_UNAUTHENTICATED', message, { retriable: false, statusCode: 401 })
    this.reason = reason
  }
}

/** The body is not the JSON the route documents; the message names the field. */
export class MalformedPayloadError extends WebhookError {
  constructor (message: string, cause?: unknown) {
    super('WEBHOOK_ERR_MALFORMED', message, { retriable: false, statusCode: 400, cause })
  }
}

export class BodyTooLargeError extends WebhookError {
  readonly limitBytes: number
  constructor (limitBytes: number) {
    super('WEBHOOK_ERR_BODY_TOO_LARGE', `the body exceeds the ${limitBytes}-byte limit`, { retriable: false, statusCode: 413 })
    this.limitBytes = limitBytes
  }
}

/** No generic webhook source is configured for this tenant and source id. */
export class UnknownSourceError extends WebhookError {
  constructor (tenantId: string, sourceId: string) {
    super('WEBHOOK_ERR_UNKNOWN_SOURCE', `no webhook source ${sourceId} is configured for tenant ${tenantId}`, { retriable: false, statusCode: 404 })
  }
}

/** Kafka (or the dedupe cache) failed: 503, so the sender retries; nothing was acknowledged. */
export class PublishFailedError extends WebhookError {
  constructor (cause: unknown) {
    super('WEBHOOK_ERR_PUBLISH_FAILED', 'the mentions could not be written to Kafka; retry later', { retriable: true, statusCode: 503, cause })
  }
}
