import { type Mention, mentionSchema } from '@earshot/contracts'
import type { IngestItem } from '@earshot/ingest'

export interface NormaliseContext {
  tenantId: string
  sourceId: string
  /** ISO time the page was received. */
  receivedAt: string
}

export type Normalised =
  | { ok: true, item: IngestItem, createdUtc: number }
  | { ok: false, reason: string, nativeId?: string }

const fullnamePattern = /^t[13]_[0-9a-z]{1,13}$/

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function nonEmpty (value: unknown): value is string {
  return typeof value === 'string' && value !== ''
}

/**
 * One listing child (`{ kind, data }`) as mentions.v1. Posts (`t3`) start a conversation named by
 * their own fullname; comments (`t1`) join their post's (`link_id`) and reply to `parent_id`. The
 * native id is the fullname, so a post and a comment with the same base-36 id never collide. The
 * payload is untrusted: anything missing is reported, never thrown.
 */
export function normaliseThing (thing: unknown, context: NormaliseContext): Normalised {
  if (!isRecord(thing) || !isRecord(thing.data)) return { ok: false, reason: 'listing child is not { kind, data }' }
  const { kind, data } = thing
  const nativeId = typeof data.name === 'string' && fullnamePattern.test(data.name) ? data.name : undefined
  if (kind !== 't1' && kind !== 't3') return { ok: false, reason: `kind ${String(kind)} is neither a comment (t1) nor a post (t3)`, ...(nativeId === undefined ? {} : { nativeId }) }
  if (nativeId === undefined || !nativeId.startsWith(`${kind}_`)) return { ok: false, reason: `${kind} has no valid fullname` }
  const fields = kind === 't3' ? ['author', 'subreddit', 'title'] : ['author', 'subreddit', 'body', 'link_id', 'parent_id']
  const missing = fields.filter((field) => !nonEmpty(data[field]))
  if (typeof data.created_utc !== 'number' || !Number.isFinite(data.created_utc)) missing.push('created_utc')
  if (missing.length > 0) return { ok: false, nativeId, reason: `${kind} lacks ${missing.join(', ')}` }
  const createdUtc = data.created_utc as number
  const author = data.author as string
  const subreddit = data.subreddit as string
  let text: string
  let conversation: string
  let inReplyTo: string | undefined
  if (kind === 't3') {
    text = nonEmpty(data.selftext) ? `${data.title as string}\n\n${data.selftext}` : data.title as string
    conversation = nativeId
  } else {
    text = data.body as string
    conversation = data.link_id as string
    inReplyTo = data.parent_id as string
    if (!fullnamePattern.test(conversation) || !conversation.startsWith('t3_') || !fullnamePattern.test(inReplyTo)) {
      return { ok: false, nativeId, reason: 'comment\'s link_id or parent_id is not a post or comment fullname' }
    }
  }
  const score = typeof data.score === 'number' && Number.isFinite(data.score) ? Math.max(0, Math.trunc(data.score)) : 0
  const replies = typeof data.num_comments === 'number' && Number.isInteger(data.num_comments) && data.num_comments >= 0 ? data.num_comments : 0
  const permalink = nonEmpty(data.permalink) && data.permalink.startsWith('/') ? data.permalink : undefined
  const mention: Mention = {
    schemaVersion: 1,
    id: `reddit:${nativeId}`,
    tenantId: context.tenantId,
    sourceId: context.sourceId,
    platform: 'reddit',
    nativeId,
    conversationId: `reddit:${conversation}`,
    ...(inReplyTo === undefined ? {} : { inReplyToId: `reddit:${inReplyTo}` }),
    ...(permalink === undefined ? {} : { url: `https://www.reddit.com${permalink}` }),
    author: {
      id: nonEmpty(data.author_fullname) ? data.author_fullname : author,
      handle: author,
    },
    text,
    createdAt: new Date(createdUtc * 1000).toISOString(),
    receivedAt: context.receivedAt,
    metrics: { likes: score, reposts: 0, replies },
    raw: { subreddit },
  }
  const checked = mentionSchema.safeParse(mention)
  if (!checked.success) {
    const reasons = checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    return { ok: false, nativeId, reason: `breaks mentions.v1: ${reasons.join('; ')}` }
  }
  // A crosspost repeats another post, as a retweet does: filtered unless the source keeps reposts.
  return { ok: true, item: { mention, ...(nonEmpty(data.crosspost_parent) ? { isRepost: true } : {}) }, createdUtc }
}
