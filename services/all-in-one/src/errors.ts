import { AppError } from '@earshot/errors'

export const errorCodes = [
  'ALLINONE_ERR_ARGUMENTS',
  'ALLINONE_ERR_SAMPLE_FILE',
  'ALLINONE_ERR_DATA_DIR_BUSY',
  'ALLINONE_ERR_API_SEED',
] as const

export type ErrorCode = typeof errorCodes[number]

export class AllInOneError extends AppError<ErrorCode> {}

/** A command-line option is unknown or has an unusable value; the message names the option. */
export class ArgumentsError extends AllInOneError {
  constructor (message: string) {
    super('ALLINONE_ERR_ARGUMENTS', message, { retriable: false })
  }
}

/** The recorded mentions file cannot be read, or a line is not a mentions.v1 event. */
export class SampleFileError extends AllInOneError {
  constructor (message: string, cause?: unknown) {
    super('ALLINONE_ERR_SAMPLE_FILE', message, { retriable: false, cause })
  }
}

/** Another all-in-one process holds the data directory (PGlite has one owner per directory). */
export class DataDirBusyError extends AllInOneError {
  constructor (dataDir: string, pid: number) {
    super('ALLINONE_ERR_DATA_DIR_BUSY', `${dataDir} is in use by process ${pid}; stop it first or pass another --data-dir`, { retriable: false })
  }
}

/** The API's seed functions failed to create the demo users. */
export class ApiSeedError extends AllInOneError {
  constructor (message: string, cause?: unknown) {
    super('ALLINONE_ERR_API_SEED', message, { retriable: false, cause })
  }
}
