import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { MigrationFailedError, MigrationFileError } from './errors.js'
import { type Logger, silentLogger } from './logger.js'
import { locateSqlPosition, type AppliedMigrationRow, type MigrationFile, parseMigrationFiles, planMigrations } from './migration-files.js'
import { type Pool } from './pool.js'
import { withTransaction } from './transaction.js'

/** src/ and dist/ both sit one level below the package root, next to migrations/. */
export const defaultMigrationsDir = path.resolve(__dirname, '../migrations')

/** Any fixed key works; it only has to be the same for every runner. */
const migrationLockKey = 4_815_162_342

export interface MigrateOptions {
  dir?: string
  logger?: Logger
}

export interface AppliedMigration {
  version: number
  name: string
  fileName: string
  durationMs: number
}

/**
 * Applies pending migrations in version order, each in its own transaction that first takes a
 * transaction-scoped advisory lock and re-reads schema_migrations, so concurrent runners (a k8s Job
 * and an all-in-one process) apply each file once. Works on one connection, as PGlite needs.
 */
export async function migrate (pool: Pool, options: MigrateOptions = {}): Promise<AppliedMigration[]> {
  const dir = options.dir ?? defaultMigrationsDir
  const logger = options.logger ?? silentLogger
  const files = parseMigrationFiles(await readMigrationDir(dir))
  const applied: AppliedMigration[] = []
  let warnedAboutUnknown = false

  for (;;) {
    const result = await withTransaction(pool, async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(${migrationLockKey})`)
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`)
      const { rows } = await client.query<AppliedMigrationRow>('SELECT version, name, checksum FROM schema_migrations ORDER BY version')
      const plan = planMigrations(files, rows)
      if (plan.unknownApplied.length > 0 && !warnedAboutUnknown) {
        warnedAboutUnknown = true
        logger.warn({ versions: plan.unknownApplied.map((row) => row.version), dir },
          'the database has applied migrations that this release does not have')
      }
      const next = plan.pending[0]
      if (next === undefined) return undefined
      const started = performance.now()
      try {
        await client.query(next.sql)
      } catch (err) {
        throw migrationFailed(next, err)
      }
      await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [next.version, next.name, next.checksum])
      return { version: next.version, name: next.name, fileName: next.fileName, durationMs: Math.round(performance.now() - started) }
    })
    if (result === undefined) break
    logger.info({ migration: result.fileName, durationMs: result.durationMs }, 'applied migration')
    applied.push(result)
  }
  logger.info({ applied: applied.length, dir }, applied.length === 0 ? 'database schema is up to date' : 'migrations applied')
  return applied
}

async function readMigrationDir (dir: string): Promise<Array<{ fileName: string, sql: string }>> {
  let fileNames: string[]
  try {
    fileNames = await readdir(dir)
  } catch (err) {
    throw new MigrationFileError(`cannot read the migrations folder ${dir}`, { cause: err })
  }
  const sqlFileNames = fileNames.filter((fileName) => fileName.endsWith('.sql'))
  return Promise.all(sqlFileNames.map(async (fileName) => ({ fileName, sql: await readFile(path.join(dir, fileName), 'utf8') })))
}

function migrationFailed (migration: MigrationFile, err: unknown): MigrationFailedError {
  if (!(err instanceof pg.DatabaseError)) {
    return new MigrationFailedError(migration.fileName, err instanceof Error ? err.message : String(err), undefined, { cause: err, retriable: true })
  }
  const location = err.position === undefined ? undefined : locateSqlPosition(migration.sql, Number(err.position))
  const where = err.where === undefined ? '' : ` (${err.where.split('\n')[0] ?? ''})`
  return new MigrationFailedError(migration.fileName, `${err.message} [SQLSTATE ${err.code ?? 'unknown'}]${where}`, location,
    { cause: err, retriable: isTransientSqlState(err.code) })
}

/** Connection loss, serialisation failures/deadlocks, shutdowns and resource limits may pass on a retry. */
function isTransientSqlState (code: string | undefined): boolean {
  return code !== undefined && (/^(08|40|53)/.test(code) || code.startsWith('57P'))
}
