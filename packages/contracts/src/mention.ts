import { z } from 'zod'
import { idSchema, maxTextLength, mentionIdSchema, platforms, platformSchema, rawSchema, tenantIdSchema, timestampSchema } from './common.js'

const countSchema = z.int().min(0)

export const languageSchema = z.string().regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/, {
  error: 'expected a BCP 47 language tag such as "en", "en-GB" or "und"',
})

export const authorSchema = z.strictObject({
  id: idSchema("The author's id on the platform."),
  handle: z.string().min(1).max(256).meta({ description: 'The handle as the platform shows it, without a leading "@" where the platform has none.' }),
  name: z.string().max(512).optional(),
  followers: countSchema.optional(),
  verified: z.boolean().optional(),
  isBrand: z.boolean().optional().meta({ description: "True when the author is the tenant's own account." }),
})

export const metricsSchema = z.strictObject({
  likes: countSchema,
  reposts: countSchema,
  replies: countSchema,
})

/** Fields shared by mentions.v1 and mentions.classified.v1, before the id check is attached. */
export const mentionShape = {
  schemaVersion: z.literal(1),
  id: mentionIdSchema.meta({ description: 'The dedupe key: exactly `<platform>:<nativeId>`.' }),
  tenantId: tenantIdSchema,
  sourceId: idSchema('The configured source (connector) that ingested this mention.'),
  platform: platformSchema,
  nativeId: idSchema("The mention's id on its platform."),
  conversationId: idSchema('Thread or conversation this mention belongs to; with tenantId it forms the message key.'),
  inReplyToId: mentionIdSchema.meta({ description: 'The mention (`<platform>:<nativeId>`) this one replies to.' }).optional(),
  url: z.url({ protocol: /^https?$/, error: 'expected an absolute http(s) URL' }).max(2048).optional(),
  author: authorSchema,
  text: z.string().max(maxTextLength),
  lang: languageSchema.optional(),
  createdAt: timestampSchema.meta({ description: 'When the author posted it (platform clock).' }),
  receivedAt: timestampSchema.meta({ description: 'When Earshot ingested it.' }),
  metrics: metricsSchema.optional(),
  raw: rawSchema.optional(),
}

interface IdentifiedMention {
  id: string
  platform: string
  nativeId: string
}

function hasIdentityFields (value: unknown): value is IdentifiedMention {
  if (typeof value !== 'object' || value === null) return false
  const { id, platform, nativeId } = value as Record<string, unknown>
  return typeof id === 'string' && typeof nativeId === 'string' && (platforms as readonly unknown[]).includes(platform)
}

/**
 * `id` must be `<platform>:<nativeId>`. Runs even when other fields are invalid, so a producer
 * sees every problem at once.
 */
export function withMentionIdCheck<T extends z.ZodType<IdentifiedMention>> (schema: T): T {
  return schema.refine((mention) => mention.id === `${mention.platform}:${mention.nativeId}`, {
    path: ['id'],
    when: (payload) => hasIdentityFields(payload.value),
    error: (issue) => {
      const mention = issue.input as IdentifiedMention
      return `must equal "<platform>:<nativeId>" = "${mention.platform}:${mention.nativeId}", got "${mention.id}"`
    },
  })
}

export const mentionSchema = withMentionIdCheck(z.strictObject(mentionShape))
  .meta({ title: 'mentions.v1', description: 'One mention, normalised from any platform.' })

export type Mention = z.infer<typeof mentionSchema>
export type MentionAuthor = z.infer<typeof authorSchema>
export type MentionMetrics = z.infer<typeof metricsSchema>
