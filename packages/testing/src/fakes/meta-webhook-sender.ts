import { createHmac } from 'node:crypto'

/** One item of `entry[].changes[]` as Meta sends it. */
export interface MetaChange {
  field: string
  value: Record<string, unknown>
}

export interface MetaEntry {
  /** The Page id (object "page") or Instagram professional account id (object "instagram"). */
  id: string
  /** Epoch seconds. */
  time: number
  changes: MetaChange[]
}

export interface MetaDeliveryPayload {
  object: 'page' | 'instagram' | (string & {})
  entry: MetaEntry[]
}

let counter = 0
/** Page-scoped and Instagram ids are numeric strings; these stay unique within a test run. */
function nextId (width = 15): string {
  counter++
  return `${Date.now()}${String(counter).padStart(6, '0')}`.slice(-width).padStart(width, '1')
}

const epochSeconds = (): number => Math.floor(Date.now() / 1000)

export interface FeedCommentInput {
  pageId: string
  postId?: string
  commentId?: string
  /** Defaults to the post: a top-level comment. */
  parentId?: string
  from: { id: string, name?: string }
  message: string
  verb?: 'add' | 'edited' | 'remove' | 'hide' | 'unhide'
  createdTime?: number
}

/** A Page `feed` comment change (item "comment"); ids are `<pageId>_<post>` / `<pageId>_<post>_<comment>` like Meta's. */
export function metaFeedComment (input: FeedCommentInput): MetaChange {
  const postId = input.postId ?? `${input.pageId}_${nextId()}`
  const commentId = input.commentId ?? `${postId.split('_')[1] ?? nextId()}_${nextId()}`
  return {
    field: 'feed',
    value: {
      from: { ...input.from },
      post: { status_type: 'added_photos', is_published: true, updated_time: new Date().toISOString().replace(/\.\d{3}Z$/, '+0000'), permalink_url: `https://www.facebook.com/${postId}`, promotion_status: 'inactive', id: postId },
      message: input.message,
      post_id: postId,
      comment_id: commentId,
      created_time: input.createdTime ?? epochSeconds(),
      item: 'comment',
      parent_id: input.parentId ?? postId,
      verb: input.verb ?? 'add',
    },
  }
}

export interface FeedPostInput {
  pageId: string
  postId?: string
  from: { id: string, name?: string }
  message: string
  item?: 'status' | 'post' | 'photo' | 'video' | 'share'
  verb?: 'add' | 'edited' | 'remove' | 'hide' | 'unhide'
  createdTime?: number
}

/** A visitor's (or the Page's own) post on the Page feed. */
export function metaFeedPost (input: FeedPostInput): MetaChange {
  return {
    field: 'feed',
    value: {
      from: { ...input.from },
      message: input.message,
      post_id: input.postId ?? `${input.pageId}_${nextId()}`,
      created_time: input.createdTime ?? epochSeconds(),
      item: input.item ?? 'status',
      published: 1,
      verb: input.verb ?? 'add',
    },
  }
}

/** A reaction on the feed: Meta sends these too, and a receiver must ignore them. */
export function metaFeedReaction (input: { pageId: string, postId: string, from: { id: string, name?: string }, reactionType?: string }): MetaChange {
  return {
    field: 'feed',
    value: { item: 'reaction', verb: 'add', reaction_type: input.reactionType ?? 'like', post_id: input.postId, from: { ...input.from }, created_time: epochSeconds(), parent_id: input.postId },
  }
}

export interface InstagramCommentInput {
  id?: string
  text: string
  from: { id: string, username: string }
  mediaId?: string
  /** A reply to another comment. */
  parentId?: string
  field?: 'comments' | 'live_comments'
  mediaProductType?: 'FEED' | 'REELS' | 'AD' | 'STORY'
}

/** An Instagram `comments` (or `live_comments`) change. */
export function metaInstagramComment (input: InstagramCommentInput): MetaChange {
  return {
    field: input.field ?? 'comments',
    value: {
      from: { ...input.from },
      media: { id: input.mediaId ?? nextId(17), media_product_type: input.mediaProductType ?? 'FEED' },
      id: input.id ?? nextId(17),
      ...(input.parentId === undefined ? {} : { parent_id: input.parentId }),
      text: input.text,
    },
  }
}

/** An Instagram `mentions` change: ids only, as Meta sends it (a comment mention, or a caption mention without comment_id). */
export function metaInstagramMention (input: { mediaId?: string, commentId?: string } = {}): MetaChange {
  return {
    field: 'mentions',
    value: { media_id: input.mediaId ?? nextId(17), ...(input.commentId === undefined ? {} : { comment_id: input.commentId }) },
  }
}

/** One delivery: `object` plus entries, each an account with its changes (Meta batches up to 1,000 entries). */
export function metaDelivery (object: MetaDeliveryPayload['object'], entries: Array<{ id: string, time?: number, changes: MetaChange[] }>): MetaDeliveryPayload {
  return { object, entry: entries.map((entry) => ({ id: entry.id, time: entry.time ?? epochSeconds(), changes: entry.changes })) }
}

/**
 * JSON the way Meta writes it: non-ASCII as `\uXXXX` and `/` as `\/`. Signing these exact bytes
 * catches receivers that verify a re-serialised body instead of the raw one.
 */
export function encodeLikeMeta (payload: unknown): string {
  return JSON.stringify(payload)
    .replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/')
}

export function metaSignature (body: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`
}

export type MetaSigning = 'valid' | 'wrong-secret' | 'missing' | 'tampered' | { header: string }

export interface MetaSendResult {
  status: number
  body: string
  /** The exact bytes sent, to replay them as Meta's retry would. */
  rawBody: string
}

export interface MetaWebhookSender {
  /** POSTs a delivery signed like Meta (X-Hub-Signature-256 and the legacy sha1 header), or as `signing` says. */
  send: (payload: MetaDeliveryPayload | string, options?: { signing?: MetaSigning }) => Promise<MetaSendResult>
  /** Meta's retry: the same bytes and signature again. */
  resend: (previous: MetaSendResult) => Promise<MetaSendResult>
  /** The GET verification handshake; parameters default to a valid subscription. */
  handshake: (params?: { mode?: string, verifyToken?: string, challenge?: string }) => Promise<{ status: number, body: string, contentType: string | null }>
}

export interface MetaWebhookSenderOptions {
  /** The receiver's Meta callback URL, e.g. http://127.0.0.1:8080/webhooks/meta. */
  url: string
  appSecret: string
  verifyToken: string
}

/** Plays Meta's side of the webhook: signed deliveries, retries of the same bytes, and the handshake. */
export function createMetaWebhookSender ({ url, appSecret, verifyToken }: MetaWebhookSenderOptions): MetaWebhookSender {
  const sent = new Map<string, Record<string, string>>()

  async function post (rawBody: string, headers: Record<string, string>): Promise<MetaSendResult> {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'facebookexternalua', ...headers }, body: rawBody })
    const result = { status: response.status, body: await response.text(), rawBody }
    sent.set(rawBody, headers)
    return result
  }

  function headersFor (rawBody: string, signing: MetaSigning): Record<string, string> {
    const legacy = `sha1=${createHmac('sha1', appSecret).update(rawBody).digest('hex')}`
    if (signing === 'missing') return {}
    if (typeof signing === 'object') return { 'x-hub-signature-256': signing.header }
    if (signing === 'wrong-secret') return { 'x-hub-signature': legacy, 'x-hub-signature-256': metaSignature(rawBody, `${appSecret}-wrong`) }
    if (signing === 'tampered') return { 'x-hub-signature': legacy, 'x-hub-signature-256': metaSignature(`${rawBody} `, appSecret) }
    return { 'x-hub-signature': legacy, 'x-hub-signature-256': metaSignature(rawBody, appSecret) }
  }

  return {
    async send (payload, { signing = 'valid' } = {}) {
      const rawBody = typeof payload === 'string' ? payload : encodeLikeMeta(payload)
      return await post(rawBody, headersFor(rawBody, signing))
    },
    async resend (previous) {
      return await post(previous.rawBody, sent.get(previous.rawBody) ?? headersFor(previous.rawBody, 'valid'))
    },
    async handshake ({ mode = 'subscribe', verifyToken: token = verifyToken, challenge = String(1_000_000_000 + Math.floor(Math.random() * 1_000_000_000)) } = {}) {
      const query = new URLSearchParams({ 'hub.mode': mode, 'hub.challenge': challenge, 'hub.verify_token': token })
      const response = await fetch(`${url}?${query.toString()}`)
      return { status: response.status, body: await response.text(), contentType: response.headers.get('content-type') }
    },
  }
}
