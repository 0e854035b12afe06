import { z } from 'zod'
import { flagNames, intentLabels, platforms, sentimentLabels, ticketPriorities, urgencyLevels } from '@earshot/contracts'
import { isValidTimezone, weekdays } from './calendar.js'
import { parseDuration } from './duration.js'

export const clocks = ['business', 'calendar'] as const
export const coverageTeams = ['brand', 'agency'] as const
export const conversationStates = ['new', 'existing', 'reopened'] as const
export const acknowledgeModes = ['auto', 'suggest', 'none'] as const
export const followUpUnless = ['resolved', 'replied', 'acknowledged'] as const
export const slaTargets = ['first_response', 'next_response', 'resolution'] as const

export type Clock = typeof clocks[number]
export type CoverageTeam = typeof coverageTeams[number]
export type ConversationState = typeof conversationStates[number]
export type SlaTarget = typeof slaTargets[number]

const name = z.string().min(1).max(200)

/** A duration in the policy (`15m`, `2h`, `1d`, `1h30m`), parsed to milliseconds. */
const duration = z.string({ error: 'expected a duration such as 15m, 2h, 1d or 1h30m' }).transform((text, ctx) => {
  const ms = parseDuration(text)
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as 15m, 2h, 1d or 1h30m, got "${text}"` })
    return z.NEVER
  }
  return ms
})

const localDate = z.string({ error: 'expected a date YYYY-MM-DD' }).refine((text) => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (match === null) return false
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
  return date.toISOString().slice(0, 10) === text
}, { error: (issue) => `expected a date YYYY-MM-DD, got "${String(issue.input)}"` })

/** Accepts one value or a list, always yields a list. */
function oneOrMany<T extends z.ZodType> (item: T) {
  return z.preprocess((value) => Array.isArray(value) ? value : [value], z.array(item).min(1))
}

/** Accepts the shorthand scalar form `key: value` as `{ [field]: value }`. */
function shorthand<T extends z.ZodType> (field: string, schema: T) {
  return z.preprocess((value) => typeof value === 'object' && value !== null ? value : { [field]: value }, schema)
}

/**
 * Wraps an object schema so that "exactly one key" is checked before the keys themselves: a rule
 * author who wrote two conditions in one mapping hears about it even when one of them is also wrong.
 */
function exactlyOneKey<T extends z.ZodType> (kind: string, keys: readonly string[], schema: T) {
  return z.preprocess((value, ctx) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
    const present = Object.keys(value).filter((key) => keys.includes(key))
    if (present.length !== 1 && Object.keys(value).length === present.length) {
      ctx.addIssue({
        code: 'custom',
        input: value,
        message: present.length === 0
          ? `expected one ${kind}: ${keys.join(', ')}`
          : `expected exactly one ${kind} per item, got ${present.join(' and ')}; combine them with a list`,
      })
    }
    return value
  }, schema)
}

function atLeastOne (keys: readonly string[]) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    if (!keys.some((key) => value[key] !== undefined)) {
      ctx.addIssue({ code: 'custom', message: `expected at least one of ${keys.join(', ')}` })
    }
  }
}

export interface Condition {
  all?: Condition[]
  any?: Condition[]
  not?: Condition
  flag?: typeof flagNames[number]
  sentiment?: { label?: typeof sentimentLabels[number], min_score?: number }
  intent?: { label: typeof intentLabels[number], min_confidence: number }
  urgency?: { at_least?: typeof urgencyLevels[number], min_score?: number }
  platform?: Array<typeof platforms[number]>
  source?: string[]
  author?: { min_followers?: number, verified?: boolean, in_list?: string, not_in_list?: string }
  text?: { any?: string[], all?: string[], none?: string[], regex?: string }
  language?: string[]
  time?: { in_business_hours?: boolean, weekday?: Array<typeof weekdays[number]> }
  conversation?: ConversationState[]
  queue?: { over: number }
}

export const conditionKinds = ['all', 'any', 'not', 'flag', 'sentiment', 'intent', 'urgency', 'platform', 'source', 'author',
  'text', 'language', 'time', 'conversation', 'queue'] as const
export type ConditionKind = typeof conditionKinds[number]

const probability = z.number().min(0).max(1)

export const conditionSchema: z.ZodType<Condition> = z.lazy(() => exactlyOneKey('condition', conditionKinds, z.strictObject({
  all: z.array(conditionSchema).min(1).optional(),
  any: z.array(conditionSchema).min(1).optional(),
  not: conditionSchema.optional(),
  flag: z.enum(flagNames).optional(),
  sentiment: shorthand('label', z.strictObject({ label: z.enum(sentimentLabels).optional(), min_score: probability.optional() })
    .superRefine(atLeastOne(['label', 'min_score']))).optional(),
  intent: shorthand('label', z.strictObject({ label: z.enum(intentLabels), min_confidence: probability.default(0.5) })).optional(),
  urgency: shorthand('at_least', z.strictObject({ at_least: z.enum(urgencyLevels).optional(), min_score: z.number().min(0).max(100).optional() })
    .superRefine(atLeastOne(['at_least', 'min_score']))).optional(),
  platform: oneOrMany(z.enum(platforms)).optional(),
  source: oneOrMany(name).optional(),
  author: z.strictObject({
    min_followers: z.int().min(0).optional(),
    verified: z.boolean().optional(),
    in_list: name.optional(),
    not_in_list: name.optional(),
  }).superRefine(atLeastOne(['min_followers', 'verified', 'in_list', 'not_in_list'])).optional(),
  text: z.strictObject({
    any: z.array(z.string().min(1)).min(1).optional(),
    all: z.array(z.string().min(1)).min(1).optional(),
    none: z.array(z.string().min(1)).min(1).optional(),
    regex: z.string().min(1).optional(),
  }).superRefine(atLeastOne(['any', 'all', 'none', 'regex'])).optional(),
  language: oneOrMany(z.string().regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/, 'expected a language tag such as "en" or "en-GB"')).optional(),
  time: z.strictObject({
    in_business_hours: z.boolean().optional(),
    weekday: oneOrMany(z.enum(weekdays)).optional(),
  }).superRefine(atLeastOne(['in_business_hours', 'weekday'])).optional(),
  conversation: oneOrMany(z.enum(conversationStates)).optional(),
  queue: z.strictObject({ over: z.int().min(0) }).optional(),
})))

export interface AcknowledgeAction { template: string, mode: typeof acknowledgeModes[number], delay: number }
export interface EscalateAction { team?: string, priority?: typeof ticketPriorities[number], notify: string[], again_after?: number }
export interface FollowUpAction { after: number, clock: Clock, unless: Array<typeof followUpUnless[number]>, then: Action }
export interface AssignAction { team?: string, user?: string }
export interface TagAction { tags: string[] }
export interface SetSlaAction { first_response?: number, next_response?: number, resolution?: number, clock?: Clock }
export interface CloseAction { reason: string }

export interface Action {
  acknowledge?: AcknowledgeAction
  escalate?: EscalateAction
  follow_up?: FollowUpAction
  assign?: AssignAction
  tag?: TagAction
  set_sla?: SetSlaAction
  close?: CloseAction
}

export const actionKinds = ['acknowledge', 'escalate', 'follow_up', 'assign', 'tag', 'set_sla', 'close'] as const
export type ActionKind = typeof actionKinds[number]

export const actionSchema: z.ZodType<Action> = z.lazy(() => exactlyOneKey('action', actionKinds, z.strictObject({
  acknowledge: z.strictObject({
    template: name,
    mode: z.enum(acknowledgeModes).default('suggest'),
    delay: duration.default(0),
  }).optional(),
  escalate: z.strictObject({
    team: name.optional(),
    priority: z.enum(ticketPriorities).optional(),
    notify: z.array(name).default([]),
    again_after: duration.optional(),
  }).superRefine(atLeastOne(['team', 'priority'])).optional(),
  follow_up: z.strictObject({
    after: duration,
    clock: z.enum(clocks).default('calendar'),
    unless: oneOrMany(z.enum(followUpUnless)).default([]),
    then: actionSchema,
  }).optional(),
  assign: shorthand('team', z.strictObject({ team: name.optional(), user: name.optional() })
    .superRefine(atLeastOne(['team', 'user']))).optional(),
  tag: z.preprocess((value) => Array.isArray(value) || typeof value === 'string' ? { tags: value } : value,
    z.strictObject({ tags: oneOrMany(name) })).optional(),
  set_sla: z.strictObject({
    first_response: duration.optional(),
    next_response: duration.optional(),
    resolution: duration.optional(),
    clock: z.enum(clocks).optional(),
  }).superRefine(atLeastOne(['first_response', 'next_response', 'resolution', 'clock'])).optional(),
  close: shorthand('reason', z.strictObject({ reason: name })).optional(),
})))

export const ruleSchema = z.strictObject({
  name,
  /** Absent: the rule always matches. */
  when: conditionSchema.optional(),
  then: z.array(actionSchema).min(1),
  stop: z.boolean().default(false),
})

const slaTargetSchema = z.strictObject({
  first_response: duration.optional(),
  next_response: duration.optional(),
  resolution: duration.optional(),
  clock: z.enum(clocks).optional(),
})

const coverageTeam = z.enum(coverageTeams)

export const policyDocumentSchema = z.strictObject({
  version: z.literal(1).default(1),
  timezone: z.string().refine(isValidTimezone, { error: (issue) => `expected an IANA timezone such as Europe/London, got "${String(issue.input)}"` }),
  business_hours: z.record(z.string(), z.string({ error: 'expected spans as a string, e.g. "08:00-20:00"' })),
  holidays: z.array(localDate).default([]),
  coverage: z.strictObject({
    in_hours: coverageTeam.default('brand'),
    out_of_hours: coverageTeam.default('brand'),
    overspill: z.strictObject({ queue_over: z.int().min(0), to: coverageTeam.default('agency') }).optional(),
    /** The template an agency without permission to reply may post. */
    holding_template: name.default('holding'),
  }).prefault({}),
  permissions: z.strictObject({ agency_may_reply: z.boolean().default(true) }).prefault({}),
  lists: z.record(name, z.array(z.string().min(1))).default({}),
  slas: z.strictObject({
    pre_breach: z.number().gt(0).lt(1).default(0.8),
    clock: z.enum(clocks).default('business'),
    low: slaTargetSchema.optional(),
    normal: slaTargetSchema.optional(),
    high: slaTargetSchema.optional(),
    critical: slaTargetSchema.optional(),
  }).prefault({}),
  /** Spike detection: the rate of negative and outage mentions per window against the windows before. */
  spikes: z.strictObject({
    window: duration.default(10 * 60_000),
    factor: z.number().gt(1).default(4),
    min_count: z.int().min(1).default(20),
    baseline_windows: z.int().min(1).max(48).default(6),
    quiet: duration.default(30 * 60_000),
  }).prefault({}),
  rules: z.array(ruleSchema).default([]),
  templates: z.record(name, z.string()).default({}),
})

export type Rule = z.infer<typeof ruleSchema>
export type PolicyDocument = z.infer<typeof policyDocumentSchema>
export type SlaTargetSpec = z.infer<typeof slaTargetSchema>
