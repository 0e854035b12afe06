import { MigrationChecksumError, MigrationFileError } from './errors.js'
import { locateSqlPosition, migrationChecksum, parseMigrationFileName, parseMigrationFiles, planMigrations } from './migration-files.js'

describe('parseMigrationFileName', () => {
  test('reads the version and name from NNNN_name.sql', () => {
    expect(parseMigrationFileName('0001_tenants.sql')).toEqual({ version: 1, name: 'tenants' })
    expect(parseMigrationFileName('0042_ticket_messages.sql')).toEqual({ version: 42, name: 'ticket_messages' })
    expect(parseMigrationFileName('12345_follow-ups.sql')).toEqual({ version: 12345, name: 'follow-ups' })
  })

  test('rejects names without four digits, an underscore, a lowercase name and .sql', () => {
    for (const fileName of ['1_tenants.sql', '0001-tenants.sql', '0001_Tenants.sql', '0001_.sql', '0001_tenants.SQL', '0001_tenants.sql.bak', 'tenants.sql']) {
      expect(parseMigrationFileName(fileName)).toBeUndefined()
    }
  })
})

describe('migrationChecksum', () => {
  test('is a sha256 hex digest that changes when the SQL changes', () => {
    const checksum = migrationChecksum('CREATE TABLE a (id int);\n')
    expect(checksum).toMatch(/^[0-9a-f]{64}$/)
    expect(migrationChecksum('CREATE TABLE a (id bigint);\n')).not.toBe(checksum)
  })

  test('ignores CRLF versus LF line endings', () => {
    expect(migrationChecksum('SELECT 1;\r\nSELECT 2;\r\n')).toBe(migrationChecksum('SELECT 1;\nSELECT 2;\n'))
  })
})

describe('parseMigrationFiles', () => {
  test('orders migrations by numeric version, not by the order the folder listed them', () => {
    const migrations = parseMigrationFiles([
      { fileName: '0010_c.sql', sql: 'c' },
      { fileName: '0002_b.sql', sql: 'b' },
      { fileName: '0001_a.sql', sql: 'a' },
    ])
    expect(migrations.map((m) => m.fileName)).toEqual(['0001_a.sql', '0002_b.sql', '0010_c.sql'])
    expect(migrations[0]).toEqual({ version: 1, name: 'a', fileName: '0001_a.sql', sql: 'a', checksum: migrationChecksum('a') })
  })

  test('ignores files that are not .sql', () => {
    expect(parseMigrationFiles([{ fileName: 'README.md', sql: '' }, { fileName: '0001_a.sql', sql: 'a' }])).toHaveLength(1)
  })

  test('refuses a .sql file that is not named NNNN_name.sql, naming it', () => {
    expect(() => parseMigrationFiles([{ fileName: '2_tickets.sql', sql: '' }])).toThrow(MigrationFileError)
    expect(() => parseMigrationFiles([{ fileName: '2_tickets.sql', sql: '' }])).toThrow(/2_tickets\.sql/)
  })

  test('refuses two files with the same version, naming both', () => {
    expect(() => parseMigrationFiles([{ fileName: '0002_a.sql', sql: '' }, { fileName: '0002_b.sql', sql: '' }]))
      .toThrow('migration files 0002_a.sql and 0002_b.sql share version 2; renumber one')
  })
})

describe('planMigrations', () => {
  const files = parseMigrationFiles([
    { fileName: '0001_a.sql', sql: 'a' },
    { fileName: '0002_b.sql', sql: 'b' },
    { fileName: '0003_c.sql', sql: 'c' },
  ])
  const appliedRow = (version: number, sql: string) => ({ version, name: 'x', checksum: migrationChecksum(sql) })

  test('returns every file as pending on an empty database', () => {
    expect(planMigrations(files, []).pending.map((m) => m.version)).toEqual([1, 2, 3])
  })

  test('returns only the files not yet applied, in order, including a gap left by a late-merged file', () => {
    const plan = planMigrations(files, [appliedRow(1, 'a'), appliedRow(3, 'c')])
    expect(plan.pending.map((m) => m.version)).toEqual([2])
    expect(plan.unknownApplied).toEqual([])
  })

  test('refuses when an applied file was edited, naming the file', () => {
    const plan = () => planMigrations(files, [appliedRow(1, 'a'), appliedRow(2, 'b edited later')])
    expect(plan).toThrow(MigrationChecksumError)
    expect(plan).toThrow(/^migration 0002_b\.sql was changed after it was applied/)
  })

  test('reports applied versions that have no file', () => {
    const plan = planMigrations(files.slice(0, 1), [appliedRow(1, 'a'), appliedRow(2, 'b')])
    expect(plan.pending).toEqual([])
    expect(plan.unknownApplied.map((row) => row.version)).toEqual([2])
  })
})

describe('locateSqlPosition', () => {
  const sql = 'CREATE TABLE a (id int);\n\n  SELECT nope FROM missing;\n'

  test('turns a 1-based character offset into line and column', () => {
    expect(locateSqlPosition(sql, 1)).toEqual({ line: 1, column: 1 })
    expect(locateSqlPosition(sql, sql.indexOf('missing') + 1)).toEqual({ line: 3, column: 20 })
  })

  test('counts characters, not UTF-16 units, as PostgreSQL does', () => {
    expect(locateSqlPosition('SELECT \'😀\', nope', 13)).toEqual({ line: 1, column: 13 })
  })

  test('returns undefined for a position outside the text', () => {
    expect(locateSqlPosition(sql, 0)).toBeUndefined()
    expect(locateSqlPosition(sql, 10_000)).toBeUndefined()
  })
})
