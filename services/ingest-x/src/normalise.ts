import { type Mention, mentionSchema } from '@earshot/contracts'
import type { IngestItem } from '@earshot/ingest'

export interface NormaliseContext {
  tenantId: string
  sourceId: string
  /** ISO time the page was received. */
  receivedAt: string
  /** The brand's own X user ids: their posts are marked isBrand and filtered by policy. */
  brandUserIds?: ReadonlySet<string>
}

export type Normalised =
  | { ok: true, item: IngestItem }
  | { ok: false, reason: string, nativeId?: string }

interface XUser {
  id: string
  username: string
  name?: string
  verified?: boolean
  public_metrics?: { followers_count?: number }
}

const idPattern = /^[0-9]{1,19}$/

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function count (value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0
}

/** `includes.users` by id; entries without an id and username are left out (their tweets become malformed). */
export function usersById (includes: unknown): Map<string, XUser> {
  const users = new Map<string, XUser>()
  const list = isRecord(includes) && Array.isArray(includes.users) ? includes.users : []
  for (const user of list) {
    if (isRecord(user) && typeof user.id === 'string' && typeof user.username === 'string' && user.username !== '') {
      users.set(user.id, user as unknown as XUser)
    }
  }
  return users
}

function referenced (tweet: Record<string, unknown>, type: string): string | undefined {
  if (!Array.isArray(tweet.referenced_tweets)) return undefined
  const found = tweet.referenced_tweets.find((r): r is { id: string } => isRecord(r) && r.type === type && typeof r.id === 'string')
  return found?.id
}

const xEntities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' }

/** X sends `&`, `<` and `>` in tweet text as HTML entities; one pass, so "&amp;lt;" stays "&lt;". */
export function unescapeTweetText (text: string): string {
  return text.replace(/&(?:amp|lt|gt);/g, (entity) => xEntities[entity] as string)
}

/**
 * One X v2 tweet (with its author from `includes.users`) as mentions.v1. The payload is untrusted:
 * a tweet without id, text, author_id, created_at or a hydrated author is reported, never thrown.
 * conversation_id falls back to the tweet's own id (a tweet that starts a conversation has its own).
 */
export function normaliseTweet (tweet: unknown, users: ReadonlyMap<string, XUser>, context: NormaliseContext): Normalised {
  if (!isRecord(tweet)) return { ok: false, reason: 'tweet is not an object' }
  const nativeId = typeof tweet.id === 'string' && idPattern.test(tweet.id) ? tweet.id : undefined
  if (nativeId === undefined) return { ok: false, reason: 'tweet has no valid id' }
  const missing = (['text', 'author_id', 'created_at'] as const).filter((field) => typeof tweet[field] !== 'string')
  if (missing.length > 0) return { ok: false, nativeId, reason: `tweet lacks ${missing.join(', ')}` }
  const authorId = tweet.author_id as string
  const author = users.get(authorId)
  if (author === undefined) return { ok: false, nativeId, reason: `author ${authorId} is not in includes.users` }

  const conversationId = typeof tweet.conversation_id === 'string' && tweet.conversation_id !== '' ? tweet.conversation_id : nativeId
  const repliedTo = referenced(tweet, 'replied_to')
  const metrics = isRecord(tweet.public_metrics) ? tweet.public_metrics : undefined
  const mention: Mention = {
    schemaVersion: 1,
    id: `x:${nativeId}`,
    tenantId: context.tenantId,
    sourceId: context.sourceId,
    platform: 'x',
    nativeId,
    conversationId: `x:${conversationId}`,
    ...(repliedTo === undefined ? {} : { inReplyToId: `x:${repliedTo}` }),
    url: `https://x.com/${encodeURIComponent(author.username)}/status/${nativeId}`,
    author: {
      id: author.id,
      handle: author.username,
      ...(typeof author.name === 'string' ? { name: author.name } : {}),
      ...(isRecord(author.public_metrics) && typeof author.public_metrics.followers_count === 'number' ? { followers: count(author.public_metrics.followers_count) } : {}),
      ...(typeof author.verified === 'boolean' ? { verified: author.verified } : {}),
      ...(context.brandUserIds?.has(author.id) === true ? { isBrand: true } : {}),
    },
    text: unescapeTweetText(tweet.text as string),
    ...(typeof tweet.lang === 'string' && tweet.lang !== '' ? { lang: tweet.lang } : {}),
    createdAt: tweet.created_at as string,
    receivedAt: context.receivedAt,
    ...(metrics === undefined ? {} : { metrics: { likes: count(metrics.like_count), reposts: count(metrics.retweet_count), replies: count(metrics.reply_count) } }),
  }
  const checked = mentionSchema.safeParse(mention)
  if (!checked.success) {
    // X's "lang" can be a code the contract rejects; losing the hint beats losing the mention.
    if (checked.error.issues.every((issue) => issue.path[0] === 'lang')) {
      const { lang: _lang, ...withoutLang } = mention
      return { ok: true, item: { mention: withoutLang, isRepost: referenced(tweet, 'retweeted') !== undefined } }
    }
    const reasons = checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    return { ok: false, nativeId, reason: `breaks mentions.v1: ${reasons.join('; ')}` }
  }
  return { ok: true, item: { mention, isRepost: referenced(tweet, 'retweeted') !== undefined } }
}
