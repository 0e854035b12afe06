import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { readLabelledMentions, splitOf } from '../src/labelled-mentions.js'

/**
 * `node --conditions=earshot-source --import tsx packages/nlp/scripts/find-overlaps.ts [--since REV] [--threshold 0.35]`
 *
 * New seed posts (rows of data/brand-mentions.jsonl whose id is not in the file at git revision REV)
 * whose word set overlaps a post of the other split by a Jaccard index of `threshold` or more: a train
 * post that near-repeats a held-out one would flatter the held-out figures. Prints each with the seed
 * file and line to delete. Removing lines changes later rows' platforms, hence ids and splits: run again
 * after regenerating until it prints nothing.
 */
const { values } = parseArgs({ options: { since: { type: 'string', default: 'HEAD' }, threshold: { type: 'string', default: '0.35' } } })
const dataDir = join(__dirname, '..', 'data')
const threshold = Number(values.threshold)
const rows = readLabelledMentions(join(dataDir, 'brand-mentions.jsonl'))
const before = new Set(execFileSync('git', ['show', `${values.since}:packages/nlp/data/brand-mentions.jsonl`], { encoding: 'utf8', maxBuffer: 1 << 26 })
  .split('\n').filter((line) => line !== '').map((line) => (JSON.parse(line) as { id: string }).id))
const brandWords = new Set(['northlink', 'northlinkrail', 'skypeak', 'skypeakair', 'crestline', 'crestlinebank', 'volta', 'voltamobile', 'burger', 'barn', 'burgerbarn', 'marlow', 'finch', 'marlowfinch',
  'pixelforge', 'pixelforgegames', 'streamly', 'streamlytv', 'brightwatt', 'parcelpal', 'parcelpaluk', 'harbour', 'harbourhotels', 'shieldwise', 'green', 'basket', 'greenbasket', 'roadly', 'roadlyhire', 'acme', 'acmehelp'])
const wordsOf = (text: string): Set<string> => new Set((text.toLowerCase().match(/[\p{L}\d]+/gu) ?? []).filter((word) => !brandWords.has(word)))
const jaccard = (a: Set<string>, b: Set<string>): number => {
  let shared = 0
  for (const word of a) if (b.has(word)) shared++
  return shared === 0 ? 0 : shared / (a.size + b.size - shared)
}
// Seed line of each native id (the generator hashes `file:line`).
const lineOf = new Map<string, string>()
for (const file of readdirSync(join(dataDir, 'seeds')).filter((name) => name.endsWith('.txt'))) {
  readFileSync(join(dataDir, 'seeds', file), 'utf8').split('\n').forEach((line, index) => {
    lineOf.set(BigInt('0x' + createHash('sha256').update(`${file}:${line}`).digest('hex').slice(0, 15)).toString(), `${file}:${index + 1}`)
  })
}
const words = rows.map((row) => wordsOf(row.text))
const splits = rows.map((row) => splitOf(row.id))
let found = 0
rows.forEach((row, i) => {
  if (before.has(row.id)) return
  let best = 0
  let closest = -1
  rows.forEach((_other, j) => {
    if (splits[j] === splits[i]) return
    const score = jaccard(words[i] as Set<string>, words[j] as Set<string>)
    if (score > best) {
      best = score
      closest = j
    }
  })
  if (best < threshold) return
  found++
  process.stdout.write(`${lineOf.get(row.nativeId) ?? row.id}\t${best.toFixed(2)}\t${splits[i]}\t${row.text}\n\t\t${splits[closest]}\t${rows[closest]?.text}\n`)
})
process.stderr.write(`${found} new posts overlap a post of the other split by ${threshold} or more (${rows.length - before.size} new rows)\n`)
