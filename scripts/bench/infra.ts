import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { randomBytes } from 'node:crypto'

/** DATABASE_URL's server (or the machine's PostgreSQL) with a fresh database for one bench run. */
export async function benchDatabase (): Promise<{ url: string, drop: () => Promise<void> }> {
  const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
  const name = `earshot_bench_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(server)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: server })
      await client.connect()
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await client.end()
    },
  }
}

export function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

export function table (rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? []
  return rows.map((r) => r.map((cell, c) => c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)).join('  ')).join('\n')
}

/** Writes bench-results/<name>.json (not committed; each run replaces it) and says so. */
export function writeBenchResult (name: string, result: unknown): void {
  mkdirSync('bench-results', { recursive: true })
  writeFileSync(join('bench-results', `${name}.json`), `${JSON.stringify(result, null, 2)}\n`)
  process.stdout.write(`\nwritten to bench-results/${name}.json\n`)
}
