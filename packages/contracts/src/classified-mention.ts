import { z } from 'zod'
import { languageSchema, mentionShape, withMentionIdCheck } from './mention.js'

/** Labels as defined in LABELS.md (shared with the classifier, rules, fixtures and evaluation). */
export const sentimentLabels = ['positive', 'neutral', 'negative'] as const
export const intentLabels = [
  'complaint',
  'question',
  'praise',
  'purchase_intent',
  'feedback',
  'outage_report',
  'churn_threat',
  'spam',
  'other',
] as const
export const urgencyLevels = ['low', 'normal', 'high', 'critical'] as const
export const flagNames = ['prRisk', 'pii', 'profanity', 'legalThreat', 'safety', 'spam'] as const

export type SentimentLabel = typeof sentimentLabels[number]
export type IntentLabel = typeof intentLabels[number]
export type UrgencyLevel = typeof urgencyLevels[number]
export type FlagName = typeof flagNames[number]

const probabilitySchema = z.number().min(0).max(1)

const intentsSchema = z.array(z.strictObject({
  label: z.enum(intentLabels),
  confidence: probabilitySchema,
})).max(intentLabels.length).superRefine((intents, ctx) => {
  const seen = new Set<string>()
  intents.forEach((intent, index) => {
    if (seen.has(intent.label)) {
      ctx.addIssue({ code: 'custom', path: [index, 'label'], message: `intent "${intent.label}" is listed more than once` })
    }
    seen.add(intent.label)
  })
}).meta({ description: 'Zero or more intents, each label at most once; `other` only when none applies.' })

export const classificationSchema = z.strictObject({
  modelVersion: z.string().min(1).max(200),
  sentiment: z.strictObject({
    label: z.enum(sentimentLabels),
    score: probabilitySchema,
  }),
  intents: intentsSchema,
  urgency: z.strictObject({
    score: z.number().min(0).max(100).meta({ description: 'Orders tickets within and across levels.' }),
    level: z.enum(urgencyLevels),
    reasons: z.array(z.string().min(1).max(200)).max(50)
      .meta({ description: 'What raised the score, e.g. "intent:outage_report", "author.followers>=100k", "flag:safety".' }),
  }),
  language: languageSchema,
  flags: z.strictObject({
    prRisk: z.boolean(),
    pii: z.boolean(),
    profanity: z.boolean(),
    legalThreat: z.boolean(),
    safety: z.boolean(),
    spam: z.boolean(),
  } satisfies Record<FlagName, z.ZodBoolean>),
})

export const classifiedMentionSchema = withMentionIdCheck(z.strictObject({ ...mentionShape, classification: classificationSchema }))
  .meta({ title: 'mentions.classified.v1', description: 'A mentions.v1 mention plus its classification.' })

export type Classification = z.infer<typeof classificationSchema>
export type ClassifiedMention = z.infer<typeof classifiedMentionSchema>
