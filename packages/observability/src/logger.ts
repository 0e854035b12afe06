import { hostname } from 'node:os'
import { type DestinationStream, type Level, type LevelWithSilent, type Logger, pino } from 'pino'

export type { Level, LevelWithSilent, Logger }

export interface LoggerOptions {
  level: LevelWithSilent
  /** The service name, written as `service` on every line. */
  name: string
  /** Pretty output is used only on a TTY; false keeps JSON there too. */
  pretty?: boolean
  /** Paths to censor on top of `redactedPaths`, in pino's redact syntax. */
  redact?: readonly string[]
  /** Where JSON lines go instead of stdout (tests, files). Never pretty. */
  destination?: DestinationStream
}

const secretFields = ['password', 'token', 'accessToken', 'refreshToken', 'apiKey', 'secret', 'clientSecret', 'authorization', 'connectionString']
const secretHeaders = ['authorization', 'cookie', '"set-cookie"', '"x-api-key"', '"x-hub-signature-256"']

/** Secrets at the top level or one object down, and in request/response headers. */
export const redactedPaths: readonly string[] = [
  ...secretFields.flatMap((field) => [field, `*.${field}`]),
  ...secretHeaders.flatMap((header) => [`headers[${header}]`, `*.headers[${header}]`]),
]

/** One root per process, created in main.ts; modules take `logger.child({ component })`. */
export function createLogger ({ level, name, pretty, redact = [], destination }: LoggerOptions): Logger {
  const options = {
    level,
    base: { service: name, hostname: hostname() },
    serializers: { err: pino.stdSerializers.errWithCause, error: pino.stdSerializers.errWithCause },
    redact: { paths: [...redactedPaths, ...redact], censor: '[redacted]' },
  }
  if (destination !== undefined) return pino(options, destination)
  if (usePrettyOutput(pretty, process.stdout.isTTY)) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'hostname' } } })
  }
  return pino(options)
}

/** Log shippers need JSON, so only a terminal ever gets pretty output. */
export function usePrettyOutput (pretty: boolean | undefined, isTTY: boolean | undefined): boolean {
  return pretty !== false && isTTY === true
}
