import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { type FlagName, flagNames, type IntentLabel, intentLabels, type Mention, mentionSchema, type SentimentLabel, sentimentLabels, type UrgencyLevel, urgencyLevels } from '@earshot/contracts'
import { NlpDataError } from './errors.js'

export interface MentionLabels {
  sentiment?: SentimentLabel
  intents?: IntentLabel[]
  urgency?: UrgencyLevel
  flags?: FlagName[]
}

/** One JSONL line: a mentions.v1 object plus its labels. */
export type LabelledMention = Mention & { labels: MentionLabels }

export type MentionSplit = 'train' | 'heldout'

/** 25% held out, decided by a hash of the id alone, so adding examples never moves old ones. */
export function splitOf (id: string): MentionSplit {
  const first = createHash('sha256').update(id).digest()[0] as number
  return first % 4 === 0 ? 'heldout' : 'train'
}

function checkList<T extends string> (value: unknown, allowed: readonly T[], what: string, fail: (message: string) => never): T[] {
  if (!Array.isArray(value)) fail(`labels.${what} must be an array`)
  for (const item of value as unknown[]) {
    if (!(allowed as readonly unknown[]).includes(item)) fail(`labels.${what}: "${String(item)}" is not one of ${allowed.join(', ')}`)
  }
  return value as T[]
}

/** Reads and validates a labelled mentions JSONL file; `split` keeps only that part (`all` keeps everything). */
export function readLabelledMentions (file: string, split: MentionSplit | 'all' = 'all'): LabelledMention[] {
  const rows: LabelledMention[] = []
  readFileSync(file, 'utf8').split('\n').forEach((line, index) => {
    if (line.trim() === '') return
    const fail = (message: string): never => { throw new NlpDataError(file, index + 1, message) }
    let parsed: Record<string, unknown>
    try {
      parsed = JSON.parse(line) as Record<string, unknown>
    } catch (cause) {
      return fail(`not JSON: ${(cause as Error).message}`)
    }
    const { labels, ...mention } = parsed
    if (typeof labels !== 'object' || labels === null) return fail('expected a mentions.v1 object with "labels"')
    const result = mentionSchema.safeParse(mention)
    if (!result.success) return fail(`not a valid mentions.v1 object: ${result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`)
    const raw = labels as Record<string, unknown>
    const checked: MentionLabels = {}
    if (raw.sentiment !== undefined) {
      if (!(sentimentLabels as readonly unknown[]).includes(raw.sentiment)) fail(`labels.sentiment must be one of ${sentimentLabels.join(', ')}`)
      checked.sentiment = raw.sentiment as SentimentLabel
    }
    if (raw.intents !== undefined) checked.intents = checkList(raw.intents, intentLabels, 'intents', fail)
    if (raw.urgency !== undefined) {
      if (!(urgencyLevels as readonly unknown[]).includes(raw.urgency)) fail(`labels.urgency must be one of ${urgencyLevels.join(', ')}`)
      checked.urgency = raw.urgency as UrgencyLevel
    }
    if (raw.flags !== undefined) checked.flags = checkList(raw.flags, flagNames, 'flags', fail)
    const row = { ...result.data, labels: checked }
    if (split === 'all' || splitOf(row.id) === split) rows.push(row)
  })
  return rows
}
