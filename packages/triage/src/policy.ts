import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, Scalar } from 'yaml'
import { type z } from 'zod'
import { type BusinessCalendar, createBusinessCalendar, parseSpans, type Span, weekdays } from './calendar.js'
import { type PolicyIssue, PolicyError } from './errors.js'
import { type Action, type Condition, type PolicyDocument, policyDocumentSchema } from './policy-schema.js'
import { isTemplateVariable, templatePlaceholders, templateVariables } from './template.js'

/** A validated policy, ready for evaluation. */
export interface Policy {
  source: string
  document: PolicyDocument
  calendar: BusinessCalendar
}

export type ParsePolicyResult = { ok: true, policy: Policy } | { ok: false, errors: PolicyIssue[] }

type PathSegment = string | number
type Path = readonly PathSegment[]
/** Where an issue points: the value at the path, or the key naming it (unknown or misspelt keys). */
type Anchor = 'value' | 'key'

interface Located { path: Path, message: string, anchor?: Anchor, offsetInScalar?: number }

export function formatPath (path: Path): string {
  if (path.length === 0) return '(policy)'
  return path.map((segment, index) => typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`).join('')
}

/** Parses and validates a policy document; every error carries the line and column of the offending node. */
export function parsePolicy (yamlText: string, options: { source?: string } = {}): ParsePolicyResult {
  const source = options.source ?? 'policy.yaml'
  const lineCounter = new LineCounter()
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: true, uniqueKeys: true })

  const position = (offset: number): { line: number, column: number } => {
    const { line, col } = lineCounter.linePos(offset)
    return { line, column: col }
  }

  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((err) => ({
        source,
        ...position(err.pos[0]),
        path: '(yaml)',
        message: `YAML ${err.code}: ${err.message.split(' at line ')[0]?.split('\n')[0] ?? err.message}`,
      })),
    }
  }

  const locate = ({ path, message, anchor = 'value', offsetInScalar }: Located): PolicyIssue => {
    let node: unknown = doc.contents
    let keyNode: unknown
    let walked = 0
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => (isScalar(item.key) ? String(item.key.value) : String(item.key)) === String(segment))
        if (pair === undefined) break
        keyNode = pair.key
        node = pair.value
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
        keyNode = undefined
        node = node.items[segment]
      } else {
        break
      }
      walked++
    }
    const found = walked === path.length
    const target = (found && anchor === 'key' && keyNode !== undefined ? keyNode : node) as Node | undefined
    let offset = target?.range?.[0] ?? 0
    if (found && anchor === 'value' && offsetInScalar !== undefined && isScalar(target)) {
      if (target.type === Scalar.PLAIN) offset += offsetInScalar
      if (target.type === Scalar.QUOTE_DOUBLE || target.type === Scalar.QUOTE_SINGLE) offset += offsetInScalar + 1
    }
    return { source, ...position(offset), path: formatPath(path), message }
  }

  const value: unknown = doc.toJS({ maxAliasCount: 100 })
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, errors: [locate({ path: [], message: 'expected a mapping with timezone, business_hours, rules, …' })] }
  }

  const parsed = policyDocumentSchema.safeParse(value)
  const located = parsed.success ? checkSemantics(parsed.data) : parsed.error.issues.flatMap((issue) => fromZodIssue(issue, value))
  if (located.length > 0) {
    const errors = located.map(locate).sort((a, b) => a.line - b.line || a.column - b.column)
    return { ok: false, errors }
  }
  const document = parsed.data as PolicyDocument
  const calendar = createBusinessCalendar({ timezone: document.timezone, week: weekFrom(document.business_hours), holidays: document.holidays })
  return { ok: true, policy: { source, document, calendar } }
}

/** Like parsePolicy, but throws a PolicyError (TRIAGE_ERR_INVALID_POLICY) listing every error. */
export function loadPolicy (yamlText: string, options: { source?: string } = {}): Policy {
  const result = parsePolicy(yamlText, options)
  if (!result.ok) throw new PolicyError(options.source ?? 'policy.yaml', result.errors)
  return result.policy
}

function valueAt (root: unknown, path: Path): { found: boolean, value: unknown } {
  let node = root
  for (const segment of path) {
    if (typeof node !== 'object' || node === null || !(segment in node)) return { found: false, value: undefined }
    node = (node as Record<PathSegment, unknown>)[segment]
  }
  return { found: true, value: node }
}

function deepestWritten (root: unknown, path: Path): { path: Path, value: unknown } {
  for (let length = path.length - 1; length >= 0; length--) {
    const prefix = path.slice(0, length)
    const seen = valueAt(root, prefix)
    if (seen.found) return { path: prefix, value: seen.value }
  }
  return { path: [], value: root }
}

function describe (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  if (typeof value === 'string') return `"${value}"`
  return String(value)
}

function fromZodIssue (issue: z.core.$ZodIssue, root: unknown): Located[] {
  const path = issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol')
  const seen = valueAt(root, path)
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], anchor: 'key' as const, message: `unknown key "${key}"` }))
    case 'invalid_value': {
      // A shorthand (`sentiment: angry`) fails at a path the document does not have; point at what was written.
      const written = seen.found ? { path, value: seen.value } : deepestWritten(root, path)
      return [{ path: written.path, message: `expected one of ${issue.values.map(String).join('|')}, got ${describe(written.value)}` }]
    }
    case 'invalid_type':
      if (!seen.found || seen.value === undefined) return [{ path, message: `required (${issue.expected})` }]
      return [{ path, message: `expected ${issue.expected}, got ${describe(seen.value)}` }]
    case 'invalid_key':
      return [{ path, anchor: 'key', message: issue.message }]
    case 'too_small':
      if (issue.origin === 'array') return [{ path, message: `expected at least ${String(issue.minimum)} item(s)` }]
      if (issue.origin === 'string') return [{ path, message: 'must not be empty' }]
      return [{ path, message: `expected a number ${issue.inclusive === true ? '≥' : '>'} ${String(issue.minimum)}, got ${describe(seen.value)}` }]
    case 'too_big':
      if (issue.origin === 'array' || issue.origin === 'string') return [{ path, message: `expected at most ${String(issue.maximum)}` }]
      return [{ path, message: `expected a number ${issue.inclusive === true ? '≤' : '<'} ${String(issue.maximum)}, got ${describe(seen.value)}` }]
    default:
      return [{ path, message: issue.message }]
  }
}

/** `mon-fri` → [0…4], `sat` → [5]; undefined when the key is not a day or a day range. */
function daysOfKey (key: string): number[] | undefined {
  const [first, last, ...rest] = key.trim().toLowerCase().split('-')
  if (rest.length > 0 || first === undefined) return undefined
  const from = (weekdays as readonly string[]).indexOf(first)
  const to = last === undefined ? from : (weekdays as readonly string[]).indexOf(last)
  if (from < 0 || to < 0 || to < from) return undefined
  return Array.from({ length: to - from + 1 }, (_, index) => from + index)
}

function weekFrom (businessHours: Record<string, string>): Span[][] {
  const week: Span[][] = weekdays.map(() => [])
  for (const [key, text] of Object.entries(businessHours)) {
    const spans = parseSpans(text)
    if ('error' in spans) continue
    for (const day of daysOfKey(key) ?? []) week[day] = spans.spans
  }
  return week
}

function forEachCondition (condition: Condition | undefined, path: Path, visit: (condition: Condition, path: Path) => void): void {
  if (condition === undefined) return
  visit(condition, path)
  condition.all?.forEach((child, index) => forEachCondition(child, [...path, 'all', index], visit))
  condition.any?.forEach((child, index) => forEachCondition(child, [...path, 'any', index], visit))
  forEachCondition(condition.not, [...path, 'not'], visit)
}

function forEachAction (action: Action, path: Path, visit: (action: Action, path: Path) => void): void {
  visit(action, path)
  if (action.follow_up !== undefined) forEachAction(action.follow_up.then, [...path, 'follow_up', 'then'], visit)
}

function checkSemantics (policy: PolicyDocument): Located[] {
  const issues: Located[] = []

  const definedBy = new Map<number, string>()
  for (const [key, text] of Object.entries(policy.business_hours)) {
    const days = daysOfKey(key)
    if (days === undefined) {
      issues.push({ path: ['business_hours', key], anchor: 'key', message: `expected a day (${weekdays.join(', ')}) or a range such as mon-fri, got "${key}"` })
      continue
    }
    for (const day of days) {
      const earlier = definedBy.get(day)
      if (earlier !== undefined) {
        issues.push({ path: ['business_hours', key], anchor: 'key', message: `${weekdays[day] ?? day} is already defined by "${earlier}"` })
      }
      definedBy.set(day, key)
    }
    const spans = parseSpans(text)
    if ('error' in spans) issues.push({ path: ['business_hours', key], message: spans.error })
  }
  if (issues.length === 0 && weekFrom(policy.business_hours).every((spans) => spans.length === 0)) {
    issues.push({ path: ['business_hours'], message: 'no business hours: give at least one day a span such as "08:00-20:00"' })
  }

  for (const [name, template] of Object.entries(policy.templates)) {
    for (const { name: variable, offset } of templatePlaceholders(template)) {
      if (!isTemplateVariable(variable)) {
        issues.push({ path: ['templates', name], offsetInScalar: offset, message: `unknown template variable "{{${variable}}}"; known: ${templateVariables.join(', ')}` })
      }
    }
  }

  const ruleNames = new Map<string, number>()
  let acknowledges = false
  policy.rules.forEach((rule, ruleIndex) => {
    const rulePath = ['rules', ruleIndex]
    const earlier = ruleNames.get(rule.name)
    if (earlier !== undefined) issues.push({ path: [...rulePath, 'name'], message: `rule name "${rule.name}" is already used by rules[${earlier}]` })
    ruleNames.set(rule.name, ruleIndex)

    forEachCondition(rule.when, [...rulePath, 'when'], (condition, path) => {
      for (const field of ['in_list', 'not_in_list'] as const) {
        const list = condition.author?.[field]
        if (list !== undefined && !(list in policy.lists)) {
          issues.push({ path: [...path, 'author', field], message: `unknown list "${list}"; define it under lists:` })
        }
      }
      const regex = condition.text?.regex
      if (regex !== undefined) {
        try {
          new RegExp(regex, 'iu').test('')
        } catch (err) {
          issues.push({ path: [...path, 'text', 'regex'], message: `invalid regular expression: ${err instanceof Error ? err.message : String(err)}` })
        }
      }
    })

    rule.then.forEach((action, actionIndex) => forEachAction(action, [...rulePath, 'then', actionIndex], (nested, path) => {
      if (nested.acknowledge === undefined) return
      acknowledges = true
      const template = nested.acknowledge.template
      if (!(template in policy.templates)) {
        issues.push({ path: [...path, 'acknowledge', 'template'], message: `unknown template "${template}"; define it under templates:` })
      }
    }))
  })

  const { coverage } = policy
  const agencyCovers = coverage.in_hours === 'agency' || coverage.out_of_hours === 'agency' || coverage.overspill?.to === 'agency'
  if (acknowledges && agencyCovers && !policy.permissions.agency_may_reply && !(coverage.holding_template in policy.templates)) {
    issues.push({
      path: ['permissions', 'agency_may_reply'],
      message: `the agency may not reply, so its acknowledgements use the holding template "${coverage.holding_template}", which is not defined under templates:`,
    })
  }
  return issues
}
