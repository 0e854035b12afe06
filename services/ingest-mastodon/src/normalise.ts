import { type Mention, mentionSchema } from '@earshot/contracts'
import type { IngestItem } from '@earshot/ingest'
import { htmlToText } from './html-text.js'

export interface NormaliseContext {
  tenantId: string
  sourceId: string
  /** The instance's host (e.g. mastodon.social): status and account ids are only unique on it. */
  instanceHost: string
  /** ISO time the page or event was received. */
  receivedAt: string
  /** The brand's own accounts as `user@host` (lower case): their posts are marked isBrand and filtered by policy. */
  brandAccounts?: ReadonlySet<string>
}

export type Normalised =
  | { ok: true, item: IngestItem, status: MastodonStatusFacts }
  | { ok: false, reason: string, nativeId?: string }

/** What source filters look at besides the mention itself. */
export interface MastodonStatusFacts {
  visibility: string
  bot: boolean
  language: string | undefined
}

const idPattern = /^[0-9]{1,20}$/

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function count (value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0
}

function text (value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** `acct` is `user` for accounts on the instance itself and `user@domain` for remote ones; handles are always qualified. */
export function qualifiedHandle (acct: string, instanceHost: string): string {
  const bare = acct.replace(/^@/, '')
  return bare.includes('@') ? bare : `${bare}@${instanceHost}`
}

/** A native id unique across instances: `<instance host>/<status id>`. */
export function nativeIdFor (instanceHost: string, statusId: string): string {
  return `${instanceHost}/${statusId}`
}

function httpUrl (value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:' ? value : undefined
  } catch {
    return undefined
  }
}

/**
 * One Mastodon Status (from a mention notification, a hashtag timeline or a stream event) as
 * mentions.v1. The payload is untrusted: a status without id, created_at, content or account is
 * reported, never thrown. A boost (`reblog` set) is marked as a repost and carries the boosted
 * post's words. The conversation is the status it replies to (Mastodon exposes no thread root
 * without a further request per status), else the status itself.
 */
export function normaliseStatus (status: unknown, context: NormaliseContext, extra: { notificationId?: string } = {}): Normalised {
  if (!isRecord(status)) return { ok: false, reason: 'status is not an object' }
  const statusId = typeof status.id === 'string' && idPattern.test(status.id) ? status.id : undefined
  if (statusId === undefined) return { ok: false, reason: 'status has no valid id' }
  const nativeId = nativeIdFor(context.instanceHost, statusId)
  const reblog = isRecord(status.reblog) ? status.reblog : undefined
  const body = reblog ?? status
  const missing = [
    ...(typeof status.created_at === 'string' ? [] : ['created_at']),
    ...(typeof body.content === 'string' ? [] : ['content']),
    ...(isRecord(status.account) ? [] : ['account']),
  ]
  if (missing.length > 0) return { ok: false, nativeId, reason: `status lacks ${missing.join(', ')}` }
  const account = status.account as Record<string, unknown>
  const accountId = text(account.id)
  const acct = text(account.acct)
  if (accountId === undefined || acct === undefined) return { ok: false, nativeId, reason: 'status account lacks id or acct' }

  const handle = qualifiedHandle(acct, context.instanceHost)
  const inReplyTo = typeof status.in_reply_to_id === 'string' && idPattern.test(status.in_reply_to_id) ? status.in_reply_to_id : undefined
  const spoiler = text(body.spoiler_text)
  const content = htmlToText(body.content as string)
  const language = typeof body.language === 'string' && mentionSchema.shape.lang.safeParse(body.language).success ? body.language : undefined
  const visibility = typeof status.visibility === 'string' ? status.visibility : 'public'
  const bot = account.bot === true
  const url = httpUrl(status.url) ?? httpUrl(status.uri)
  const displayName = text(account.display_name)
  const mention: Mention = {
    schemaVersion: 1,
    id: `mastodon:${nativeId}`,
    tenantId: context.tenantId,
    sourceId: context.sourceId,
    platform: 'mastodon',
    nativeId,
    conversationId: `mastodon:${nativeIdFor(context.instanceHost, inReplyTo ?? statusId)}`,
    ...(inReplyTo === undefined ? {} : { inReplyToId: `mastodon:${nativeIdFor(context.instanceHost, inReplyTo)}` }),
    ...(url === undefined ? {} : { url }),
    author: {
      id: accountId,
      handle,
      ...(displayName === undefined ? {} : { name: displayName.slice(0, 512) }),
      ...(typeof account.followers_count === 'number' ? { followers: count(account.followers_count) } : {}),
      ...(context.brandAccounts?.has(handle.toLowerCase()) === true ? { isBrand: true } : {}),
    },
    // A content warning is part of what the author said, and often the gist ("CW: billing complaint").
    text: spoiler === undefined ? content : `${spoiler}\n\n${content}`,
    ...(language === undefined ? {} : { lang: language }),
    createdAt: status.created_at as string,
    receivedAt: context.receivedAt,
    metrics: { likes: count(status.favourites_count), reposts: count(status.reblogs_count), replies: count(status.replies_count) },
    raw: {
      instance: context.instanceHost,
      statusId,
      ...(extra.notificationId === undefined ? {} : { notificationId: extra.notificationId }),
      ...(typeof status.uri === 'string' ? { uri: status.uri.slice(0, 2048) } : {}),
      visibility,
      bot,
      sensitive: status.sensitive === true,
    },
  }
  const checked = mentionSchema.safeParse(mention)
  if (!checked.success) {
    const reasons = checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    return { ok: false, nativeId, reason: `breaks mentions.v1: ${reasons.join('; ')}` }
  }
  return { ok: true, item: { mention, isRepost: reblog !== undefined }, status: { visibility, bot, language } }
}

/** A `mention` Notification: its status normalised; any other type is not a mention and is skipped by the caller. */
export function normaliseNotification (notification: unknown, context: NormaliseContext): Normalised | { ok: 'skip', type: string } {
  if (!isRecord(notification)) return { ok: false, reason: 'notification is not an object' }
  const notificationId = typeof notification.id === 'string' && idPattern.test(notification.id) ? notification.id : undefined
  if (notificationId === undefined) return { ok: false, reason: 'notification has no valid id' }
  if (notification.type !== 'mention') return { ok: 'skip', type: String(notification.type) }
  if (!isRecord(notification.status)) return { ok: false, reason: `mention notification ${notificationId} has no status` }
  return normaliseStatus(notification.status, context, { notificationId })
}
