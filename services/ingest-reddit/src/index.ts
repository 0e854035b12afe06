export { type App, type AppDeps, createApp } from './app.js'
export { type Config, configSchema } from './config.js'
export { errorCodes, type ErrorCode, IngestRedditError, SourceSettingsError } from './errors.js'
export { type Normalised, type NormaliseContext, normaliseThing } from './normalise.js'
export { createRedditClient, defaultRedditApiBaseUrl, defaultRedditTokenUrl, parseRateLimit, type RedditClient, type RedditClientOptions, type RedditGetOptions } from './reddit-client.js'
export {
  createRedditConnector, decodeCursor, encodeCursor, listingRequest, parseRedditSourceSettings, type RedditConnectorOptions, type RedditCursor,
  type RedditSourceSettings, redditSourceSettingsSchema,
} from './reddit-connector.js'
