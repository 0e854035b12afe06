export { type App, type AppDeps, createApp, metaPath } from './app.js'
export { type Config, configSchema } from './config.js'
export {
  BodyTooLargeError, errorCodes, type ErrorCode, MalformedPayloadError, PublishFailedError, SourceSettingsError, UnauthenticatedError,
  type UnauthenticatedReason, UnknownSourceError, WebhookError,
} from './errors.js'
export { type GenericMessage, genericMessageSchema, normaliseGenericMessage } from './generic-normalise.js'
export { type MetaDelivery, metaTimeToIso, normaliseMetaDelivery, parseJsonBody, type SkippedChange } from './meta-normalise.js'
export {
  genericSignatureHeader, genericTimestampHeader, metaSignatureHeader, secretsEqual, signGenericRequest, signMetaBody, verifyGenericSignature,
  verifyMetaSignature,
} from './signature.js'
export { type GenericSource, genericSourceKey, resolveWebhookSources, type WebhookSources } from './sources.js'
