import { maxRawBytes, maxTextLength, type Mention, type MentionAuthor } from '@earshot/contracts'
import type { SourceDefinition, SourcedItem } from '@earshot/ingest'
import { z } from 'zod'
import { MalformedPayloadError } from './errors.js'
import { describeIssues, formatPath } from './issues.js'
import type { WebhookSources } from './sources.js'

/**
 * The parts of a delivery we rely on. Objects stay open (Meta adds fields without notice); only
 * what normalisation reads is checked.
 */
const envelopeSchema = z.object({
  object: z.string().min(1),
  entry: z.array(z.object({
    id: z.string().min(1),
    time: z.number().optional(),
    changes: z.array(z.object({ field: z.string().min(1), value: z.unknown() })).optional(),
  })),
})

type Entry = z.infer<typeof envelopeSchema>['entry'][number]

const timeSchema = z.union([z.number(), z.string().min(1)])

const facebookFeedSchema = z.object({
  item: z.string().min(1),
  verb: z.string().min(1),
  post_id: z.string().min(1).optional(),
  comment_id: z.string().min(1).optional(),
  parent_id: z.string().min(1).optional(),
  from: z.object({ id: z.string().min(1), name: z.string().optional() }).optional(),
  message: z.string().optional(),
  created_time: timeSchema.optional(),
})

const facebookMentionSchema = z.object({
  item: z.string().min(1),
  verb: z.string().min(1),
  post_id: z.string().min(1),
  comment_id: z.string().min(1).optional(),
  sender_id: z.string().min(1).optional(),
  sender_name: z.string().optional(),
  message: z.string().optional(),
  created_time: timeSchema.optional(),
})

const instagramCommentSchema = z.object({
  id: z.string().min(1),
  text: z.string().optional(),
  parent_id: z.string().min(1).optional(),
  from: z.object({ id: z.string().min(1), username: z.string().min(1).optional() }).optional(),
  media: z.object({ id: z.string().min(1), media_product_type: z.string().optional() }).optional(),
})

const instagramMentionSchema = z.object({
  media_id: z.string().min(1),
  comment_id: z.string().min(1).optional(),
})

const facebookPostItems = new Set(['post', 'status', 'photo', 'video', 'share'])

/** Meta omits the author in some privacy cases, and IG mention notifications carry ids only. */
const unknownAuthor: MentionAuthor = { id: 'unknown', handle: 'unknown' }

export type SkipKind = 'ignored' | 'malformed' | 'unmapped'

export interface SkippedChange {
  kind: SkipKind
  /** Where in the delivery, e.g. `entry[0].changes[1]`. */
  path: string
  reason: string
  object: string
  field?: string
}

export interface MetaDelivery {
  object: string
  mentions: SourcedItem[]
  skipped: SkippedChange[]
}

export interface MetaNormaliseContext {
  sources: Pick<WebhookSources, 'facebookPages' | 'instagramAccounts'>
  /** ISO time the delivery arrived. */
  receivedAt: string
}

type ChangeResult = { mention: Mention } | { skip: SkipKind, reason: string }

/** Epoch seconds (Meta's usual), epoch ms, a numeric string, or an ISO string such as `2025-01-01T10:00:00+0000`. */
export function metaTimeToIso (value: number | string): string | undefined {
  const numeric = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : undefined
  const ms = numeric === undefined ? Date.parse(value as string) : numeric > 1e12 ? numeric : numeric * 1000
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined
}

function boundedRaw (raw: Record<string, unknown>): Record<string, unknown> {
  // Leave room under the contract's limit for the wrapper fields.
  if (Buffer.byteLength(JSON.stringify(raw)) <= maxRawBytes - 256) return raw
  const { value: _value, ...rest } = raw
  return { ...rest, truncated: true }
}

function clip (text: string): string {
  return text.length > maxTextLength ? text.slice(0, maxTextLength) : text
}

function parseValue<T> (schema: z.ZodType<T>, value: unknown, path: readonly PropertyKey[]): T | { skip: 'malformed', reason: string } {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  return { skip: 'malformed', reason: describeIssues(result.error.issues, value, [...path, 'value']).join('; ') }
}

function isSkip (value: unknown): value is { skip: SkipKind, reason: string } {
  return typeof value === 'object' && value !== null && 'skip' in value
}

interface ChangeContext {
  source: SourceDefinition
  entry: Entry
  field: string
  value: unknown
  path: readonly PropertyKey[]
  receivedAt: string
}

function baseMention (context: ChangeContext, platform: 'facebook' | 'instagram', nativeId: string, createdAt: string | undefined): Pick<Mention, 'schemaVersion' | 'id' | 'tenantId' | 'sourceId' | 'platform' | 'nativeId' | 'createdAt' | 'receivedAt' | 'raw'> {
  const fallback = context.entry.time === undefined ? undefined : metaTimeToIso(context.entry.time)
  return {
    schemaVersion: 1,
    id: `${platform}:${nativeId}`,
    tenantId: context.source.tenantId,
    sourceId: context.source.sourceId,
    platform,
    nativeId,
    createdAt: createdAt ?? fallback ?? context.receivedAt,
    receivedAt: context.receivedAt,
    raw: boundedRaw({ object: platform === 'facebook' ? 'page' : 'instagram', entryId: context.entry.id, field: context.field, value: context.value }),
  }
}

function createdAtOf (time: number | string | undefined): string | undefined | { skip: 'malformed', reason: string } {
  if (time === undefined) return undefined
  return metaTimeToIso(time) ?? { skip: 'malformed', reason: `created_time ${JSON.stringify(time)} is not a time` }
}

function facebookFeed (context: ChangeContext): ChangeResult {
  const value = parseValue(facebookFeedSchema, context.value, context.path)
  if (isSkip(value)) return value
  if (value.verb !== 'add') return { skip: 'ignored', reason: `feed ${value.item} ${value.verb}` }
  const isComment = value.item === 'comment'
  if (!isComment && !facebookPostItems.has(value.item)) return { skip: 'ignored', reason: `feed item ${value.item}` }
  const nativeId = isComment ? value.comment_id : value.post_id
  const missing = isComment ? (value.comment_id === undefined ? 'comment_id' : value.post_id === undefined ? 'post_id' : undefined) : value.post_id === undefined ? 'post_id' : undefined
  if (missing !== undefined || nativeId === undefined || value.post_id === undefined) {
    return { skip: 'malformed', reason: `${formatPath([...context.path, 'value', missing ?? 'post_id'])}: required for a feed ${value.item}` }
  }
  const createdAt = createdAtOf(value.created_time)
  if (isSkip(createdAt)) return createdAt
  const author: MentionAuthor = value.from === undefined
    ? unknownAuthor
    : { id: value.from.id, handle: value.from.name ?? value.from.id, ...(value.from.name === undefined ? {} : { name: value.from.name }), ...(value.from.id === context.entry.id ? { isBrand: true } : {}) }
  const parent = value.parent_id ?? value.post_id
  return {
    mention: {
      ...baseMention(context, 'facebook', nativeId, createdAt),
      conversationId: value.post_id,
      ...(isComment ? { inReplyToId: `facebook:${parent}` } : { url: `https://www.facebook.com/${value.post_id}` }),
      author,
      text: clip(value.message ?? ''),
    },
  }
}

function facebookPageMention (context: ChangeContext): ChangeResult {
  const value = parseValue(facebookMentionSchema, context.value, context.path)
  if (isSkip(value)) return value
  if (value.verb !== 'add') return { skip: 'ignored', reason: `mention ${value.item} ${value.verb}` }
  const createdAt = createdAtOf(value.created_time)
  if (isSkip(createdAt)) return createdAt
  const nativeId = value.item === 'comment' && value.comment_id !== undefined ? value.comment_id : value.post_id
  const author: MentionAuthor = value.sender_id === undefined
    ? unknownAuthor
    : { id: value.sender_id, handle: value.sender_name ?? value.sender_id, ...(value.sender_name === undefined ? {} : { name: value.sender_name }), ...(value.sender_id === context.entry.id ? { isBrand: true } : {}) }
  return {
    mention: {
      ...baseMention(context, 'facebook', nativeId, createdAt),
      conversationId: value.post_id,
      ...(nativeId === value.post_id ? { url: `https://www.facebook.com/${value.post_id}` } : { inReplyToId: `facebook:${value.post_id}` }),
      author,
      text: clip(value.message ?? ''),
    },
  }
}

function instagramComment (context: ChangeContext): ChangeResult {
  const value = parseValue(instagramCommentSchema, context.value, context.path)
  if (isSkip(value)) return value
  const author: MentionAuthor = value.from === undefined
    ? unknownAuthor
    : { id: value.from.id, handle: value.from.username ?? value.from.id, ...(value.from.id === context.entry.id ? { isBrand: true } : {}) }
  return {
    mention: {
      ...baseMention(context, 'instagram', value.id, undefined),
      conversationId: value.media?.id ?? value.parent_id ?? value.id,
      ...(value.parent_id === undefined ? {} : { inReplyToId: `instagram:${value.parent_id}` }),
      author,
      text: clip(value.text ?? ''),
    },
  }
}

/** Ids only: the text has to be fetched from the Graph API (not done here), so it arrives empty with the ids in `raw`. */
function instagramMention (context: ChangeContext): ChangeResult {
  const value = parseValue(instagramMentionSchema, context.value, context.path)
  if (isSkip(value)) return value
  return {
    mention: {
      ...baseMention(context, 'instagram', value.comment_id ?? value.media_id, undefined),
      conversationId: value.media_id,
      author: unknownAuthor,
      text: '',
    },
  }
}

function normaliseChange (object: string, context: ChangeContext): ChangeResult {
  if (object === 'page') {
    if (context.field === 'feed') return facebookFeed(context)
    if (context.field === 'mention') return facebookPageMention(context)
  } else {
    if (context.field === 'comments' || context.field === 'live_comments') return instagramComment(context)
    if (context.field === 'mentions') return instagramMention(context)
  }
  return { skip: 'ignored', reason: `field ${context.field}` }
}

/** The JSON of a delivery; invalid JSON is a 400 naming the parser's complaint. */
export function parseJsonBody (rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8'))
  } catch (err) {
    throw new MalformedPayloadError(`the body is not valid JSON: ${(err as Error).message}`, err)
  }
}

/**
 * A verified Meta delivery as mentions, one per usable change. The envelope must be valid (else
 * MalformedPayloadError: nothing is published); a change that cannot be used is skipped with its
 * path and reason, so one bad change never loses the rest of the batch.
 */
export function normaliseMetaDelivery (body: unknown, { sources, receivedAt }: MetaNormaliseContext): MetaDelivery {
  const envelope = envelopeSchema.safeParse(body)
  if (!envelope.success) throw new MalformedPayloadError(`not a Meta webhook delivery: ${describeIssues(envelope.error.issues, body).join('; ')}`)
  const { object, entry } = envelope.data
  const delivery: MetaDelivery = { object, mentions: [], skipped: [] }
  if (object !== 'page' && object !== 'instagram') {
    delivery.skipped.push({ kind: 'ignored', path: 'object', reason: `object ${object}`, object })
    return delivery
  }
  const accounts = object === 'page' ? sources.facebookPages : sources.instagramAccounts
  for (const [entryIndex, item] of entry.entries()) {
    const changes = item.changes ?? []
    const source = accounts.get(item.id)
    for (const [changeIndex, change] of changes.entries()) {
      const path = ['entry', entryIndex, 'changes', changeIndex]
      if (source === undefined) {
        delivery.skipped.push({ kind: 'unmapped', path: formatPath(path), reason: `no source is configured for ${object} account ${item.id}`, object, field: change.field })
        continue
      }
      const result = normaliseChange(object, { source, entry: item, field: change.field, value: change.value, path, receivedAt })
      if ('mention' in result) delivery.mentions.push({ source, item: { mention: result.mention } })
      else delivery.skipped.push({ kind: result.skip, path: formatPath(path), reason: result.reason, object, field: change.field })
    }
    if (changes.length === 0) delivery.skipped.push({ kind: 'ignored', path: formatPath(['entry', entryIndex]), reason: 'entry without changes', object })
  }
  return delivery
}
