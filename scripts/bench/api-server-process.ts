// Runs the API in its own process for `npm run bench -- api`, so the load generator does not share
// its event loop. Prints one JSON line {port} once listening; exits when stdin closes.
import { type AddressInfo } from 'node:net'
import { createApiApp } from '@earshot/api'
import { createLogger } from '@earshot/observability'
import { createPool } from '@earshot/store'

async function main (): Promise<void> {
  const [databaseUrl = '', rateLimitArg = '1000000'] = process.argv.slice(2)
  const pool = createPool({ connectionString: databaseUrl, max: 16 })
  const logger = createLogger({ level: 'warn', name: 'bench-api' })
  // A generous limit: the benchmark measures the queue, not the rate limiter.
  const app = await createApiApp({ pool, logger, rateLimit: { max: Number(rateLimitArg), timeWindowMs: 60_000 } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  process.stdout.write(`${JSON.stringify({ port: (app.server.address() as AddressInfo).port })}\n`)
  process.stdin.resume()
  process.stdin.on('end', () => {
    app.close().then(() => pool.end()).then(() => process.exit(0), () => process.exit(1))
  })
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`)
  process.exit(1)
})
