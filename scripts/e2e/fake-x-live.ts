// The fake X server in its own process for end-to-end runs, so serving JSON does not compete with
// the services for the same core. Prints one JSON line {url, brandIds}; then reads commands from
// stdin, one JSON object per line: {"add": n} posts n new mentions now (round-robin over the
// brands, each its own conversation) and answers {"added": n, "total": t, "ids": [tweet ids]}.
import { createInterface } from 'node:readline'
import { startFakeX } from '@earshot/testing'

const complaints = [
  'my order never arrived, third time this month',
  'the app keeps logging me out, fix it please',
  'been on hold for an hour, is anyone there?',
  'thanks for sorting my refund so quickly!',
  'is the outage in the north fixed yet?',
  'can I change my booking online or do I have to call?',
]

async function main (): Promise<void> {
  const brandCount = Number(process.argv[2] ?? '4')
  const fake = await startFakeX({ rateLimit: { limit: 100_000_000, windowMs: 900_000 } })
  const brands = Array.from({ length: brandCount }, (_, i) => fake.state.addUser({ id: String(5000 + i), username: `brand${i}`, name: `Brand ${i}` }))
  const authors = Array.from({ length: 500 }, (_, i) => fake.state.addUser({
    id: String(9000 + i), username: `user${i}`, name: `User ${i}`, public_metrics: { followers_count: i * 13, following_count: 1, tweet_count: 1, listed_count: 0 },
  }))
  let total = 0
  process.stdout.write(`${JSON.stringify({ url: fake.url, brandIds: brands.map((b) => b.id) })}\n`)
  const lines = createInterface({ input: process.stdin })
  lines.on('line', (line) => {
    const command = JSON.parse(line) as { add?: number }
    const n = command.add ?? 0
    const createdAt = new Date().toISOString()
    const ids: string[] = []
    for (let i = 0; i < n; i++, total++) {
      const brand = brands[total % brands.length]!
      const author = authors[total % authors.length]!
      ids.push(fake.state.addTweet({ text: `@${brand.username} ${complaints[total % complaints.length]!} #${total}`, author: author.id, mentions: [brand.id], createdAt }).id)
    }
    process.stdout.write(`${JSON.stringify({ added: n, total, ids })}\n`)
  })
  lines.on('close', () => { fake.close().then(() => process.exit(0), () => process.exit(1)) })
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`)
  process.exit(1)
})
