export { AppError, type AppErrorOptions, assertNever, errorCode, errorMessage, isRetriable } from './app-error.js'
