import { type Logger } from '../logger.js'
import { migrate } from '../migrate.js'
import { createPool } from '../pool.js'

// Applies packages/store/migrations to DATABASE_URL. Exit codes: 0 done, 1 failed, 2 not configured.
const formatFields = (obj: object): string => JSON.stringify(obj, (_key, value: unknown) => value instanceof Error ? value.message : value)
const stderrLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (obj, msg) => { process.stderr.write(`warning: ${msg ?? ''} ${formatFields(obj)}\n`) },
  error: (obj, msg) => { process.stderr.write(`error: ${msg ?? ''} ${formatFields(obj)}\n`) },
}

async function main (): Promise<number> {
  const connectionString = process.env.DATABASE_URL
  if (connectionString === undefined || connectionString === '') {
    process.stderr.write('DATABASE_URL is not set. Set it to the database to migrate, e.g.\n' +
      '  DATABASE_URL=postgres://earshot:earshot@127.0.0.1:5432/earshot npm run migrate\n')
    return 2
  }
  const pool = createPool({ connectionString, max: 1, applicationName: 'earshot-migrate' }, stderrLogger)
  try {
    const applied = await migrate(pool, { logger: stderrLogger })
    for (const migration of applied) process.stdout.write(`applied ${migration.fileName} (${migration.durationMs} ms)\n`)
    if (applied.length === 0) process.stdout.write('nothing to apply: the database schema is up to date\n')
    return 0
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? `${String(err.code)}: ` : ''
    process.stderr.write(`cannot migrate: ${code}${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  } finally {
    await pool.end()
  }
}

main().then((exitCode) => { process.exitCode = exitCode }, (err: unknown) => {
  process.stderr.write(`${String(err)}\n`)
  process.exitCode = 1
})
