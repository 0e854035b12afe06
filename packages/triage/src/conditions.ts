import { type ClassifiedMention, urgencyLevels } from '@earshot/contracts'
import { assertNever } from '@earshot/errors'
import { type Weekday } from './calendar.js'
import { type Condition, type ConditionKind, conditionKinds, type ConversationState } from './policy-schema.js'

export interface ConditionContext {
  mention: ClassifiedMention
  conversation: ConversationState
  queueSize: number
  /** The queue was counted only up to `queueSize`. */
  queueSizeIsLowerBound?: boolean
  inBusinessHours: boolean
  weekday: Weekday
  lists: Readonly<Record<string, readonly string[]>>
}

/** What one condition saw: `detail` reads like `intent complaint 0.83 ≥ 0.6 ✓`. */
export interface ConditionTrace {
  kind: ConditionKind
  passed: boolean
  detail: string
  children?: ConditionTrace[]
}

interface Check { passed: boolean, text: string }

const mark = (passed: boolean): string => passed ? '✓' : '✗'
const listText = (values: readonly unknown[]): string => `[${values.map(String).join(', ')}]`

function combine (kind: ConditionKind, checks: Check[]): ConditionTrace {
  const passed = checks.every((check) => check.passed)
  return { kind, passed, detail: checks.map((check) => `${check.text} ${mark(check.passed)}`).join(' and ') }
}

const keywordPatterns = new Map<string, RegExp>()
/** Whole words or phrases, case-insensitive: "refund" matches "Refund!" but not "refunded". */
function keywordPattern (keyword: string): RegExp {
  let pattern = keywordPatterns.get(keyword)
  if (pattern === undefined) {
    const escaped = keyword.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+')
    pattern = new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, 'iu')
    keywordPatterns.set(keyword, pattern)
  }
  return pattern
}

const regexCache = new Map<string, RegExp>()
function policyRegex (source: string): RegExp {
  let regex = regexCache.get(source)
  if (regex === undefined) {
    regex = new RegExp(source, 'iu')
    regexCache.set(source, regex)
  }
  return regex
}

function normaliseHandle (value: string): string {
  return value.trim().replace(/^@/, '').toLowerCase()
}

function inList (context: ConditionContext, listName: string): boolean {
  const { author } = context.mention
  const entries = context.lists[listName] ?? []
  const handle = normaliseHandle(author.handle)
  return entries.some((entry) => normaliseHandle(entry) === handle || entry === author.id)
}

function kindOf (condition: Condition): ConditionKind {
  const kind = conditionKinds.find((key) => condition[key] !== undefined)
  if (kind === undefined) throw new TypeError('a validated condition has exactly one key')
  return kind
}

/** Evaluates every branch (no short-circuit) so the explanation shows each value seen. */
export function evaluateCondition (condition: Condition, context: ConditionContext): ConditionTrace {
  const kind = kindOf(condition)
  const { classification } = context.mention
  switch (kind) {
    case 'all':
    case 'any': {
      const children = (condition[kind] ?? []).map((child) => evaluateCondition(child, context))
      const trueCount = children.filter((child) => child.passed).length
      const passed = kind === 'all' ? trueCount === children.length : trueCount > 0
      return { kind, passed, detail: `${kind} (${trueCount}/${children.length} true) ${mark(passed)}`, children }
    }
    case 'not': {
      const child = evaluateCondition(condition.not as Condition, context)
      return { kind, passed: !child.passed, detail: `not (${child.passed ? 'true' : 'false'}) ${mark(!child.passed)}`, children: [child] }
    }
    case 'flag': {
      const flag = condition.flag as NonNullable<Condition['flag']>
      const value = classification.flags[flag]
      return { kind, passed: value, detail: `flag ${flag} = ${String(value)} ${mark(value)}` }
    }
    case 'sentiment': {
      const want = condition.sentiment ?? {}
      const { label, score } = classification.sentiment
      const checks: Check[] = []
      if (want.label !== undefined) checks.push({ passed: label === want.label, text: `sentiment ${label} = ${want.label}` })
      if (want.min_score !== undefined) {
        const labelOk = want.label === undefined || label === want.label
        checks.push({ passed: labelOk && score >= want.min_score, text: `sentiment score ${score} ≥ ${want.min_score}` })
      }
      return combine(kind, checks)
    }
    case 'intent': {
      const want = condition.intent as NonNullable<Condition['intent']>
      const confidence = classification.intents.find((intent) => intent.label === want.label)?.confidence
      const passed = confidence !== undefined && confidence >= want.min_confidence
      const seen = confidence === undefined ? 'absent' : String(confidence)
      return { kind, passed, detail: `intent ${want.label} ${seen} ≥ ${want.min_confidence} ${mark(passed)}` }
    }
    case 'urgency': {
      const want = condition.urgency ?? {}
      const { level, score } = classification.urgency
      const checks: Check[] = []
      if (want.at_least !== undefined) {
        checks.push({ passed: urgencyLevels.indexOf(level) >= urgencyLevels.indexOf(want.at_least), text: `urgency ${level} ≥ ${want.at_least}` })
      }
      if (want.min_score !== undefined) checks.push({ passed: score >= want.min_score, text: `urgency score ${score} ≥ ${want.min_score}` })
      return combine(kind, checks)
    }
    case 'platform':
    case 'source':
    case 'conversation': {
      const allowed: readonly string[] = condition[kind] ?? []
      const seen = kind === 'platform' ? context.mention.platform : kind === 'source' ? context.mention.sourceId : context.conversation
      const passed = allowed.includes(seen)
      return { kind, passed, detail: `${kind} ${seen} in ${listText(allowed)} ${mark(passed)}` }
    }
    case 'language': {
      const allowed = condition.language ?? []
      const seen = classification.language
      const passed = allowed.some((tag) => seen.toLowerCase() === tag.toLowerCase() || seen.toLowerCase().startsWith(`${tag.toLowerCase()}-`))
      return { kind, passed, detail: `language ${seen} in ${listText(allowed)} ${mark(passed)}` }
    }
    case 'author': {
      const want = condition.author ?? {}
      const { author } = context.mention
      const checks: Check[] = []
      if (want.min_followers !== undefined) {
        const followers = author.followers
        checks.push({ passed: followers !== undefined && followers >= want.min_followers, text: `author followers ${followers ?? 'unknown'} ≥ ${want.min_followers}` })
      }
      if (want.verified !== undefined) {
        const verified = author.verified ?? false
        checks.push({ passed: verified === want.verified, text: `author verified ${String(verified)} = ${String(want.verified)}` })
      }
      if (want.in_list !== undefined) {
        const found = inList(context, want.in_list)
        checks.push({ passed: found, text: `author @${author.handle} ${found ? 'in' : 'not in'} list ${want.in_list}` })
      }
      if (want.not_in_list !== undefined) {
        const found = inList(context, want.not_in_list)
        checks.push({ passed: !found, text: `author @${author.handle} ${found ? 'in' : 'not in'} list ${want.not_in_list}, want not in` })
      }
      return combine(kind, checks)
    }
    case 'text': {
      const want = condition.text ?? {}
      const text = context.mention.text
      const found = (keywords: readonly string[]) => keywords.filter((keyword) => keywordPattern(keyword).test(text))
      const checks: Check[] = []
      if (want.any !== undefined) {
        const hits = found(want.any)
        checks.push({ passed: hits.length > 0, text: `text any of ${listText(want.any)}: found ${listText(hits)}` })
      }
      if (want.all !== undefined) {
        const hits = found(want.all)
        checks.push({ passed: hits.length === want.all.length, text: `text all of ${listText(want.all)}: found ${listText(hits)}` })
      }
      if (want.none !== undefined) {
        const hits = found(want.none)
        checks.push({ passed: hits.length === 0, text: `text none of ${listText(want.none)}: found ${listText(hits)}` })
      }
      if (want.regex !== undefined) {
        const match = policyRegex(want.regex).exec(text)
        checks.push({ passed: match !== null, text: `text /${want.regex}/i ${match === null ? 'no match' : `matched "${match[0]}"`}` })
      }
      return combine(kind, checks)
    }
    case 'time': {
      const want = condition.time ?? {}
      const checks: Check[] = []
      if (want.in_business_hours !== undefined) {
        checks.push({ passed: context.inBusinessHours === want.in_business_hours, text: `in business hours ${String(context.inBusinessHours)} = ${String(want.in_business_hours)}` })
      }
      if (want.weekday !== undefined) {
        checks.push({ passed: want.weekday.includes(context.weekday), text: `weekday ${context.weekday} in ${listText(want.weekday)}` })
      }
      return combine(kind, checks)
    }
    case 'queue': {
      const over = condition.queue?.over ?? 0
      const passed = context.queueSize > over
      return { kind, passed, detail: `queue ${context.queueSizeIsLowerBound === true ? '≥ ' : ''}${context.queueSize} > ${over} ${mark(passed)}` }
    }
    default:
      return assertNever(kind, 'condition kind')
  }
}

/** Indented lines for a trace tree, for CLIs and logs. */
export function formatConditionTrace (trace: ConditionTrace, indent = ''): string[] {
  return [`${indent}${trace.detail}`, ...(trace.children ?? []).flatMap((child) => formatConditionTrace(child, `${indent}  `))]
}
