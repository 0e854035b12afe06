import { maxTextLength, type Mention, topics, validateEvent } from '@earshot/contracts'
import type { SourceDefinition } from '@earshot/ingest'
import { z } from 'zod'
import { MalformedPayloadError } from './errors.js'
import { describeIssues } from './issues.js'

const localId = z.string().min(1).max(200)

/**
 * The body a web chat or form posts to `/webhooks/generic/:tenantId/:sourceId`: one message.
 * Strict, so a misspelt field is reported instead of silently dropped.
 */
export const genericMessageSchema = z.strictObject({
  // Unique within the source; a retry with the same id is published once.
  id: localId,
  // The chat session or form thread; messages sharing it are handled in order, on one ticket.
  conversationId: localId,
  inReplyToId: localId.optional(),
  author: z.strictObject({
    id: z.string().min(1).max(256),
    handle: z.string().min(1).max(256).optional(),
    name: z.string().min(1).max(512).optional(),
  }),
  text: z.string().min(1).max(maxTextLength),
  createdAt: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 timestamp with a Z or ±hh:mm offset, e.g. 2026-03-01T09:30:00Z' }),
  url: z.url({ protocol: /^https?$/, error: 'expected an absolute http(s) URL' }).max(2048).optional(),
  lang: z.string().regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/, 'expected a BCP 47 language tag such as "en" or "en-GB"').optional(),
  // Form fields worth keeping with the mention (kept in `raw`).
  fields: z.record(z.string().max(100), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()])).optional(),
})

export type GenericMessage = z.infer<typeof genericMessageSchema>

/**
 * A generic message as a `webchat` mention. Ids are scoped by the source (`<sourceId>:<id>`), so
 * two chat widgets of one tenant can both number their messages from 1.
 */
export function normaliseGenericMessage (body: unknown, source: Pick<SourceDefinition, 'tenantId' | 'sourceId'>, receivedAt: string): Mention {
  const parsed = genericMessageSchema.safeParse(body)
  if (!parsed.success) throw new MalformedPayloadError(`invalid message: ${describeIssues(parsed.error.issues, body).join('; ')}`)
  const message = parsed.data
  const nativeId = `${source.sourceId}:${message.id}`
  const mention: Mention = {
    schemaVersion: 1,
    id: `webchat:${nativeId}`,
    tenantId: source.tenantId,
    sourceId: source.sourceId,
    platform: 'webchat',
    nativeId,
    conversationId: `${source.sourceId}:${message.conversationId}`,
    ...(message.inReplyToId === undefined ? {} : { inReplyToId: `webchat:${source.sourceId}:${message.inReplyToId}` }),
    ...(message.url === undefined ? {} : { url: message.url }),
    author: {
      id: message.author.id,
      handle: message.author.handle ?? message.author.name ?? message.author.id,
      ...(message.author.name === undefined ? {} : { name: message.author.name }),
    },
    text: message.text,
    ...(message.lang === undefined ? {} : { lang: message.lang }),
    createdAt: new Date(message.createdAt).toISOString(),
    receivedAt,
    ...(message.fields === undefined ? {} : { raw: { fields: message.fields } }),
  }
  // What the body schema cannot see alone, e.g. the fields' combined size against the 16 KiB `raw` limit.
  const valid = validateEvent(topics.mentions, mention)
  if (!valid.ok) {
    const issues = valid.issues.map(({ path, message: reason }) => `${path === 'raw' ? 'fields' : `(mention) ${path}`}: ${reason}`)
    throw new MalformedPayloadError(`invalid message: ${issues.join('; ')}`)
  }
  return valid.value
}
