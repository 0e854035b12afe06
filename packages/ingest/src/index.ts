export { type BreakerOptions, type BreakerState, CircuitBreaker } from './circuit-breaker.js'
export type { IngestItem, PollContext, PollingConnector, PollPage, RateLimitInfo, StreamContext, StreamEvent, StreamingConnector, StreamMalformed } from './connector.js'
export {
  errorCodes, type ErrorCode, IngestError, MalformedItemError, RateLimitedError, SourceRejectedError, SourceUnavailableError,
} from './errors.js'
export { createIngestMetrics, type IngestMetrics } from './metrics.js'
export { nextPollAt } from './schedule.js'
export { filterReason, type FilterReason, type SourceConfig } from './source.js'
export { parseSourcesConfig, type SourceDefinition } from './sources-config.js'
export { type PollOutcome, type PollStatus, SourcePoller, type SourcePollerOptions } from './source-poller.js'
export { mentionDedupeKey, publishMentions, type PublishMentionsOptions, type PublishMentionsResult, type SourcedItem } from './publish-mentions.js'
export { loadSourcesFile } from './sources-file.js'
export {
  defaultReconnectPolicy, type DisconnectKind, disconnectKind, reconnectDelay, type ReconnectPolicy, type StreamRunnerOptions, StreamRunner, type StreamSource,
} from './stream-runner.js'
export { sourceCheckpointName } from './source-poller.js'
