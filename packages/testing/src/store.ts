import { createPool, migrate, type Pool } from '@earshot/store'
import { freshDatabase } from './env.js'

export interface MigratedDatabase {
  pool: Pool
  /** Ends the pool, then drops the database. */
  close: () => Promise<void>
}

/**
 * A fresh database with every migration applied and a pool on it: the setup most PostgreSQL
 * integration tests start from. Kept out of the package's main entry so that only tests which
 * want it load @earshot/store.
 */
export async function migratedDatabase (label: string, poolSize = 4): Promise<MigratedDatabase> {
  const db = await freshDatabase(label)
  const pool = createPool({ connectionString: db.url, max: poolSize })
  try {
    await migrate(pool)
  } catch (err) {
    await pool.end()
    await db.drop()
    throw err
  }
  return {
    pool,
    close: async () => {
      await pool.end()
      await db.drop()
    },
  }
}
