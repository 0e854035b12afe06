import { createHash } from 'node:crypto'
import { MigrationChecksumError, MigrationFileError, type SqlErrorLocation } from './errors.js'

export interface MigrationFile {
  version: number
  name: string
  fileName: string
  sql: string
  checksum: string
}

export interface AppliedMigrationRow {
  version: number
  name: string
  checksum: string
}

export interface MigrationPlan {
  pending: MigrationFile[]
  /** Versions recorded in the database with no file: normal while an older release still runs. */
  unknownApplied: AppliedMigrationRow[]
}

const fileNamePattern = /^(\d{4,})_([a-z0-9]+(?:[_-][a-z0-9]+)*)\.sql$/

export function parseMigrationFileName (fileName: string): { version: number, name: string } | undefined {
  const match = fileNamePattern.exec(fileName)
  if (match === null) return undefined
  return { version: Number(match[1]), name: match[2] ?? '' }
}

/** Line endings are normalised so that a checkout with CRLF endings does not look like an edited file. */
export function migrationChecksum (sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex')
}

/**
 * Turns the folder's entries into migrations ordered by version. Files not ending in .sql are
 * ignored (a README may sit there); a .sql file that does not match NNNN_name.sql is refused, since
 * it would otherwise silently never run.
 */
export function parseMigrationFiles (entries: ReadonlyArray<{ fileName: string, sql: string }>): MigrationFile[] {
  const migrations: MigrationFile[] = []
  for (const { fileName, sql } of entries) {
    if (!fileName.endsWith('.sql')) continue
    const parsed = parseMigrationFileName(fileName)
    if (parsed === undefined) {
      throw new MigrationFileError(`migration file ${fileName} is not named NNNN_name.sql (digits, underscore, lowercase name), e.g. 0002_tickets.sql`)
    }
    migrations.push({ ...parsed, fileName, sql, checksum: migrationChecksum(sql) })
  }
  migrations.sort((a, b) => a.version - b.version)
  for (let i = 1; i < migrations.length; i++) {
    const previous = migrations[i - 1]
    const current = migrations[i]
    if (previous !== undefined && current !== undefined && previous.version === current.version) {
      throw new MigrationFileError(`migration files ${previous.fileName} and ${current.fileName} share version ${current.version}; renumber one`)
    }
  }
  return migrations
}

/** Compares the files with what the database has applied; refuses if an applied file changed. */
export function planMigrations (files: readonly MigrationFile[], applied: readonly AppliedMigrationRow[]): MigrationPlan {
  const appliedByVersion = new Map(applied.map((row) => [row.version, row]))
  const pending: MigrationFile[] = []
  for (const file of files) {
    const row = appliedByVersion.get(file.version)
    if (row === undefined) {
      pending.push(file)
    } else if (row.checksum !== file.checksum) {
      throw new MigrationChecksumError(file.fileName, row.checksum, file.checksum)
    }
  }
  const fileVersions = new Set(files.map((file) => file.version))
  return { pending, unknownApplied: applied.filter((row) => !fileVersions.has(row.version)) }
}

/** PostgreSQL reports an error position as a 1-based character offset into the whole query text. */
export function locateSqlPosition (sql: string, position: number): SqlErrorLocation | undefined {
  const characters = Array.from(sql)
  if (!Number.isInteger(position) || position < 1 || position > characters.length + 1) return undefined
  const before = characters.slice(0, position - 1).join('')
  const lines = before.split('\n')
  return { line: lines.length, column: Array.from(lines[lines.length - 1] ?? '').length + 1 }
}
