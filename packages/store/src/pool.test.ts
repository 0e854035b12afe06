import { createPool } from './pool.js'
import { type Logger } from './logger.js'

// Constructing a pg.Pool opens no connection, so these stay free of I/O.
function recordingLogger (): Logger & { errors: Array<{ obj: object, msg: string | undefined }> } {
  const errors: Array<{ obj: object, msg: string | undefined }> = []
  const ignore = (): void => {}
  return { errors, debug: ignore, info: ignore, warn: ignore, error: (obj, msg) => { errors.push({ obj, msg }) } }
}

test('applies the house defaults', async () => {
  const pool = createPool({ connectionString: 'postgres://u@127.0.0.1:1/db' })
  expect(pool.options).toMatchObject({ max: 10, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000, application_name: 'earshot' })
  expect(pool.options).not.toHaveProperty('statement_timeout')
  await pool.end()
})

test('passes max, application name and statement timeout through', async () => {
  const pool = createPool({ connectionString: 'postgres://u@127.0.0.1:1/db', max: 1, applicationName: 'router', statementTimeoutMs: 2_000 })
  expect(pool.options).toMatchObject({ max: 1, application_name: 'router', statement_timeout: 2_000 })
  await pool.end()
})

test('logs an idle client error instead of letting it crash the process', async () => {
  const logger = recordingLogger()
  const pool = createPool({ connectionString: 'postgres://u@127.0.0.1:1/db' }, logger)
  const err = new Error('terminating connection due to administrator command')
  expect(pool.listenerCount('error')).toBe(1)
  pool.emit('error', err)
  expect(logger.errors).toEqual([{ obj: { err }, msg: 'idle PostgreSQL connection failed; the pool will open a new one' }])
  await pool.end()
})
