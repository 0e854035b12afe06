import { AppError } from '@earshot/errors'

export const errorCodes = [
  'OBS_ERR_LISTEN',
  'OBS_ERR_METRIC_CONFLICT',
  'OBS_ERR_CHECK_TIMEOUT',
  'OBS_ERR_SHUTDOWN_TIMEOUT',
] as const

export type ErrorCode = typeof errorCodes[number]

export class HealthServerListenError extends AppError<'OBS_ERR_LISTEN'> {
  constructor (readonly host: string, readonly port: number, cause: unknown) {
    super('OBS_ERR_LISTEN', `health server could not listen on ${host}:${port}: ${messageOf(cause)}`, { cause })
  }
}

export class MetricConflictError extends AppError<'OBS_ERR_METRIC_CONFLICT'> {
  constructor (readonly metric: string, existing: string, requested: string) {
    super('OBS_ERR_METRIC_CONFLICT', `metric ${metric} already exists as ${existing}; cannot create it as ${requested}`)
  }
}

export class ReadinessCheckTimeoutError extends AppError<'OBS_ERR_CHECK_TIMEOUT'> {
  constructor (readonly check: string, readonly timeoutMs: number) {
    super('OBS_ERR_CHECK_TIMEOUT', `readiness check ${check} did not finish within ${timeoutMs}ms`, { retriable: true })
  }
}

export class ShutdownTimeoutError extends AppError<'OBS_ERR_SHUTDOWN_TIMEOUT'> {
  constructor (readonly timeoutMs: number, readonly pending: readonly string[]) {
    super('OBS_ERR_SHUTDOWN_TIMEOUT', `shutdown did not finish within ${timeoutMs}ms; still pending: ${pending.join(', ')}`)
  }
}

/** Duck-typed rather than `instanceof Error`, which fails for errors made in another realm (Node core under Jest's vm). */
export function messageOf (err: unknown): string {
  if (typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string') return err.message
  return String(err)
}
