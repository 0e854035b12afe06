export {
  errorCodes, type ErrorCode, HealthServerListenError, MetricConflictError, ReadinessCheckTimeoutError, ShutdownTimeoutError,
} from './errors.js'
export { createHealthServer, type HealthServer, type HealthServerOptions, type ReadinessCheck } from './health-server.js'
export { createLogger, type Level, type LevelWithSilent, type Logger, type LoggerOptions, redactedPaths } from './logger.js'
export { createMetrics, type Metrics, type MetricsOptions } from './metrics.js'
export { createShutdownRegistry, exitCodeFor, type ShutdownReason, type ShutdownRegistry, type ShutdownRegistryOptions } from './shutdown.js'
