export { type App, type AppDeps, createApp } from './app.js'
export { type Config, configSchema } from './config.js'
export { errorCodes, type ErrorCode, IngestXError, SourceSettingsError } from './errors.js'
// The X client and the reply sender live in @earshot/platform-x (the router posts replies too); re-exported for existing callers.
export {
  createReplySender, createXClient, defaultXBaseUrl, ReplyFailedError, ReplyInDoubtError,
  type ReplyRequest, type ReplyResult, type ReplySender, type ReplySenderOptions, type XClient, type XClientOptions,
} from '@earshot/platform-x'
export { normaliseTweet, type Normalised, type NormaliseContext, usersById } from './normalise.js'
export { createXConnector, mapXError, parseXSourceSettings, type XConnectorOptions, type XSourceSettings, xSourceSettingsSchema } from './x-connector.js'
export { createXBackfillConnector, createXStreamConnector, desiredRules, diffRules, ownersOfTag, type RuleChanges, ruleTag, syncStreamRules, type XStreamConnectorOptions, type XStreamRule, type XStreamSource } from './x-stream.js'
