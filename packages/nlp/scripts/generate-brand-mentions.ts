// Builds data/brand-mentions.jsonl from the hand-written, invented posts in data/seeds/*.txt: adds the
// mentions.v1 envelope (platform, author, metrics, timestamps; seeded) and derives urgency and flags
// from each line's labels with the rules in data/README.md. Run: node --conditions=earshot-source --import tsx packages/nlp/scripts/generate-brand-mentions.ts
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type FlagName, type IntentLabel, mentionSchema, type Platform, type SentimentLabel, type UrgencyLevel } from '@earshot/contracts'
import { type LabelledMention, splitOf } from '../src/labelled-mentions.js'
import { createPrng } from '../src/prng.js'

const dataDir = join(__dirname, '..', 'data')
const brands: Record<string, { tenant: string, name: string, handle: string }> = {
  rail: { tenant: 'northlink-rail', name: 'NorthLink Rail', handle: 'NorthLinkRail' },
  airline: { tenant: 'skypeak-air', name: 'SkyPeak Air', handle: 'SkyPeakAir' },
  banking: { tenant: 'crestline-bank', name: 'Crestline Bank', handle: 'CrestlineBank' },
  telecom: { tenant: 'volta-mobile', name: 'Volta Mobile', handle: 'VoltaMobile' },
  'fast food': { tenant: 'burger-barn', name: 'Burger Barn', handle: 'BurgerBarn' },
  retail: { tenant: 'marlow-finch', name: 'Marlow & Finch', handle: 'MarlowFinch' },
  games: { tenant: 'pixelforge', name: 'Pixelforge', handle: 'PixelforgeGames' },
  streaming: { tenant: 'streamly', name: 'Streamly', handle: 'StreamlyTV' },
  energy: { tenant: 'brightwatt', name: 'Brightwatt Energy', handle: 'Brightwatt' },
  delivery: { tenant: 'parcelpal', name: 'ParcelPal', handle: 'ParcelPalUK' },
  hotel: { tenant: 'harbour-hotels', name: 'Harbour Hotels', handle: 'HarbourHotels' },
  insurance: { tenant: 'shieldwise', name: 'Shieldwise Insurance', handle: 'Shieldwise' },
  supermarket: { tenant: 'green-basket', name: 'Green Basket', handle: 'GreenBasket' },
  'car rental': { tenant: 'roadly', name: 'Roadly Car Hire', handle: 'RoadlyHire' },
  mixed: { tenant: 'acme-group', name: 'Acme', handle: 'AcmeHelp' },
}
const intentCodes: Record<string, IntentLabel> = { C: 'complaint', Q: 'question', P: 'praise', B: 'purchase_intent', F: 'feedback', O: 'outage_report', X: 'churn_threat', S: 'spam', N: 'other' }
const sentimentCodes: Record<string, SentimentLabel> = { '+': 'positive', '-': 'negative', 0: 'neutral' }
const handleParts = ['sam', 'jo', 'kat', 'mo', 'dani', 'lu', 'rob', 'ines', 'tom', 'priya', 'alex', 'nina', 'leo', 'marta', 'yusuf', 'emma', 'chris', 'ana', 'felix', 'zoe']
const handleSuffixes = ['_', '.', '', '_x', '88', '_uk', '2k', '_official', 'writes', '_j']
const pressNames = ['Daily Courier News', 'Metro Business Desk', 'The Northern Post', 'City Journal', 'Consumer Watch Reporter']

const random = createPrng(20260612)
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
const between = (min: number, max: number): number => Math.floor(min + random() * (max - min + 1))

function platformFor (extras: Set<string>): Platform {
  for (const forced of ['web', 'feed', 'reddit', 'youtube'] as const) {
    if (extras.has(`@${forced}`)) return forced === 'web' ? 'webchat' : forced
  }
  const roll = random()
  return roll < 0.42 ? 'x' : roll < 0.54 ? 'mastodon' : roll < 0.68 ? 'facebook' : roll < 0.8 ? 'instagram' : roll < 0.9 ? 'reddit' : 'youtube'
}

function deriveUrgency (intents: IntentLabel[], sentiment: SentimentLabel, extras: Set<string>): UrgencyLevel {
  if (extras.has('safety') || extras.has('legal')) return 'critical'
  if (intents.includes('spam')) return 'low'
  const negative = sentiment === 'negative'
  if (extras.has('hack') || extras.has('leak') || (negative && (extras.has('big') || extras.has('press') || extras.has('viral')))) return 'critical'
  if (intents.includes('outage_report') || intents.includes('churn_threat') || extras.has('blocked')) return 'high'
  if (intents.includes('complaint') || intents.includes('question') || intents.includes('purchase_intent')) return 'normal'
  return 'low'
}

const rows: LabelledMention[] = []
const started = Date.parse('2026-03-02T07:00:00Z')
// Name order with numbers compared as numbers (supplement9 before supplement10), so a new file is read last and
// the seeded envelopes, hence ids and splits, of every earlier row stay as they were.
const orderKey = (name: string): string => name.replace(/\d+(?=\.txt$)/, (digits) => digits.padStart(4, '0'))
const seedFiles = readdirSync(join(dataDir, 'seeds')).filter((name) => name.endsWith('.txt')).sort((a, b) => orderKey(a) < orderKey(b) ? -1 : orderKey(a) > orderKey(b) ? 1 : 0)
for (const file of seedFiles) {
  let industry = 'mixed'
  let language = 'en'
  readFileSync(join(dataDir, 'seeds', file), 'utf8').split('\n').forEach((line, index) => {
    if (line.startsWith('## ')) {
      const words = line.slice(3).trim().split(' ')
      language = words.pop() as string
      industry = words.join(' ')
      return
    }
    if (line.startsWith('#') || line.trim() === '') return
    const [codes, sentimentCode, extraList, ...textParts] = line.split('|')
    const brand = brands[industry]
    if (brand === undefined || codes === undefined || sentimentCode === undefined || extraList === undefined) throw new Error(`${file}:${index + 1}: bad line or industry "${industry}"`)
    const intents = codes.split(',').map((code) => {
      const intent = intentCodes[code]
      if (intent === undefined) throw new Error(`${file}:${index + 1}: unknown intent code ${code}`)
      return intent
    })
    const sentiment = sentimentCodes[sentimentCode]
    if (sentiment === undefined) throw new Error(`${file}:${index + 1}: unknown sentiment ${sentimentCode}`)
    const extras = new Set(extraList.split(',').filter((extra) => extra !== ''))
    const platform = platformFor(extras)
    const handlesWork = platform === 'x' || platform === 'mastodon' || platform === 'instagram'
    const text = textParts.join('|').replace(/@B\b/g, handlesWork ? `@${brand.handle}` : brand.name)
    const press = extras.has('press')
    const big = extras.has('big')
    const followers = press ? between(80_000, 3_000_000) : big ? between(120_000, 2_500_000) : Math.min(20_000, Math.floor(Math.exp(random() * 8.5)))
    const viral = extras.has('viral')
    const likes = viral ? between(1_500, 40_000) : big ? between(150, 3_000) : Math.floor(Math.exp(random() * 3.5)) - 1
    const metrics = { likes, reposts: viral ? between(400, 9_000) : Math.floor(likes / between(3, 12)), replies: Math.floor(likes / between(2, 8)) }
    const handle = press ? (pick(pressNames).replace(/\W/g, '')) : `${pick(handleParts)}${pick(handleSuffixes)}${between(1, 999)}`
    const nativeId = BigInt('0x' + createHash('sha256').update(`${file}:${line}`).digest('hex').slice(0, 15)).toString()
    const createdAt = new Date(started + rows.length * 37 * 60_000 + between(0, 59) * 1000)
    const flags: FlagName[] = []
    if (extras.has('safety')) flags.push('safety')
    if (extras.has('legal')) flags.push('legalThreat')
    if (extras.has('pii')) flags.push('pii')
    if (extras.has('prof')) flags.push('profanity')
    if (intents.includes('spam')) flags.push('spam')
    if (extras.has('safety') || extras.has('disc') || ((big || press || viral) && sentiment === 'negative')) flags.push('prRisk')
    const mention = mentionSchema.parse({
      schemaVersion: 1,
      id: `${platform}:${nativeId}`,
      tenantId: brand.tenant,
      sourceId: `${platform}-mentions`,
      platform,
      nativeId,
      conversationId: `${platform}:${nativeId}`,
      author: {
        id: String(between(10_000, 99_999_999)),
        handle,
        ...(press ? { name: pick(pressNames) } : {}),
        followers,
        verified: press || (big && random() < 0.7),
      },
      text,
      ...(platform === 'x' ? { lang: language } : {}),
      createdAt: createdAt.toISOString(),
      receivedAt: new Date(createdAt.getTime() + between(500, 9_000)).toISOString(),
      metrics,
    })
    rows.push({ ...mention, labels: { sentiment, intents, urgency: deriveUrgency(intents, sentiment, extras), flags } })
  })
}
const ids = new Set(rows.map((row) => row.id))
if (ids.size !== rows.length) throw new Error('duplicate ids: two seed lines are identical')
writeFileSync(join(dataDir, 'brand-mentions.jsonl'), rows.map((row) => JSON.stringify(row)).join('\n') + '\n')
const heldout = rows.filter((row) => splitOf(row.id) === 'heldout').length
const count = (key: (row: LabelledMention) => string[]): Record<string, number> => {
  const counts: Record<string, number> = {}
  for (const row of rows) for (const value of key(row)) counts[value] = (counts[value] ?? 0) + 1
  return counts
}
console.log(`${rows.length} mentions (${rows.length - heldout} train, ${heldout} held out)`)
console.log('intents', count((row) => row.labels.intents ?? []))
console.log('urgency', count((row) => [row.labels.urgency ?? '']))
console.log('flags', count((row) => row.labels.flags ?? []))
console.log('platforms', count((row) => [row.platform]))
console.log('tenants', count((row) => [row.tenantId]))
console.log('languages (from seeds)', count((row) => [row.lang ?? 'untagged']))
