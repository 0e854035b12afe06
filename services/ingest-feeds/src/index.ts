export { refusedRange, type RefusedRange } from './address-policy.js'
export { type App, type AppDeps, createApp } from './app.js'
export { type Config, configSchema } from './config.js'
export { errorCodes, type ErrorCode, IngestFeedsError, SourceSettingsError } from './errors.js'
export {
  createFeedConnector, decodeCheckpoint, encodeCheckpoint, type FeedCheckpoint, type FeedConnectorOptions, type FeedSourceSettings,
  feedSourceSettingsSchema, parseFeedSourceSettings,
} from './feed-connector.js'
export {
  AddressRefusedError, createFeedFetcher, decodeBody, type FeedFetcher, type FeedFetcherOptions, type FeedRequest, type FeedResponse,
  type ResolvedAddress, type ResolveHost,
} from './feed-fetcher.js'
export { type FeedAuthor, type FeedEntry, parseFeed, type ParsedFeed } from './feed-parser.js'
export { decodeEntities, htmlToText } from './html-text.js'
export { createKeywordFilter, type KeywordRules, type KeywordVerdict } from './keyword-filter.js'
export { createFeedMetrics, type FeedMetrics } from './metrics.js'
export { feedNativeId, normaliseEntry, type Normalised, type NormaliseContext } from './normalise.js'
export { loadSourcesFile } from './sources-file.js'
