import { writeFileSync } from 'node:fs'
import { encodeEvent, topics } from '@earshot/contracts'
import { generateSampleMentions } from '../demo/sample-generator.js'
import { defaultSampleFile } from '../sample-file.js'

// Rewrites data/sample-mentions.jsonl from the seeded generator:
//   node --conditions=earshot-source --import tsx services/all-in-one/src/cli/generate-sample.ts [--seed N] [--out path]
const args = process.argv.slice(2)
const option = (name: string): string | undefined => {
  const index = args.indexOf(name)
  return index === -1 ? undefined : args[index + 1]
}
const seed = Number(option('--seed') ?? 8)
const out = option('--out') ?? defaultSampleFile
const mentions = generateSampleMentions({ seed })
// encodeEvent validates each line against mentions.v1, so a bad template fails here, not in the demo.
writeFileSync(out, mentions.map((mention) => encodeEvent(topics.mentions, mention)).join('\n') + '\n')
const byTenant = new Map<string, number>()
for (const mention of mentions) byTenant.set(mention.tenantId, (byTenant.get(mention.tenantId) ?? 0) + 1)
process.stdout.write(`wrote ${mentions.length} mentions to ${out} (${[...byTenant].map(([tenant, count]) => `${tenant} ${count}`).join(', ')})\n`)
