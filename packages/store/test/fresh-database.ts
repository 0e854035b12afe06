import { randomBytes } from 'node:crypto'
import pg from 'pg'

// Stand-in until @earshot/testing provides a shared freshDatabase().
export interface FreshDatabase {
  name: string
  connectionString: string
  drop (): Promise<void>
}

export async function freshDatabase (adminUrl = process.env.DATABASE_URL): Promise<FreshDatabase> {
  if (adminUrl === undefined || adminUrl === '') {
    throw new Error('DATABASE_URL is not set: integration tests need a PostgreSQL server, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres')
  }
  const name = `earshot_store_${randomBytes(6).toString('hex')}`
  await runAsAdmin(adminUrl, `CREATE DATABASE ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    name,
    connectionString: url.toString(),
    drop: () => runAsAdmin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  }
}

async function runAsAdmin (adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}
