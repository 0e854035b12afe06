import pg from 'pg'
import { type Logger, silentLogger } from './logger.js'

export type Pool = pg.Pool
export type PoolClient = pg.PoolClient
/** A pool or a client inside a transaction: what repository methods accept. */
export type Queryable = pg.Pool | pg.PoolClient

export interface PoolConfig {
  connectionString: string
  /** Default 10. Use 1 for the embedded mode (see `startEmbeddedPostgres`). */
  max?: number
  /** Shown in pg_stat_activity; default 'earshot'. Ignored by PGlite. */
  applicationName?: string
  /** Server-side limit per statement; unset means none. Ignored by PGlite. */
  statementTimeoutMs?: number
  /** How long an idle connection is kept; default 30 s. */
  idleTimeoutMs?: number
}

/**
 * A pg.Pool with house defaults. `connectionTimeoutMillis` is 5 s because pg's default is to wait
 * for ever, which turns an unreachable database into a hung process instead of an error. The
 * 'error' listener is always attached: without one, an idle client losing its connection (a
 * PostgreSQL restart, a failover) emits an unhandled 'error' and crashes the process; the pool
 * drops that client and opens a new one on next use.
 */
export function createPool (config: PoolConfig, logger: Logger = silentLogger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: config.connectionString,
    max: config.max ?? 10,
    idleTimeoutMillis: config.idleTimeoutMs ?? 30_000,
    connectionTimeoutMillis: 5_000,
    application_name: config.applicationName ?? 'earshot',
    keepAlive: true,
    ...(config.statementTimeoutMs === undefined ? {} : { statement_timeout: config.statementTimeoutMs }),
  })
  pool.on('error', (err) => {
    logger.error({ err }, 'idle PostgreSQL connection failed; the pool will open a new one')
  })
  return pool
}
