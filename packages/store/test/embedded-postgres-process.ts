import { startEmbeddedPostgres } from '../src/index.js'

// Child-process entry for test/embedded-postgres.ts: serves PGlite until its stdin closes.
async function main (): Promise<void> {
  const embedded = await startEmbeddedPostgres({ dataDir: process.argv[2] })
  process.stdout.write(`${JSON.stringify({ connectionString: embedded.connectionString })}\n`)
  process.stdin.on('end', () => {
    embedded.close().then(() => { process.exitCode = 0 }, (err: unknown) => {
      process.stderr.write(`closing the embedded database failed: ${String(err)}\n`)
      process.exitCode = 1
    })
  })
  process.stdin.resume()
}

main().catch((err: unknown) => {
  process.stderr.write(`starting the embedded database failed: ${String(err)}\n`)
  process.exitCode = 1
})
