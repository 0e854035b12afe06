import { AppError } from '@earshot/errors'

// API_ERR_ rather than WEBHOOK_ERR_: ingest-webhook owns the WEBHOOK_ERR_ prefix, and each package
// uses one prefix (scripts/checks/error-codes.test.ts), so these merge into the api's src/errors.ts as they are.
export const errorCodes = [
  'API_ERR_WEBHOOK_NOT_FOUND',
  'API_ERR_WEBHOOK_DELIVERY_NOT_FOUND',
  'API_ERR_WEBHOOK_INVALID_URL',
  'API_ERR_WEBHOOK_INVALID_CURSOR',
] as const

export type ErrorCode = typeof errorCodes[number]

export class WebhookApiError extends AppError<ErrorCode> {}

/** No subscription with this id in the tenant (also what another tenant's id looks like). */
export class SubscriptionNotFoundError extends WebhookApiError {
  constructor (subscriptionId: string) {
    super('API_ERR_WEBHOOK_NOT_FOUND', `webhook subscription ${subscriptionId} not found`, { statusCode: 404 })
  }
}

export class DeliveryNotFoundError extends WebhookApiError {
  constructor (deliveryId: string) {
    super('API_ERR_WEBHOOK_DELIVERY_NOT_FOUND', `webhook delivery ${deliveryId} not found`, { statusCode: 404 })
  }
}

/** The subscription URL is not an absolute http(s) URL, or carries credentials. */
export class InvalidWebhookUrlError extends WebhookApiError {
  constructor (message: string) {
    super('API_ERR_WEBHOOK_INVALID_URL', message, { statusCode: 400 })
  }
}

export class InvalidCursorError extends WebhookApiError {
  constructor () {
    super('API_ERR_WEBHOOK_INVALID_CURSOR', 'cursor is not one this API returned; start again without it', { statusCode: 400 })
  }
}
