import { mkdir } from 'node:fs/promises'
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { EmbeddedStartError } from './errors.js'
import { type Logger, silentLogger } from './logger.js'
import { type PoolConfig } from './pool.js'

export interface EmbeddedPostgresOptions {
  /** Folder holding the database files; undefined keeps the database in memory. */
  dataDir?: string
  host?: string
  /** 0 lets the operating system pick a free port. */
  port?: number
  logger?: Logger
}

export interface EmbeddedPostgres {
  connectionString: string
  /** Pass to `createPool`: PGlite runs one statement at a time on one backend, so pools use one connection. */
  poolConfig: Required<Pick<PoolConfig, 'connectionString' | 'max'>>
  /** Stops accepting connections and closes PGlite so the data directory is left consistent. End pools first. */
  close (): Promise<void>
}

/**
 * The socket server's connection limit is a little above the one connection a pool uses, so that a
 * pool replacing a dropped connection, or a second short-lived pool (migrations), is not refused
 * while the server is still detaching the old socket. PGlite still runs everything one at a time.
 */
const socketServerMaxConnections = 4

/** PGlite (PostgreSQL compiled to WebAssembly) behind a loopback PostgreSQL wire-protocol server. */
export async function startEmbeddedPostgres (options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const logger = options.logger ?? silentLogger
  const host = options.host ?? '127.0.0.1'
  let db: PGlite
  try {
    if (options.dataDir !== undefined) await mkdir(options.dataDir, { recursive: true })
    db = await PGlite.create(options.dataDir)
  } catch (err) {
    throw new EmbeddedStartError(`cannot open PGlite ${options.dataDir === undefined ? 'in memory' : `in ${options.dataDir}`}`, err)
  }
  const server = new PGLiteSocketServer({ db, host, port: options.port ?? 0, maxConnections: socketServerMaxConnections })
  try {
    await server.start()
  } catch (err) {
    await db.close()
    throw new EmbeddedStartError(`cannot listen on ${host}:${options.port ?? 0} for the embedded database`, err)
  }
  server.addEventListener('error', (event) => {
    logger.warn({ err: event instanceof CustomEvent ? event.detail : event }, 'embedded PostgreSQL connection error')
  })
  // After start, getServerConn() reports the bound address, including the port the OS chose for port 0.
  const port = Number(server.getServerConn().split(':').pop())
  const connectionString = `postgresql://postgres@${host.includes(':') ? `[${host}]` : host}:${port}/postgres`
  logger.info({ dataDir: options.dataDir ?? 'memory', host, port }, 'embedded PostgreSQL (PGlite) listening')

  let closing: Promise<void> | undefined
  const close = async (): Promise<void> => {
    closing ??= (async () => {
      await server.stop()
      await db.close()
      logger.info({ dataDir: options.dataDir ?? 'memory' }, 'embedded PostgreSQL (PGlite) closed')
    })()
    return closing
  }
  return { connectionString, poolConfig: { connectionString, max: 1 }, close }
}
