import { createHash } from 'node:crypto'
import { type Mention, maxTextLength, mentionSchema } from '@earshot/contracts'
import type { IngestItem } from '@earshot/ingest'
import type { FeedEntry } from './feed-parser.js'

export interface NormaliseContext {
  tenantId: string
  sourceId: string
  /** The feed's URL (for relative links and the author fallback). */
  feedUrl: string
  /** ISO time the feed was received; items without a usable date get it. */
  receivedAt: string
}

export type Normalised =
  | { ok: true, item: IngestItem, dated: boolean }
  | { ok: false, reason: string, nativeId?: string }

const maxConversationLength = 500

/** An absolute IRI (Atom ids, URL guids) is globally unique; anything else is only unique within its feed. */
function isGlobalId (id: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(id)
}

/** The dedupe identity of an item: a hash, so ids of any length and alphabet fit `feed:<nativeId>`. */
export function feedNativeId (identity: string, sourceId: string): string {
  const scoped = isGlobalId(identity) ? identity : `${sourceId}\n${identity}`
  return createHash('sha256').update(scoped).digest('hex').slice(0, 32)
}

function httpUrl (value: string | undefined, base: string): string | undefined {
  if (value === undefined) return undefined
  try {
    const url = new URL(value, base)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined
  } catch {
    return undefined
  }
}

function withoutFragment (url: string): string {
  const hash = url.indexOf('#')
  return hash === -1 ? url : url.slice(0, hash)
}

function conversationKey (key: string): string {
  return key.length <= maxConversationLength ? `feed:${key}` : `feed:sha256:${createHash('sha256').update(key).digest('hex')}`
}

function isoDate (value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const ms = Date.parse(value)
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined
}

function combinedText (title: string | undefined, body: string | undefined): string {
  if (title === undefined) return body ?? ''
  if (body === undefined || body === '') return title
  if (body.startsWith(title)) return body
  return `${title}\n\n${body}`
}

function truncate (text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max - 1)
  // Never leave half a surrogate pair.
  return (/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut) + '…'
}

/**
 * One feed entry as mentions.v1. Identity: the guid/id, else the link, else title + date, hashed
 * (ids that are not absolute IRIs, such as a bare "123", are scoped to the source; isPermaLink only
 * says whether a guid is a page address, and a tag: URI is unique either way).
 * Conversation: the discussion the entry belongs to — Atom `thr:in-reply-to` (its href, else its
 * ref), RSS `comments`, else the entry's link without fragment, else the entry itself — so replies
 * in one forum thread land on one ticket. Text: title and body, HTML already stripped.
 */
export function normaliseEntry (entry: FeedEntry, context: NormaliseContext): Normalised {
  const link = httpUrl(entry.link, context.feedUrl)
  const published = isoDate(entry.published) ?? isoDate(entry.updated)
  const identity = entry.id ?? link ?? (entry.title !== undefined && entry.published !== undefined ? `${entry.title}\n${entry.published}` : undefined)
  if (identity === undefined) return { ok: false, reason: 'entry has no guid/id, no link and no title with a date to identify it' }
  const nativeId = feedNativeId(identity, context.sourceId)
  const text = truncate(combinedText(entry.title, entry.body), maxTextLength)
  if (text.trim() === '') return { ok: false, nativeId, reason: 'entry has neither title nor content' }

  const replyHref = httpUrl(entry.inReplyTo?.href, context.feedUrl)
  const thread = entry.inReplyTo !== undefined
    ? replyHref === undefined ? entry.inReplyTo.ref : withoutFragment(replyHref)
    : httpUrl(entry.commentsUrl, context.feedUrl) ?? (link === undefined ? undefined : withoutFragment(link))
  const feedHost = new URL(context.feedUrl).host
  const author = entry.author
  const handle = author?.name ?? author?.email?.replace(/@.*$/, '') ?? feedHost
  const authorId = author?.uri ?? (author?.email === undefined ? undefined : `mailto:${author.email}`) ?? `${feedHost}/${handle}`

  const mention: Mention = {
    schemaVersion: 1,
    id: `feed:${nativeId}`,
    tenantId: context.tenantId,
    sourceId: context.sourceId,
    platform: 'feed',
    nativeId,
    conversationId: thread === undefined ? `feed:${nativeId}` : conversationKey(thread),
    ...(entry.inReplyTo === undefined ? {} : { inReplyToId: `feed:${feedNativeId(entry.inReplyTo.ref, context.sourceId)}` }),
    ...(link === undefined ? {} : { url: link }),
    author: {
      id: truncate(authorId, 512),
      handle: truncate(handle, 256),
      ...(author?.name === undefined ? {} : { name: truncate(author.name, 512) }),
    },
    text,
    createdAt: published ?? context.receivedAt,
    receivedAt: context.receivedAt,
    raw: {
      ...(entry.id === undefined ? {} : { id: truncate(entry.id, 1024) }),
      ...(entry.link === undefined ? {} : { link: truncate(entry.link, 2048) }),
      ...(entry.published === undefined ? {} : { published: truncate(entry.published, 100) }),
      ...(entry.updated === undefined ? {} : { updated: truncate(entry.updated, 100) }),
    },
  }
  const checked = mentionSchema.safeParse(mention)
  if (!checked.success) {
    // A link the contract will not take (too long, odd characters) is worth less than the mention.
    if (checked.error.issues.every((issue) => issue.path[0] === 'url')) {
      const { url: _url, ...withoutUrl } = mention
      return { ok: true, item: { mention: withoutUrl }, dated: published !== undefined }
    }
    return { ok: false, nativeId, reason: `breaks mentions.v1: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` }
  }
  return { ok: true, item: { mention }, dated: published !== undefined }
}
