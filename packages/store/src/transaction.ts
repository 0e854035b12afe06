import { type Pool, type PoolClient } from './pool.js'

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable'

export interface TransactionOptions {
  /** Default: the server's (read committed). */
  isolationLevel?: IsolationLevel
}

const beginStatements: Record<IsolationLevel, string> = {
  'read committed': 'BEGIN ISOLATION LEVEL READ COMMITTED',
  'repeatable read': 'BEGIN ISOLATION LEVEL REPEATABLE READ',
  serializable: 'BEGIN ISOLATION LEVEL SERIALIZABLE',
}

/**
 * Runs `work` inside BEGIN … COMMIT on one pooled client; on any error rolls back and rethrows
 * the original error. A client whose ROLLBACK fails is in an unknown state, so it is destroyed
 * (`release(err)`) rather than returned to the pool.
 *
 * pg removes the pool's error listener from a checked-out client, so a connection that dies
 * mid-transaction (PostgreSQL restarted, backend terminated) would emit an unhandled 'error' and
 * crash the process; the listener below absorbs it, and the failure surfaces from the next query.
 */
export async function withTransaction<T> (
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  options: TransactionOptions = {}
): Promise<T> {
  const client = await pool.connect()
  client.on('error', ignoreConnectionError)
  const release = (err?: Error): void => {
    client.off('error', ignoreConnectionError)
    client.release(err)
  }
  try {
    await client.query(options.isolationLevel === undefined ? 'BEGIN' : beginStatements[options.isolationLevel])
  } catch (err) {
    release(toError(err))
    throw err
  }
  let result: T
  try {
    result = await work(client)
    await client.query('COMMIT')
  } catch (err) {
    try {
      await client.query('ROLLBACK')
    } catch (rollbackErr) {
      release(toError(rollbackErr))
      throw err
    }
    release()
    throw err
  }
  release()
  return result
}

function ignoreConnectionError (): void {}

function toError (value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value))
}
