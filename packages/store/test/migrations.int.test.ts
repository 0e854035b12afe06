import { readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  createPool, migrate, MigrationFailedError, type Pool, type PoolConfig, withTransaction,
} from '../src/index.js'
import { type EmbeddedPostgresProcess, startEmbeddedPostgresProcess } from './embedded-postgres.js'
import { type FreshDatabase, freshDatabase } from './fresh-database.js'

// Starting PGlite takes 2–3 s, so each PGlite target starts once and empties its schema between
// tests; each PostgreSQL test gets its own database (~80 ms).
jest.setTimeout(30_000)

interface Target {
  name: string
  /** Several connections run at once (real PostgreSQL); PGlite runs everything one at a time. */
  concurrent: boolean
  /** Keeps its data across `restart`. */
  persistent: boolean
  setUp (): Promise<void>
  /** An empty database for one test. */
  freshDatabase (): Promise<PoolConfig>
  /** Stops the database and starts it again from what it persisted. */
  restart (): Promise<PoolConfig>
  tearDown (): Promise<void>
}

function postgresTarget (): Target {
  const databases: FreshDatabase[] = []
  return {
    name: 'PostgreSQL (a fresh database per test from DATABASE_URL)',
    concurrent: true,
    persistent: false,
    async setUp () {},
    async freshDatabase () {
      const database = await freshDatabase()
      databases.push(database)
      return { connectionString: database.connectionString, max: 4 }
    },
    async restart () { throw new Error('not needed: PostgreSQL durability is not under test') },
    async tearDown () { await Promise.all(databases.splice(0).map((database) => database.drop())) },
  }
}

function pgliteTarget (options: { persistent: boolean }): Target {
  let dataDir: string | undefined
  let embedded: EmbeddedPostgresProcess | undefined
  const running = (): EmbeddedPostgresProcess => {
    if (embedded === undefined) throw new Error('PGlite target used before setUp')
    return embedded
  }
  return {
    name: options.persistent ? 'PGlite with a data directory' : 'PGlite in memory',
    concurrent: false,
    persistent: options.persistent,
    async setUp () {
      if (options.persistent) dataDir = await mkdtemp(path.join(tmpdir(), 'earshot-store-pglite-'))
      embedded = await startEmbeddedPostgresProcess({ dataDir })
    },
    async freshDatabase () {
      const { poolConfig } = running()
      const pool = createPool(poolConfig)
      try {
        await pool.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public')
      } finally {
        await pool.end()
      }
      return poolConfig
    },
    async restart () {
      await running().stop()
      embedded = await startEmbeddedPostgresProcess({ dataDir })
      return embedded.poolConfig
    },
    async tearDown () {
      await embedded?.stop()
      if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true })
    },
  }
}

const targets = [postgresTarget(), pgliteTarget({ persistent: false }), pgliteTarget({ persistent: true })]

describe.each(targets)('on $name', (target) => {
  let poolConfig: PoolConfig
  let pools: Pool[]
  let migrationDirs: string[]

  const openPool = (config = poolConfig): Pool => {
    const pool = createPool(config)
    pools.push(pool)
    return pool
  }

  const endPools = async (): Promise<void> => {
    await Promise.all(pools.splice(0).map((pool) => pool.end()))
  }

  const writeMigrations = async (files: Record<string, string>, dir?: string): Promise<string> => {
    if (dir === undefined) {
      dir = await mkdtemp(path.join(tmpdir(), 'earshot-store-migrations-'))
      migrationDirs.push(dir)
    }
    for (const [fileName, sql] of Object.entries(files)) await writeFile(path.join(dir, fileName), sql)
    return dir
  }

  const tableExists = async (pool: Pool, table: string): Promise<boolean> => {
    const { rows } = await pool.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [table])
    return rows[0]?.exists === true
  }

  const appliedVersions = async (pool: Pool): Promise<number[]> => {
    const { rows } = await pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')
    return rows.map((row) => row.version)
  }

  beforeAll(() => target.setUp())
  afterAll(() => target.tearDown())

  beforeEach(async () => {
    pools = []
    migrationDirs = []
    poolConfig = await target.freshDatabase()
  })

  afterEach(async () => {
    await endPools()
    await Promise.all(migrationDirs.map((dir) => rm(dir, { recursive: true, force: true })))
  })

  test('applies the package migrations and records each with its checksum', async () => {
    const pool = openPool()
    const applied = await migrate(pool)

    const files = readdirSync(path.join(__dirname, '..', 'migrations')).filter((f) => f.endsWith('.sql')).sort()
    expect(files.slice(0, 2)).toEqual(['0001_tenants.sql', '0002_tickets.sql'])
    expect(applied.map((m) => m.fileName)).toEqual(files)
    const { rows } = await pool.query('SELECT version, name, checksum FROM schema_migrations ORDER BY version')
    expect(rows).toEqual(files.map((file) => ({
      version: Number(file.slice(0, 4)), name: file.slice(5, -4), checksum: expect.stringMatching(/^[0-9a-f]{64}$/),
    })))
    await pool.query("INSERT INTO tenants (id, name) VALUES ('acme-eu', 'Acme Europe')")
    await expect(pool.query("INSERT INTO tenants (id, name) VALUES ('Not_Valid', 'x')")).rejects.toMatchObject({ code: '23514' })
  })

  test('large values are compressed with lz4 where the server has it (PostgreSQL), and still written where it has not (PGlite)', async () => {
    const pool = openPool()
    await migrate(pool)
    const { rows: [support] } = await pool.query<{ lz4: boolean }>("SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'")
    await pool.query("INSERT INTO tenants (id, name) VALUES ('acme-eu', 'Acme Europe')")
    await pool.query(`INSERT INTO outbox (tenant_id, ticket_id, sequence, event_id, message_key, payload)
      VALUES ('acme-eu', 't-1', 1, 'e-1', 'acme-eu/t-1', jsonb_build_object('text', repeat('still no refund, ', 400)))`)
    const { rows } = await pool.query<{ method: string }>('SELECT pg_column_compression(payload) AS method FROM outbox')
    expect(rows).toEqual([{ method: support?.lz4 === true ? 'lz4' : 'pglz' }])
    if (target.name.startsWith('PostgreSQL')) expect(support?.lz4).toBe(true)
  })

  test('0007 queues the unpublished outbox rows and every later insert; the previous release\'s relay then finds nothing to publish', async () => {
    const pool = openPool()
    const packaged = path.join(__dirname, '..', 'migrations')
    const files = readdirSync(packaged).filter((f) => f.endsWith('.sql')).sort()
    const before = Object.fromEntries(files.filter((f) => f < '0007').map((f) => [f, readFileSync(path.join(packaged, f), 'utf8')]))
    const dir = await writeMigrations(before)
    await migrate(pool, { dir })
    const insert = async (ticketId: string, sequence: number): Promise<void> => {
      await pool.query(`INSERT INTO outbox (tenant_id, ticket_id, sequence, event_id, message_key, payload)
        VALUES ('acme-eu', $1, $2, $3, 'k', '{}')`, [ticketId, sequence, `${ticketId}_${sequence}`])
    }
    await insert('tkt_sent', 1)
    await pool.query('UPDATE outbox SET sent_at = now()')
    await insert('tkt_waiting', 1)
    await insert('tkt_waiting', 2)
    await writeMigrations({ '0007_outbox_pending.sql': readFileSync(path.join(packaged, '0007_outbox_pending.sql'), 'utf8') }, dir)
    expect((await migrate(pool, { dir })).map((m) => m.version)).toEqual([7])
    await insert('tkt_after', 1)
    const { rows: queued } = await pool.query<{ ticket_id: string }>('SELECT o.ticket_id FROM outbox_pending p JOIN outbox o USING (id) ORDER BY p.id')
    expect(queued.map((r) => r.ticket_id)).toEqual(['tkt_waiting', 'tkt_waiting', 'tkt_after'])
    // What the previous release's relay claims: nothing, so it publishes nothing twice.
    const { rows: unsent } = await pool.query('SELECT id FROM outbox WHERE sent_at IS NULL')
    expect(unsent).toEqual([])
  })

  test('0008 drops sent_at and the outbox_unsent index, and a row written afterwards is still queued for the relay', async () => {
    const pool = openPool()
    await migrate(pool)
    const { rows: columns } = await pool.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'outbox' AND column_name = 'sent_at'")
    expect(columns).toEqual([])
    const { rows: indexes } = await pool.query("SELECT indexname FROM pg_indexes WHERE tablename = 'outbox' AND indexname = 'outbox_unsent'")
    expect(indexes).toEqual([])
    await pool.query("INSERT INTO tenants (id, name) VALUES ('acme-eu', 'Acme Europe')")
    await pool.query(`INSERT INTO outbox (tenant_id, ticket_id, sequence, event_id, message_key, payload)
      VALUES ('acme-eu', 'tkt_1', 1, 'tkt_1_1', 'k', '{}')`)
    const { rows: queued } = await pool.query<{ ticket_id: string }>('SELECT o.ticket_id FROM outbox_pending p JOIN outbox o USING (id)')
    expect(queued).toEqual([{ ticket_id: 'tkt_1' }])
  })

  test('a second run applies nothing, and a file added later is applied on the next run', async () => {
    const pool = openPool()
    const dir = await writeMigrations({ '0001_a.sql': 'CREATE TABLE a (id int);' })

    expect((await migrate(pool, { dir })).map((m) => m.version)).toEqual([1])
    expect(await migrate(pool, { dir })).toEqual([])
    await writeMigrations({ '0002_b.sql': 'CREATE TABLE b (id int);' }, dir)
    expect((await migrate(pool, { dir })).map((m) => m.version)).toEqual([2])
    expect(await appliedVersions(pool)).toEqual([1, 2])
  })

  test('refuses to run when an applied migration file was edited, applying nothing', async () => {
    const pool = openPool()
    const dir = await writeMigrations({ '0001_a.sql': 'CREATE TABLE a (id int);' })
    await migrate(pool, { dir })
    await writeMigrations({ '0001_a.sql': 'CREATE TABLE a (id bigint);', '0002_b.sql': 'CREATE TABLE b (id int);' }, dir)

    await expect(migrate(pool, { dir })).rejects.toMatchObject({
      code: 'DB_ERR_MIGRATION_CHECKSUM',
      fileName: '0001_a.sql',
      message: expect.stringMatching(/^migration 0001_a\.sql was changed after it was applied/),
    })
    expect(await tableExists(pool, 'b')).toBe(false)
    expect(await appliedVersions(pool)).toEqual([1])
  })

  test('a failing migration rolls back, names the file and line, and stops later ones; once fixed it applies', async () => {
    const pool = openPool()
    const dir = await writeMigrations({
      '0001_ok.sql': 'CREATE TABLE ok (id int);',
      '0002_broken.sql': 'CREATE TABLE half_done (id int);\nINSERT INTO half_done VALUES (1);\n  SELECT nope FROM missing_table;\n',
      '0003_after.sql': 'CREATE TABLE after_broken (id int);',
    })

    const failure = await migrate(pool, { dir }).then(() => undefined, (err: unknown) => err)
    expect(failure).toBeInstanceOf(MigrationFailedError)
    expect(failure).toMatchObject({ code: 'DB_ERR_MIGRATION_FAILED', fileName: '0002_broken.sql', location: { line: 3, column: 20 } })
    expect((failure as Error).message).toMatch(/^migration 0002_broken\.sql failed at line 3, column 20: relation "missing_table" does not exist \[SQLSTATE 42P01\]/)
    expect(await tableExists(pool, 'ok')).toBe(true)
    expect(await tableExists(pool, 'half_done')).toBe(false)
    expect(await tableExists(pool, 'after_broken')).toBe(false)
    expect(await appliedVersions(pool)).toEqual([1])

    await writeMigrations({ '0002_broken.sql': 'CREATE TABLE half_done (id int);\n' }, dir)
    expect((await migrate(pool, { dir })).map((m) => m.version)).toEqual([2, 3])
  })

  if (target.concurrent) {
    test('concurrent runners on separate connections apply each migration exactly once', async () => {
      const dir = await writeMigrations({
        '0001_a.sql': 'CREATE TABLE a (id int);',
        '0002_b.sql': 'CREATE TABLE b (id int);',
        '0003_c.sql': 'CREATE TABLE c (id int);',
      })
      const runners = Array.from({ length: 4 }, () => openPool({ ...poolConfig, max: 1 }))

      const results = await Promise.all(runners.map((pool) => migrate(pool, { dir })))

      expect(results.flat().map((m) => m.version).sort()).toEqual([1, 2, 3])
      expect(await appliedVersions(openPool())).toEqual([1, 2, 3])
    })

    test('a transaction whose connection dies rethrows the original error and discards the connection', async () => {
      const pool = openPool({ ...poolConfig, max: 1 })
      const terminated = withTransaction(pool, async (client) => {
        await client.query('SELECT pg_terminate_backend(pg_backend_pid())')
      })

      await expect(terminated).rejects.toMatchObject({ code: '57P01' })
      expect(pool.totalCount).toBe(0)
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
    })
  }

  test('withTransaction commits on success, rolls back and rethrows the original error on failure', async () => {
    const pool = openPool()
    await migrate(pool)

    const committed = await withTransaction(pool, async (client) => {
      await client.query("INSERT INTO tenants (id, name) VALUES ('kept', 'Kept')")
      return 'done'
    })
    const failure = new Error('handler failed after writing')
    const rolledBack = withTransaction(pool, async (client) => {
      await client.query("INSERT INTO tenants (id, name) VALUES ('discarded', 'Discarded')")
      throw failure
    })

    expect(committed).toBe('done')
    await expect(rolledBack).rejects.toBe(failure)
    const { rows } = await pool.query<{ id: string }>('SELECT id FROM tenants ORDER BY id')
    expect(rows.map((row) => row.id)).toEqual(['kept'])
    expect(pool.idleCount).toBe(pool.totalCount)
  })

  test('withTransaction opens the requested isolation level', async () => {
    const pool = openPool()
    const isolation = await withTransaction(pool, async (client) => {
      const { rows } = await client.query<{ transaction_isolation: string }>('SHOW transaction_isolation')
      return rows[0]?.transaction_isolation
    }, { isolationLevel: 'serializable' })

    expect(isolation).toBe('serializable')
  })

  if (target.persistent) {
    test('data survives closing the database and opening it again', async () => {
      const pool = openPool()
      await migrate(pool)
      await pool.query("INSERT INTO tenants (id, name) VALUES ('acme', 'Acme')")
      await endPools()

      const reopened = openPool(await target.restart())

      const { rows } = await reopened.query<{ id: string }>('SELECT id FROM tenants')
      expect(rows).toEqual([{ id: 'acme' }])
      expect(await migrate(reopened)).toEqual([])
    })
  }
})
