import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { type ClassifiedMention, classifiedMentionSchema, type TicketPriority, ticketPriorities } from '@earshot/contracts'
import { conversationStates, type ConversationState, type Decision, evaluate, formatPolicyIssue, parsePolicy, type Policy } from '@earshot/triage'

export interface CliIo {
  readFile: (path: string) => string
  out: (line: string) => void
  err: (line: string) => void
}

const defaultIo: CliIo = {
  readFile: (path) => readFileSync(path, 'utf8'),
  out: (line) => { process.stdout.write(`${line}\n`) },
  err: (line) => { process.stderr.write(`${line}\n`) },
}

export const usage = `usage:
  rules validate <policy.yaml> [--json]
  rules test <policy.yaml> <mentions.jsonl> [--at <ISO time>] [--json]`

interface TestLine {
  line: number
  mention: ClassifiedMention
  conversation?: { state: ConversationState, priority?: TicketPriority, team?: string, tags?: string[] }
  queueSize?: number
}

type LoadedPolicy = { ok: true, policy: Policy } | { ok: false, errors: string[] }

function loadPolicyFile (path: string, io: CliIo): LoadedPolicy {
  let text: string
  try {
    text = io.readFile(path)
  } catch (err) {
    return { ok: false, errors: [`${path}: cannot read: ${(err as Error).message}`] }
  }
  const result = parsePolicy(text, { source: path })
  return result.ok ? result : { ok: false, errors: result.errors.map(formatPolicyIssue) }
}

/** `rules validate`: every error as `file:line:col path: reason`; exit code 1 when there are any. */
export function validateCommand (path: string, options: { json?: boolean } = {}, io: CliIo = defaultIo): number {
  const loaded = loadPolicyFile(path, io)
  if (options.json === true) {
    io.out(JSON.stringify(loaded.ok ? { ok: true, file: path, rules: loaded.policy.document.rules.length } : { ok: false, file: path, errors: loaded.errors }))
    return loaded.ok ? 0 : 1
  }
  if (!loaded.ok) {
    for (const error of loaded.errors) io.err(error)
    io.err(`${path}: ${loaded.errors.length} error${loaded.errors.length === 1 ? '' : 's'}`)
    return 1
  }
  const { document } = loaded.policy
  io.out(`${path}: ok, ${document.rules.length} rules, ${Object.keys(document.templates).length} templates, timezone ${document.timezone}`)
  return 0
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Each line is a mentions.classified.v1 object (a mentions.v1 object with `classification` is the same
 * shape). Two optional dry-run fields are taken off before validation: `conversation` (the ticket state
 * the mention would join) and `queueSize` (the brand's open tickets, for overspill).
 */
export function parseMentionLines (text: string, source: string): { lines: TestLine[], errors: string[] } {
  const lines: TestLine[] = []
  const errors: string[] = []
  text.split('\n').forEach((raw, index) => {
    const lineNumber = index + 1
    if (raw.trim() === '' || raw.trimStart().startsWith('//')) return
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch (err) {
      errors.push(`${source}:${lineNumber}: invalid JSON: ${(err as Error).message}`)
      return
    }
    if (!isRecord(value)) {
      errors.push(`${source}:${lineNumber}: expected a JSON object`)
      return
    }
    const { conversation, queueSize, ...payload } = value
    const parsed = classifiedMentionSchema.safeParse(payload)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push(`${source}:${lineNumber} ${issue.path.join('.') || '(mention)'}: ${issue.message}`)
      return
    }
    const entry: TestLine = { line: lineNumber, mention: parsed.data }
    if (queueSize !== undefined) {
      if (typeof queueSize !== 'number' || !Number.isInteger(queueSize) || queueSize < 0) {
        errors.push(`${source}:${lineNumber} queueSize: must be a non-negative integer`)
        return
      }
      entry.queueSize = queueSize
    }
    if (conversation !== undefined) {
      const state = isRecord(conversation) ? conversation.state : undefined
      if (!isRecord(conversation) || !conversationStates.includes(state as ConversationState)) {
        errors.push(`${source}:${lineNumber} conversation.state: must be one of ${conversationStates.join(', ')}`)
        return
      }
      const priority = conversation.priority
      if (priority !== undefined && !ticketPriorities.includes(priority as TicketPriority)) {
        errors.push(`${source}:${lineNumber} conversation.priority: must be one of ${ticketPriorities.join(', ')}`)
        return
      }
      entry.conversation = {
        state: state as ConversationState,
        ...(priority === undefined ? {} : { priority: priority as TicketPriority }),
        ...(typeof conversation.team === 'string' ? { team: conversation.team } : {}),
        ...(Array.isArray(conversation.tags) ? { tags: conversation.tags.filter((tag): tag is string => typeof tag === 'string') } : {}),
      }
    }
    lines.push(entry)
  })
  return { lines, errors }
}

export interface MentionVerdict {
  line: number
  mentionId: string
  tenantId: string
  evaluatedAt: string
  decision: Decision
}

/** The dry run itself: no I/O, no clock; each mention is evaluated at `at`, or at its `receivedAt`. */
export function dryRun (policy: Policy, lines: readonly TestLine[], at?: Date): MentionVerdict[] {
  return lines.map((entry) => {
    const when = at ?? new Date(entry.mention.receivedAt)
    const decision = evaluate(policy, {
      mention: entry.mention,
      ...(entry.conversation === undefined ? {} : { conversation: entry.conversation }),
      ...(entry.queueSize === undefined ? {} : { queueSize: entry.queueSize }),
    }, when)
    return { line: entry.line, mentionId: entry.mention.id, tenantId: entry.mention.tenantId, evaluatedAt: when.toISOString(), decision }
  })
}

/** The human explanation of one decision: the evaluator's lines plus the acknowledgement text and the schedules. */
export function describeVerdict (verdict: MentionVerdict, source: string): string[] {
  const { decision } = verdict
  const matched = decision.matchedRules.length === 0 ? 'no rule matched' : `matched: ${decision.matchedRules.map((name) => `"${name}"`).join(', ')}`
  const lines = [`${source}:${verdict.line} ${verdict.mentionId} (${verdict.tenantId}) at ${verdict.evaluatedAt}: ${matched}`]
  for (const line of decision.explanation.lines) lines.push(`  ${line}`)
  if (decision.tags.length > 0) lines.push(`  tags: ${decision.tags.join(', ')}`)
  for (const notification of decision.notifications) {
    lines.push(`  notify: ${notification.channel}${notification.team === undefined ? '' : ` (${notification.team})`} at ${notification.priority} from "${notification.rule}"`)
  }
  if (decision.acknowledgement !== null) lines.push(`  acknowledgement text: ${JSON.stringify(decision.acknowledgement.text)}`)
  for (const item of decision.scheduled) {
    switch (item.kind) {
      case 'follow_up':
      case 're_escalation':
        lines.push(`  schedule ${item.kind} at ${item.at} from "${item.rule}"${item.unless.length === 0 ? '' : ` unless ${item.unless.join(', ')}`}`)
        break
      case 'sla_pre_breach':
      case 'sla_breach':
        lines.push(`  schedule ${item.kind} (${item.target}) at ${item.at}`)
        break
      case 'handover':
        lines.push(`  schedule handover at ${item.at}`)
        break
    }
  }
  return lines
}

/** `rules test`: evaluates every mention against the policy and prints the decisions; nothing is written anywhere. */
export function testCommand (policyPath: string, mentionsPath: string, options: { json?: boolean, at?: string } = {}, io: CliIo = defaultIo): number {
  let at: Date | undefined
  if (options.at !== undefined) {
    at = new Date(options.at)
    if (Number.isNaN(at.getTime())) {
      io.err(`--at: not an ISO time: ${options.at}`)
      return 2
    }
  }
  const loaded = loadPolicyFile(policyPath, io)
  if (!loaded.ok) {
    for (const error of loaded.errors) io.err(error)
    return 1
  }
  let text: string
  try {
    text = io.readFile(mentionsPath)
  } catch (err) {
    io.err(`${mentionsPath}: cannot read: ${(err as Error).message}`)
    return 1
  }
  const { lines, errors } = parseMentionLines(text, mentionsPath)
  if (errors.length > 0) {
    for (const error of errors) io.err(error)
    return 1
  }
  const verdicts = dryRun(loaded.policy, lines, at)
  if (options.json === true) {
    for (const verdict of verdicts) io.out(JSON.stringify(verdict))
    return 0
  }
  for (const verdict of verdicts) {
    for (const line of describeVerdict(verdict, basename(mentionsPath))) io.out(line)
    io.out('')
  }
  const matched = verdicts.filter((verdict) => verdict.decision.matchedRules.length > 0).length
  io.out(`${verdicts.length} mentions, ${matched} matched at least one rule (dry run, nothing written)`)
  return 0
}

/** Parses argv (without node and the script) and runs a command; returns the exit code. */
export function runRulesCli (argv: readonly string[], io: CliIo = defaultIo): number {
  const positional: string[] = []
  let json = false
  let at: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--json') json = true
    else if (arg === '--at') {
      at = argv[++i]
      if (at === undefined) { io.err('--at needs an ISO time'); return 2 }
    } else if (arg.startsWith('--at=')) at = arg.slice('--at='.length)
    else if (arg === '--help' || arg === '-h') { io.out(usage); return 0 } else if (arg.startsWith('--')) { io.err(`unknown option ${arg}\n${usage}`); return 2 } else positional.push(arg)
  }
  const [command, ...rest] = positional
  if (command === 'validate' && rest.length === 1) return validateCommand(rest[0]!, { json }, io)
  if (command === 'test' && rest.length === 2) return testCommand(rest[0]!, rest[1]!, { json, ...(at === undefined ? {} : { at }) }, io)
  io.err(usage)
  return 2
}

if (require.main === module) {
  process.exitCode = runRulesCli(process.argv.slice(2))
}
