import { type Mention, mentionSchema } from '@earshot/contracts'
import type { IngestItem } from '@earshot/ingest'

export interface NormaliseContext {
  tenantId: string
  sourceId: string
  /** ISO time the page was received. */
  receivedAt: string
  /** The brand's own channel: its comments are marked isBrand and filtered by policy. */
  brandChannelId?: string
}

export type Normalised =
  | { ok: true, item: IngestItem }
  | { ok: false, reason: string, nativeId?: string }

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function nonEmpty (value: unknown): value is string {
  return typeof value === 'string' && value !== ''
}

function count (value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0
}

/**
 * One `youtube#comment` as mentions.v1: a top-level comment starts the conversation named by its
 * thread (the thread id is the top-level comment's id); a reply joins and replies to `parentId`.
 * `textOriginal` is the author's text (`textDisplay` may be HTML). Untrusted: anything missing is
 * reported, never thrown.
 */
export function normaliseComment (comment: unknown, context: NormaliseContext, totalReplyCount?: number, threadId?: string): Normalised {
  if (!isRecord(comment)) return { ok: false, reason: 'comment is not an object' }
  const nativeId = nonEmpty(comment.id) ? comment.id : undefined
  if (nativeId === undefined) return { ok: false, reason: 'comment has no id' }
  const snippet = comment.snippet
  if (!isRecord(snippet)) return { ok: false, nativeId, reason: 'comment has no snippet' }
  const authorChannelId = isRecord(snippet.authorChannelId) && nonEmpty(snippet.authorChannelId.value) ? snippet.authorChannelId.value : undefined
  const missing = ['videoId', 'authorDisplayName', 'publishedAt'].filter((field) => !nonEmpty(snippet[field]))
  if (typeof snippet.textOriginal !== 'string' && typeof snippet.textDisplay !== 'string') missing.push('textOriginal')
  if (authorChannelId === undefined) missing.push('authorChannelId')
  if (missing.length > 0) return { ok: false, nativeId, reason: `comment lacks ${missing.join(', ')}` }
  const publishedAt = snippet.publishedAt as string
  if (Number.isNaN(Date.parse(publishedAt))) return { ok: false, nativeId, reason: `publishedAt ${publishedAt} is not a time` }
  const videoId = snippet.videoId as string
  const parentId = nonEmpty(snippet.parentId) ? snippet.parentId : threadId
  const handle = snippet.authorDisplayName as string
  const mention: Mention = {
    schemaVersion: 1,
    id: `youtube:${nativeId}`,
    tenantId: context.tenantId,
    sourceId: context.sourceId,
    platform: 'youtube',
    nativeId,
    conversationId: `youtube:${parentId ?? nativeId}`,
    ...(parentId === undefined ? {} : { inReplyToId: `youtube:${parentId}` }),
    url: `https://www.youtube.com/watch?v=${encodeURIComponent(videoId)}&lc=${encodeURIComponent(nativeId)}`,
    author: {
      id: authorChannelId as string,
      handle,
      ...(context.brandChannelId !== undefined && authorChannelId === context.brandChannelId ? { isBrand: true } : {}),
    },
    text: typeof snippet.textOriginal === 'string' ? snippet.textOriginal : snippet.textDisplay as string,
    createdAt: publishedAt,
    receivedAt: context.receivedAt,
    metrics: { likes: count(snippet.likeCount), reposts: 0, replies: count(totalReplyCount) },
    raw: { videoId },
  }
  const checked = mentionSchema.safeParse(mention)
  if (!checked.success) {
    const reasons = checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    return { ok: false, nativeId, reason: `breaks mentions.v1: ${reasons.join('; ')}` }
  }
  return { ok: true, item: { mention } }
}

export interface ThreadRead {
  /** The thread id (= its top-level comment's id) and that comment's publishedAt (epoch ms): the order of `order=time`. */
  id: string
  publishedAt: number
  normalised: Normalised[]
  /** `snippet.totalReplyCount`, and the ids of the replies the thread carries (often fewer). */
  totalReplyCount: number
  carriedReplyIds: string[]
}

/** One `youtube#commentThread`: its top-level comment and the replies it carries; a failure when it has no id or time to order by. */
export function normaliseThread (thread: unknown, context: NormaliseContext): ThreadRead | { ok: false, reason: string, nativeId?: string } {
  if (!isRecord(thread) || !nonEmpty(thread.id)) return { ok: false, reason: 'thread has no id' }
  const snippet = isRecord(thread.snippet) ? thread.snippet : undefined
  const top = snippet?.topLevelComment
  const topSnippet = isRecord(top) && isRecord(top.snippet) ? top.snippet : undefined
  const publishedAt = nonEmpty(topSnippet?.publishedAt) ? Date.parse(topSnippet.publishedAt) : Number.NaN
  if (Number.isNaN(publishedAt)) return { ok: false, nativeId: thread.id, reason: 'thread has no top-level comment with a publishedAt' }
  const normalised = [normaliseComment(top, context, count(snippet?.totalReplyCount))]
  const replies = isRecord(thread.replies) && Array.isArray(thread.replies.comments) ? thread.replies.comments : []
  for (const reply of replies) normalised.push(normaliseComment(reply, context, undefined, thread.id))
  const carriedReplyIds = replies.flatMap((reply) => isRecord(reply) && nonEmpty(reply.id) ? [reply.id] : [])
  return { id: thread.id, publishedAt, normalised, totalReplyCount: count(snippet?.totalReplyCount), carriedReplyIds }
}
