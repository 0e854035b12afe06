// Runs the fake X server in its own process for benchmarks, so serving JSON does not compete with
// ingest-x for the same core. Prints one JSON line {url, brandIds} once the timeline is loaded.
import { startFakeX } from '@earshot/testing'

async function main (): Promise<void> {
  const [totalArg = '50000', sourcesArg = '4'] = process.argv.slice(2)
  const total = Number(totalArg)
  const sourceCount = Number(sourcesArg)
  const fake = await startFakeX({ rateLimit: { limit: 1_000_000, windowMs: 900_000 } })
  const brands = Array.from({ length: sourceCount }, (_, i) => fake.state.addUser({ id: String(5000 + i), username: `brand${i}`, name: `Brand ${i}` }))
  const authors = Array.from({ length: 500 }, (_, i) => fake.state.addUser({
    id: String(9000 + i), username: `user${i}`, name: `User ${i}`, public_metrics: { followers_count: i * 13, following_count: 1, tweet_count: 1, listed_count: 0 },
  }))
  const start = Date.UTC(2026, 10, 23, 8)
  for (let i = 0; i < total; i++) {
    const brand = brands[i % sourceCount]
    const author = authors[i % authors.length]
    if (brand === undefined || author === undefined) continue
    fake.state.addTweet({ text: `@${brand.username} my order ${i} never arrived, third time this month`, author: author.id, mentions: [brand.id], createdAt: new Date(start + i * 100).toISOString() })
  }
  process.stdout.write(`${JSON.stringify({ url: fake.url, brandIds: brands.map((b) => b.id) })}\n`)
  process.stdin.resume()
  process.stdin.on('end', () => { fake.close().then(() => process.exit(0), () => process.exit(1)) })
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`)
  process.exit(1)
})
