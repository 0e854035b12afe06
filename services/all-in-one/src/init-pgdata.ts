import { startEmbeddedPostgres } from '@earshot/store'

// Run by preparePgdata in a child process: creates the PGlite data directory and exits, so
// initdb's memory is returned to the system instead of staying in the all-in-one.
async function main (): Promise<void> {
  const dataDir = process.argv[2]
  if (dataDir === undefined) throw new Error('usage: init-pgdata.ts <pgdata>')
  const database = await startEmbeddedPostgres({ dataDir })
  await database.close()
}

main().catch((err: unknown) => {
  process.stderr.write(`cannot initialise the embedded database: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
