import type { Mention, Platform } from '@earshot/contracts'
import type { DemoTenantId } from './tenants.js'

/**
 * Writes the demo's recorded traffic: invented mentions of the three demo brands over six hours,
 * with a launch-day spike (the game), an outage burst (the railway's signal failure, then the
 * game's servers), food-safety and legal cases (the burger chain), replies that thread into
 * conversations, spam, and a share in other languages. Seeded, so the file is reproducible.
 */

/** mulberry32: small, fast and good enough for picking demo phrases. */
export function seededRandom (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Random = () => number

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!

function weighted<T> (random: Random, items: ReadonlyArray<readonly [T, number]>): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0)
  let roll = random() * total
  for (const [item, weight] of items) {
    roll -= weight
    if (roll < 0) return item
  }
  return items[items.length - 1]![0]
}

function fill (random: Random, template: string, slots: Record<string, readonly string[]>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const values = slots[name]
    return values === undefined ? whole : pick(random, values)
  })
}

interface Phrase { text: string, lang?: string }
/** A kind of mention: templates, and who tends to write it. */
interface Scene {
  name: string
  phrases: readonly Phrase[]
  /** Handles used instead of random ones (press, creators, spammers). */
  authors?: readonly string[]
  followers?: readonly [number, number]
  verified?: boolean
  /** Chance that someone follows the mention up in the same conversation. */
  followUp?: number
}

const en = (...texts: string[]): Phrase[] => texts.map((text) => ({ text }))
const inLang = (lang: string, ...texts: string[]): Phrase[] => texts.map((text) => ({ text, lang }))

const railSlots = {
  station: ['Harrowgate', 'Kingsmere', 'Ashby Junction', 'Lowfield', 'Calder Bridge', 'Marden Road', 'Northgate Central', 'Elmstead', 'Wexley Park', 'Brindle Cross'],
  time: ['06:52', '07:14', '07:42', '08:05', '08:31', '17:18', '17:46', '18:02', '18:40', '22:15'],
  minutes: ['15', '20', '25', '40', '55', '70'],
  coach: ['A', 'B', 'C', 'D', 'F'],
}

const railScenes: ReadonlyArray<readonly [Scene, number]> = [
  [{
    name: 'delay',
    phrases: en(
      '@NorthlineRail the {time} from {station} to {station} is cancelled AGAIN. third time this week',
      '@NorthlineRail {minutes} minutes late into {station} and not a single announcement. absolute joke',
      'sat outside {station} for {minutes} mins, no info from the driver. @NorthlineRail what is going on',
      '@NorthlineRail why is the {time} only 4 coaches? packed like sardines, people standing in the vestibules',
      'delayed again on the {time}. going to miss my connection at {station} thanks @NorthlineRail',
      '@NorthlineRail your app says on time but the board at {station} says delayed {minutes} min. which is it'
    ),
    followUp: 0.25,
  }, 22],
  [{
    name: 'question',
    phrases: en(
      '@NorthlineRail is the {time} to {station} running today?',
      '@NorthlineRail can I use my advance ticket on the later train if mine was cancelled?',
      'does anyone know if @NorthlineRail accept railcards on the {station} line?',
      '@NorthlineRail are there any engineering works between {station} and {station} this weekend?',
      '@NorthlineRail is there step free access at {station}? travelling with a wheelchair on friday',
      '@NorthlineRail how do I claim delay repay for yesterday? the link in the email does not work'
    ),
    followUp: 0.2,
  }, 16],
  [{
    name: 'praise',
    phrases: en(
      'shoutout to the guard on the {time} to {station}, super helpful with my pram. thank you @NorthlineRail',
      '@NorthlineRail new trains on the {station} line are lovely, quiet and the wifi actually works',
      'on time every day this week. well done @NorthlineRail, did not think I would ever say that',
      'thanks @NorthlineRail for holding the connection at {station}, made my night'
    ),
  }, 10],
  [{
    name: 'refund',
    phrases: en(
      '@NorthlineRail I want a refund for my season ticket, this service is unusable',
      'still waiting 6 weeks for my delay repay @NorthlineRail, do you actually pay these or not',
      '@NorthlineRail charged twice for the same ticket on your app, please refund the second one'
    ),
    followUp: 0.3,
  }, 7],
  [{
    name: 'safety',
    phrases: en(
      '@NorthlineRail there is a person on the track near {station}, trains still running through!',
      'smoke coming from under coach {coach} on the {time} to {station} @NorthlineRail',
      '@NorthlineRail unwell passenger in coach {coach} of the {time}, nobody from staff around',
      'man being threatening and aggressive to passengers in coach {coach} on the {time}, please send BTP @NorthlineRail',
      '@NorthlineRail platform 2 at {station} is flooded and people are slipping, someone is going to get hurt'
    ),
    followUp: 0.3,
  }, 3],
  [{
    name: 'legal',
    phrases: en(
      '@NorthlineRail I have passed your penalty fare letter to my solicitor. I had a valid ticket and you know it',
      'I will be taking legal action over how your staff treated me at {station} @NorthlineRail',
      '@NorthlineRail see you in the small claims court if the refund is not paid by friday'
    ),
  }, 1.5],
  [{
    name: 'press',
    authors: ['railnewsdesk', 'bbcnews', 'guardiannews'],
    followers: [150_000, 2_000_000],
    verified: true,
    phrases: en(
      'Passengers report severe disruption on @NorthlineRail services around {station} this morning. Have you been affected?',
      'Northline Rail cancellations up again this month, figures seen by us show. @NorthlineRail has been approached for comment'
    ),
  }, 1],
  [{
    name: 'spam',
    authors: ['cheapfollowers4u', 'crypto_gains_daily', 'promo_deals_now'],
    phrases: en(
      '@NorthlineRail get 10k followers in 24h!! cheap and real, DM now',
      'earn 500 a day from home, click the link in bio @NorthlineRail @bbcnews'
    ),
  }, 2],
  [{
    name: 'chatter',
    phrases: [
      ...en(
        'on the {time} with a coffee, the countryside past {station} looks amazing this morning',
        'anyone else on the {time}? the sunrise over {station} is unreal',
        'heading to {station} for the match, train is full of fans'
      ),
      ...inLang('fr', '@NorthlineRail est-ce que le train de {time} pour {station} est à l\'heure ? merci'),
      ...inLang('es', '@NorthlineRail mi tren de las {time} a {station} ha sido cancelado, ¿qué hago con mi billete?'),
      ...inLang('de', '@NorthlineRail Zug um {time} nach {station} fällt aus, gibt es einen Ersatzbus?'),
      ...inLang('pl', '@NorthlineRail czy pociąg o {time} do {station} jest opóźniony?'),
    ],
  }, 8],
]

const railOutage: Scene = {
  name: 'outage',
  phrases: en(
    'signal failure at {station} AGAIN. no trains in or out @NorthlineRail',
    '@NorthlineRail stuck outside {station} for {minutes} minutes, signal failure apparently. any idea how long?',
    '@NorthlineRail all trains cancelled from {station}, no buses, no staff, no information',
    'the whole line is down @NorthlineRail, hundreds of people on the platform at {station}',
    '@NorthlineRail is the signal failure at {station} fixed yet? need to get to work',
    'no trains between {station} and {station}. @NorthlineRail please put on replacement buses'
  ),
  followUp: 0.2,
}

const gameSlots = {
  game: ['Starfall Tactics', 'Starfall', 'Starfall Tactics'],
  code: ['SF-1002', 'SF-2040', 'SF-5003', '0x80070005', 'SF-9001'],
  device: ['PS5', 'Xbox', 'Steam Deck', 'PC', 'my RTX 3060', 'Switch'],
  edition: ['deluxe edition', 'standard edition', 'collector\'s edition', 'season pass', 'founders pack DLC'],
  hours: ['2', '3', '5', '9', '12'],
}

const gameScenes: ReadonlyArray<readonly [Scene, number]> = [
  [{
    name: 'hype',
    phrases: [
      ...en(
        '{game} is incredible. stayed up all night, the campaign is gorgeous @EmberforgeHQ',
        '@EmberforgeHQ launch day!! {game} on {device} runs like a dream, congrats to the whole team',
        '{hours} hours into {game} and I cannot stop. best tactics game in years @EmberforgeHQ',
        'the soundtrack in {game} is unreal. @EmberforgeHQ please release it on streaming',
        'GG @EmberforgeHQ, {game} was worth the wait'
      ),
      ...inLang('es', '@EmberforgeHQ {game} es increíble, llevo {hours} horas jugando'),
      ...inLang('pt', '@EmberforgeHQ {game} está lindo demais, parabéns pelo lançamento'),
      ...inLang('de', '@EmberforgeHQ {game} macht richtig Spaß, danke für das tolle Spiel'),
    ],
  }, 20],
  [{
    name: 'crash',
    phrases: en(
      '{game} crashes on startup on {device}. reinstalled twice @EmberforgeHQ',
      '@EmberforgeHQ lost my {hours} hour save after the crash, is there any way to recover it?',
      'black screen after the intro on {device}. @EmberforgeHQ any fix?',
      '@EmberforgeHQ the game keeps freezing in mission 4 on {device}, completely unplayable'
    ),
    followUp: 0.3,
  }, 12],
  [{
    name: 'refund',
    phrases: en(
      '@EmberforgeHQ I want a refund. {game} crashes every 10 minutes on {device}',
      'requesting my money back for the {edition}, nothing I paid for shows up @EmberforgeHQ',
      '@EmberforgeHQ uninstalling and doing a chargeback if this is not fixed today'
    ),
    followUp: 0.3,
  }, 6],
  [{
    name: 'store',
    phrases: en(
      '@EmberforgeHQ does the {edition} include the season pass?',
      '@EmberforgeHQ my preorder bonus is missing, where do I find it?',
      'what is the price of the {edition} in the EU store? @EmberforgeHQ',
      '@EmberforgeHQ can I upgrade from standard to the {edition} without buying again?'
    ),
    followUp: 0.2,
  }, 9],
  [{
    name: 'creator',
    authors: ['bigstreamer', 'speedrunqueen'],
    followers: [300_000, 1_500_000],
    verified: true,
    phrases: en(
      'live now with {game} on launch day! @EmberforgeHQ come say hi',
      '@EmberforgeHQ found a skip in mission 2 that breaks the speedrun timer lol, DMing you the clip'
    ),
  }, 1],
  [{
    name: 'spam',
    authors: ['free_keys_hub', 'gift_codes_2026'],
    phrases: en(
      'FREE {game} keys!!! click the link in bio before they run out @EmberforgeHQ',
      'cheap {game} accounts fully levelled, DM for prices'
    ),
  }, 3],
]

const gameOutage: Scene = {
  name: 'outage',
  phrases: [
    ...en(
      '@EmberforgeHQ servers down? cannot connect, error code {code}',
      'matchmaking queue has been 45 minutes @EmberforgeHQ, is it broken?',
      '@EmberforgeHQ disconnected mid mission and lost all progress. servers are on fire',
      'cannot connect to {game} online on {device}, error {code} @EmberforgeHQ',
      'login queue of 20000 players lol. @EmberforgeHQ add more servers'
    ),
    ...inLang('es', '@EmberforgeHQ los servidores están caídos, no puedo conectar'),
    ...inLang('pt', '@EmberforgeHQ não consigo conectar nos servidores, erro {code}'),
    ...inLang('fr', '@EmberforgeHQ impossible de se connecter, serveurs en panne ?'),
    ...inLang('ja', '@EmberforgeHQ サーバーに接続できません。エラー {code}'),
  ],
  followUp: 0.15,
}

const foodSlots = {
  town: ['Leeds Briggate', 'Croydon', 'Bristol Harbourside', 'Camden', 'Manchester Piccadilly', 'Cardiff Queen St', 'Glasgow Buchanan', 'Brighton'],
  item: ['Double Haus', 'spicy chicken bun', 'halloumi wrap', 'loaded fries', 'vegan Haus burger', 'milkshake'],
  minutes: ['45', '60', '75', '90'],
}

const foodScenes: ReadonlyArray<readonly [Scene, number]> = [
  [{
    name: 'order',
    phrases: en(
      '@Bunhaus my delivery order is missing the {item} and the fries. want a refund',
      'waited {minutes} minutes for a delivery and it arrived cold @Bunhaus',
      '@Bunhaus your app charged me twice for one order at {town}',
      '@Bunhaus ordered a {item} and got someone else\'s order entirely. no reply in the app',
      'order never turned up and the app says delivered. @Bunhaus where is my food'
    ),
    followUp: 0.3,
  }, 20],
  [{
    name: 'food safety',
    phrases: en(
      'got food poisoning after eating at @Bunhaus {town} on saturday, been sick all weekend',
      '@Bunhaus found a hair in my {item} at {town}. disgusting',
      'the chicken in my {item} was raw in the middle @Bunhaus {town}. this is dangerous',
      '@Bunhaus I told staff about my nut allergy and had an allergic reaction after the {item}. ended up in A&E',
      'there was mould on the bun of my {item} from @Bunhaus {town}'
    ),
    followUp: 0.4,
  }, 3],
  [{
    name: 'legal',
    phrases: en(
      '@Bunhaus I am reporting your {town} branch to trading standards',
      'speaking to my lawyer about what happened at @Bunhaus {town}. you will hear from them',
      '@Bunhaus refund me or I will see you in small claims court'
    ),
  }, 1.5],
  [{
    name: 'praise',
    phrases: [
      ...en(
        'the new {item} from @Bunhaus is elite. going back tomorrow',
        '@Bunhaus staff at {town} were so lovely tonight, thank you',
        'nothing beats a @Bunhaus {item} after a long shift'
      ),
      ...inLang('es', '@Bunhaus la {item} está buenísima, me encanta'),
    ],
  }, 14],
  [{
    name: 'question',
    phrases: en(
      '@Bunhaus what time does {town} close on sundays?',
      '@Bunhaus is the {item} suitable for vegans?',
      '@Bunhaus do you have allergen info for the {item}?',
      '@Bunhaus are you opening in {town}? please say yes'
    ),
    followUp: 0.2,
  }, 10],
  [{
    name: 'critic',
    authors: ['foodcritic_uk', 'localnewsdesk'],
    followers: [60_000, 400_000],
    verified: true,
    phrases: en(
      'Tried the new {item} at @Bunhaus {town}: soggy bun, lukewarm patty, not a patch on the old recipe',
      'Readers tell us @Bunhaus {town} closed early again tonight with queues outside. We have asked why'
    ),
  }, 1],
  [{
    name: 'spam',
    authors: ['voucher_king', 'free_meal_codes'],
    phrases: en(
      '@Bunhaus free meal vouchers for everyone!! click the link in bio',
      'win a 100 pound gift card, just follow and retweet, DM me'
    ),
  }, 2],
]

const followUps: readonly string[] = [
  'still waiting for an answer on this',
  'any update?? nobody has replied',
  'hello? is anyone reading these',
  'sent you a DM with the details',
  'this is getting ridiculous now',
  'thanks, that sorted it',
]

interface TenantScript {
  tenantId: DemoTenantId
  scenes: ReadonlyArray<readonly [Scene, number]>
  slots: Record<string, readonly string[]>
  /** Mentions per hour outside bursts. */
  baseRate: number
  bursts: ReadonlyArray<{ scene?: Scene, startMinute: number, minutes: number, count: number }>
}

const scripts: readonly TenantScript[] = [
  { tenantId: 'northline-rail', scenes: railScenes, slots: railSlots, baseRate: 110, bursts: [{ scene: railOutage, startMinute: 95, minutes: 25, count: 260 }] },
  // The launch: a spike of everything in the first hour, then the servers buckle.
  { tenantId: 'emberforge-games', scenes: gameScenes, slots: gameSlots, baseRate: 110, bursts: [{ startMinute: 0, minutes: 60, count: 420 }, { scene: gameOutage, startMinute: 200, minutes: 30, count: 300 }] },
  { tenantId: 'bunhaus', scenes: foodScenes, slots: foodSlots, baseRate: 110, bursts: [] },
]

const platformWeights: ReadonlyArray<readonly [Platform, number]> = [
  ['x', 45], ['mastodon', 10], ['reddit', 12], ['youtube', 8], ['facebook', 10], ['instagram', 10], ['feed', 3], ['webchat', 2],
]

const nameParts = ['sam', 'alex', 'jo', 'priya', 'tom', 'mia', 'leo', 'zara', 'dev', 'kat', 'ollie', 'nina', 'raj', 'ella', 'finn', 'amara', 'jack', 'lucia', 'ben', 'yusuf']
const handleSuffixes = ['', '_', '.', 'x', 'uk', 'gaming', 'runs', 'eats', '88', '_official']

function digits (random: Random, length: number): string {
  let out = String(1 + Math.floor(random() * 9))
  while (out.length < length) out += String(Math.floor(random() * 10))
  return out
}

function nativeIdFor (random: Random, platform: Platform): string {
  switch (platform) {
    case 'x': return digits(random, 19)
    case 'mastodon': return digits(random, 18)
    case 'reddit': return `t1_${Math.floor(random() * 36 ** 7).toString(36)}`
    case 'youtube': return `Ugz${Math.floor(random() * 36 ** 10).toString(36)}AaABAg`
    case 'facebook': return `${digits(random, 15)}_${digits(random, 16)}`
    case 'instagram': return digits(random, 17)
    case 'feed': return `post-${digits(random, 8)}`
    case 'webchat': return `chat-${digits(random, 10)}`
  }
}

function urlFor (platform: Platform, handle: string, nativeId: string): string | undefined {
  switch (platform) {
    case 'x': return `https://x.com/${handle}/status/${nativeId}`
    case 'reddit': return `https://www.reddit.com/comments/${nativeId.slice(3)}`
    case 'youtube': return `https://www.youtube.com/watch?v=demo&lc=${nativeId}`
    case 'mastodon': return `https://mastodon.example/@${handle}/${nativeId}`
    case 'feed': return `https://forum.example/t/${nativeId}`
    default: return undefined
  }
}

interface Author { id: string, handle: string, followers: number, verified: boolean }

function authorFor (random: Random, scene: Scene): Author {
  const handle = scene.authors === undefined
    ? `${pick(random, nameParts)}${pick(random, handleSuffixes)}${random() < 0.6 ? digits(random, 3) : ''}`
    : pick(random, scene.authors)
  const [low, high] = scene.followers ?? [5, 5_000]
  // Log-uniform: most people have few followers.
  const followers = Math.round(Math.exp(Math.log(low) + random() * (Math.log(high) - Math.log(low))))
  return { id: `u${[...handle].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 7)}`, handle, followers, verified: scene.verified === true }
}

export interface SampleOptions {
  seed?: number
  /** When the recording starts; the replay moves everything to "now" anyway. */
  startsAt?: Date
}

export const sampleHours = 6

/** The demo traffic, oldest first. */
export function generateSampleMentions (options: SampleOptions = {}): Mention[] {
  const random = seededRandom(options.seed ?? 8)
  const startsAt = (options.startsAt ?? new Date('2026-11-19T06:00:00Z')).getTime()
  const minute = 60_000
  const mentions: Mention[] = []
  const usedIds = new Set<string>()

  const emit = (script: TenantScript, scene: Scene, at: number): void => {
    const platform = weighted(random, platformWeights)
    let nativeId = nativeIdFor(random, platform)
    while (usedIds.has(`${platform}:${nativeId}`)) nativeId = nativeIdFor(random, platform)
    usedIds.add(`${platform}:${nativeId}`)
    const phrase = pick(random, scene.phrases)
    const author = authorFor(random, scene)
    const text = fill(random, phrase.text, script.slots)
    const url = urlFor(platform, author.handle, nativeId)
    const mention: Mention = {
      schemaVersion: 1,
      id: `${platform}:${nativeId}`,
      tenantId: script.tenantId,
      sourceId: `${platform}-mentions`,
      platform,
      nativeId,
      conversationId: `${platform}:${nativeId}`,
      author: { id: author.id, handle: author.handle, followers: author.followers, verified: author.verified },
      text,
      ...(phrase.lang === undefined ? {} : { lang: phrase.lang }),
      ...(url === undefined ? {} : { url }),
      createdAt: new Date(at).toISOString(),
      receivedAt: new Date(at + 300 + Math.floor(random() * 4000)).toISOString(),
      metrics: { likes: Math.floor(random() ** 3 * 200), reposts: Math.floor(random() ** 4 * 40), replies: Math.floor(random() ** 3 * 10) },
    }
    mentions.push(mention)
    if (scene.followUp !== undefined && random() < scene.followUp) {
      let replyId = nativeIdFor(random, platform)
      while (usedIds.has(`${platform}:${replyId}`)) replyId = nativeIdFor(random, platform)
      usedIds.add(`${platform}:${replyId}`)
      const later = at + (2 + Math.floor(random() * 40)) * minute
      const replyUrl = urlFor(platform, author.handle, replyId)
      mentions.push({
        ...mention,
        id: `${platform}:${replyId}`,
        nativeId: replyId,
        inReplyToId: mention.id,
        text: `@${script.tenantId === 'northline-rail' ? 'NorthlineRail' : script.tenantId === 'bunhaus' ? 'Bunhaus' : 'EmberforgeHQ'} ${pick(random, followUps)}`,
        createdAt: new Date(later).toISOString(),
        receivedAt: new Date(later + 500 + Math.floor(random() * 3000)).toISOString(),
        ...(replyUrl === undefined ? {} : { url: replyUrl }),
      })
    }
  }

  for (const script of scripts) {
    const base = script.baseRate * sampleHours
    for (let i = 0; i < base; i++) emit(script, weighted(random, script.scenes), startsAt + Math.floor(random() * sampleHours * 60 * minute))
    for (const burst of script.bursts) {
      for (let i = 0; i < burst.count; i++) {
        // Bursts rise fast and tail off: squaring the offset crowds mentions towards the start.
        const offset = random() ** 2 * burst.minutes * minute
        emit(script, burst.scene ?? weighted(random, script.scenes), startsAt + burst.startMinute * minute + Math.floor(offset))
      }
    }
  }
  return mentions
    .filter((mention) => Date.parse(mention.createdAt) < startsAt + sampleHours * 60 * minute)
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.id < b.id ? -1 : 1))
}
