import { AppError } from '@earshot/errors'

export const errorCodes = [
  'DB_ERR_MIGRATION_CHECKSUM',
  'DB_ERR_MIGRATION_FAILED',
  'DB_ERR_MIGRATION_FILE',
  'DB_ERR_EMBEDDED_START',
] as const

export type ErrorCode = typeof errorCodes[number]

export class StoreError extends AppError<ErrorCode> {}

/** An applied migration's file no longer matches what was applied: history was edited. */
export class MigrationChecksumError extends StoreError {
  readonly fileName: string

  constructor (fileName: string, appliedChecksum: string, fileChecksum: string) {
    super('DB_ERR_MIGRATION_CHECKSUM',
      `migration ${fileName} was changed after it was applied (applied checksum ${appliedChecksum.slice(0, 12)}, ` +
      `file now ${fileChecksum.slice(0, 12)}); restore the file and add a new migration for the change`)
    this.fileName = fileName
  }
}

export interface SqlErrorLocation {
  line: number
  column: number
}

export class MigrationFailedError extends StoreError {
  readonly fileName: string
  readonly location: SqlErrorLocation | undefined

  constructor (fileName: string, detail: string, location: SqlErrorLocation | undefined, options: { cause: unknown, retriable: boolean }) {
    const at = location === undefined ? '' : ` at line ${location.line}, column ${location.column}`
    super('DB_ERR_MIGRATION_FAILED',
      `migration ${fileName} failed${at}: ${detail}; it was rolled back and later migrations were not applied`, options)
    this.fileName = fileName
    this.location = location
  }
}

/** The migrations folder is unreadable, or holds a badly named or duplicated file. */
export class MigrationFileError extends StoreError {
  constructor (message: string, options: { cause?: unknown } = {}) {
    super('DB_ERR_MIGRATION_FILE', message, options)
  }
}

export class EmbeddedStartError extends StoreError {
  constructor (message: string, cause: unknown) {
    super('DB_ERR_EMBEDDED_START', message, { cause })
  }
}
