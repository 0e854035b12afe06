export { type App, type AppDeps, createApp } from './app.js'
export { type Config, configSchema } from './config.js'
export { errorCodes, type ErrorCode, IngestYouTubeError, SourceSettingsError } from './errors.js'
export { type Normalised, type NormaliseContext, normaliseComment, normaliseThread, type ThreadRead } from './normalise.js'
export { nextPacificMidnight, pacificDay } from './pacific-time.js'
export { createQuotaBudget, type QuotaBudget, type QuotaState } from './quota.js'
export { createYouTubeClient, defaultYouTubeBaseUrl, googleErrorReason, mapYouTubeError, QuotaExceededError, type YouTubeClient, type YouTubeClientOptions } from './youtube-client.js'
export {
  createYouTubeConnector, decodeCursor, encodeCursor, type Mark, parseYouTubeSourceSettings, type YouTubeConnectorOptions, type YouTubeCursor,
  type YouTubeSourceSettings, youtubeSourceSettingsSchema,
} from './youtube-connector.js'
