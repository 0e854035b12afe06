export { boolEnv, brokers, csv, duration, int, type LogLevel, logLevel, logLevels, port, url } from './env-helpers.js'
export { ConfigError, type ConfigProblem, type ErrorCode, errorCodes } from './errors.js'
export { fetchSettingsOf, kafkaEnv, kafkaFetchEnv, observabilityEnv, postgresEnv, redisEnv } from './fragments.js'
export { type Env, formatConfigError, loadConfigOrExit, type LoadConfigOptions, parseConfig } from './parse-config.js'
