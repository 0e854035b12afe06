import { type ClassifiedMention, type TicketPriority, ticketPriorities } from '@earshot/contracts'
import { assertNever } from '@earshot/errors'
import { type ConditionTrace, evaluateCondition, formatConditionTrace } from './conditions.js'
import { type CoverageDecision, decideCoverage } from './coverage.js'
import { formatDuration } from './duration.js'
import { TriageArgumentError } from './errors.js'
import { type Policy } from './policy.js'
import { type Action, type ActionKind, actionKinds, type ConversationState, type SetSlaAction, type SlaTarget } from './policy-schema.js'
import { addOnClock, type SlaDeadline, slaBudget, slaDeadlines } from './sla.js'
import { renderTemplate } from './template.js'

export interface TriageInput {
  mention: ClassifiedMention
  /** The ticket the mention joins: `new` opens one, `existing` joins an open one, `reopened` reopens a closed one. */
  conversation?: {
    state: ConversationState
    priority?: TicketPriority
    team?: string
    tags?: readonly string[]
  }
  /** Open tickets in the brand's queue, for overspill. */
  queueSize?: number
  /** `queueSize` is where counting stopped (`queueCountLimit`): the queue holds at least that many. */
  queueSizeIsLowerBound?: boolean
}

export interface AppliedAction {
  rule: string
  ruleIndex: number
  kind: ActionKind
  action: Action
  /** `superseded`: an earlier rule already decided this (first decision wins), or the ticket was closed. */
  effect: 'applied' | 'superseded'
  note?: string
}

export interface Acknowledgement {
  mode: 'auto' | 'suggest' | 'none'
  template: string
  /** The template the rule asked for; differs from `template` under triage-only agency cover. */
  requestedTemplate: string
  text: string
  sendAt: string
  rule: string
  reason: string
}

export interface Notification { channel: string, team?: string, priority: TicketPriority, rule: string }

export type ScheduledItem =
  | { kind: 'follow_up', at: string, rule: string, unless: string[], then: Action }
  | { kind: 're_escalation', at: string, rule: string, unless: string[], then: Action }
  | { kind: 'sla_pre_breach' | 'sla_breach', at: string, target: SlaTarget }
  | { kind: 'handover', at: string }

export interface RuleTrace {
  index: number
  name: string
  matched: boolean
  /** False for a matching rule after a `stop`. */
  applied: boolean
  stoppedBy?: string
  /** Absent when the rule has no `when` (it always matches). */
  condition?: ConditionTrace
  actions: ActionKind[]
  stop: boolean
}

export interface Decision {
  tenantId: string
  mentionId: string
  evaluatedAt: string
  matchedRules: string[]
  actions: AppliedAction[]
  priority: TicketPriority
  team?: string
  assignee?: string
  status: 'open' | 'escalated' | 'closed'
  closeReason?: string
  tags: string[]
  coverage: CoverageDecision
  acknowledgement: Acknowledgement | null
  notifications: Notification[]
  sla: SlaDeadline[]
  scheduled: ScheduledItem[]
  explanation: { rules: RuleTrace[], lines: string[] }
}

const slaTargetsFor: Record<ConversationState, SlaTarget[]> = {
  new: ['first_response', 'resolution'],
  existing: ['next_response'],
  reopened: ['next_response', 'resolution'],
}

function higher (a: TicketPriority, b: TicketPriority): TicketPriority {
  return ticketPriorities.indexOf(a) >= ticketPriorities.indexOf(b) ? a : b
}

function kindOf (action: Action): ActionKind {
  const kind = actionKinds.find((key) => action[key] !== undefined)
  if (kind === undefined) throw new TypeError('a validated action has exactly one key')
  return kind
}

/**
 * Applies a policy to one classified mention at `now`. Pure and deterministic: the same policy, input
 * and `now` give the same decision. Every matching rule applies in order until one with `stop`;
 * single-valued outcomes (team, assignee, acknowledgement, close reason, each SLA override) are decided
 * by the first rule that sets them, priority only rises, tags accumulate.
 */
export function evaluate (policy: Policy, input: TriageInput, now: Date): Decision {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TriageArgumentError('now must be a valid Date')
  const { document, calendar } = policy
  const { mention } = input
  const conversation = input.conversation ?? { state: 'new' }
  const queueSize = input.queueSize ?? 0
  const coverage = decideCoverage(policy, now, queueSize)
  const context = {
    mention,
    conversation: conversation.state,
    queueSize,
    queueSizeIsLowerBound: input.queueSizeIsLowerBound ?? false,
    inBusinessHours: coverage.inBusinessHours,
    weekday: calendar.weekday(now),
    lists: document.lists,
  }

  const ruleTraces: RuleTrace[] = []
  const actions: AppliedAction[] = []
  let stoppedBy: string | undefined
  document.rules.forEach((rule, index) => {
    const condition = rule.when === undefined ? undefined : evaluateCondition(rule.when, context)
    const matched = condition?.passed ?? true
    const applied = matched && stoppedBy === undefined
    const trace: RuleTrace = { index, name: rule.name, matched, applied, actions: rule.then.map(kindOf), stop: rule.stop }
    if (condition !== undefined) trace.condition = condition
    if (matched && stoppedBy !== undefined) trace.stoppedBy = stoppedBy
    ruleTraces.push(trace)
    if (!applied) return
    for (const action of rule.then) actions.push({ rule: rule.name, ruleIndex: index, kind: kindOf(action), action, effect: 'applied' })
    if (rule.stop) stoppedBy = rule.name
  })

  let priority = higher(mention.classification.urgency.level, conversation.priority ?? 'low')
  let team = conversation.team
  let teamDecided = false
  let assignee: string | undefined
  let closeReason: string | undefined
  let escalated = false
  const tags = new Set(conversation.tags ?? [])
  const slaOverrides: SetSlaAction = {}
  const notifications: Notification[] = []
  const scheduled: ScheduledItem[] = []
  let acknowledgeAction: AppliedAction | undefined

  const supersede = (applied: AppliedAction, note: string) => {
    applied.effect = 'superseded'
    applied.note = note
  }

  for (const applied of actions) {
    const { action, rule } = applied
    switch (applied.kind) {
      case 'escalate': {
        const escalate = action.escalate!
        escalated = true
        if (escalate.priority !== undefined) priority = higher(priority, escalate.priority)
        if (escalate.team !== undefined) {
          if (teamDecided) supersede(applied, `team stays ${team ?? ''} (decided earlier)`)
          else { team = escalate.team; teamDecided = true }
        }
        for (const channel of escalate.notify) {
          const notification: Notification = { channel, priority, rule }
          if (escalate.team !== undefined) notification.team = escalate.team
          notifications.push(notification)
        }
        if (escalate.again_after !== undefined) {
          scheduled.push({ kind: 're_escalation', at: new Date(now.getTime() + escalate.again_after).toISOString(), rule, unless: ['replied'], then: action })
        }
        break
      }
      case 'assign': {
        const assign = action.assign!
        if (assign.team !== undefined) {
          if (teamDecided) supersede(applied, `team stays ${team ?? ''} (decided earlier)`)
          else { team = assign.team; teamDecided = true }
        }
        if (assign.user !== undefined) {
          if (assignee !== undefined) supersede(applied, `assignee stays ${assignee} (decided earlier)`)
          else assignee = assign.user
        }
        break
      }
      case 'tag':
        for (const tag of action.tag!.tags) tags.add(tag)
        break
      case 'set_sla': {
        const setSla = action.set_sla!
        for (const field of ['first_response', 'next_response', 'resolution', 'clock'] as const) {
          if (setSla[field] === undefined) continue
          if (slaOverrides[field] !== undefined) continue
          Object.assign(slaOverrides, { [field]: setSla[field] })
        }
        break
      }
      case 'close':
        if (closeReason !== undefined) supersede(applied, `already closed as ${closeReason}`)
        else closeReason = action.close!.reason
        break
      case 'acknowledge':
        if (acknowledgeAction !== undefined) supersede(applied, `acknowledgement already decided by rule "${acknowledgeAction.rule}"`)
        else acknowledgeAction = applied
        break
      case 'follow_up': {
        const followUp = action.follow_up!
        scheduled.push({
          kind: 'follow_up',
          at: addOnClock(calendar, followUp.clock, now, followUp.after).toISOString(),
          rule,
          unless: [...followUp.unless],
          then: followUp.then,
        })
        break
      }
      default:
        assertNever(applied.kind, 'action kind')
    }
  }

  const status: Decision['status'] = closeReason !== undefined ? 'closed' : escalated ? 'escalated' : 'open'
  let acknowledgement: Acknowledgement | null = null
  let sla: SlaDeadline[] = []
  if (status === 'closed') {
    for (const applied of actions) {
      if (applied.effect === 'applied' && (applied.kind === 'acknowledge' || applied.kind === 'follow_up')) supersede(applied, 'ticket closed')
    }
    scheduled.length = 0
  } else {
    sla = slaDeadlines(policy, {
      priority,
      startAt: new Date(Date.parse(mention.receivedAt)),
      targets: slaTargetsFor[conversation.state],
      overrides: slaOverrides,
    })
    for (const deadline of sla) {
      scheduled.push({ kind: 'sla_pre_breach', at: deadline.preBreachAt, target: deadline.target })
      scheduled.push({ kind: 'sla_breach', at: deadline.dueAt, target: deadline.target })
    }
    if (acknowledgeAction !== undefined) {
      acknowledgement = acknowledge(policy, acknowledgeAction, { coverage, priority, team, slaOverrides, mention, now })
    }
  }
  if (coverage.handoverAt !== undefined && status !== 'closed') scheduled.push({ kind: 'handover', at: coverage.handoverAt })
  scheduled.sort((a, b) => Date.parse(a.at) - Date.parse(b.at))

  const decision: Decision = {
    tenantId: mention.tenantId,
    mentionId: mention.id,
    evaluatedAt: now.toISOString(),
    matchedRules: ruleTraces.filter((trace) => trace.applied).map((trace) => trace.name),
    actions,
    priority,
    status,
    tags: [...tags],
    coverage,
    acknowledgement,
    notifications,
    sla,
    scheduled,
    explanation: { rules: ruleTraces, lines: [] },
  }
  if (team !== undefined) decision.team = team
  if (assignee !== undefined) decision.assignee = assignee
  if (closeReason !== undefined) decision.closeReason = closeReason
  decision.explanation.lines = explain(decision)
  return decision
}

/**
 * The acknowledgement rule: the first `acknowledge` that applies decides mode, template and delay.
 * When the agency covers the ticket and `permissions.agency_may_reply` is false (triage-only), the
 * text is always the holding template: `auto` posts only the holding message, `suggest` drafts it.
 */
function acknowledge (policy: Policy, applied: AppliedAction, state: {
  coverage: CoverageDecision
  priority: TicketPriority
  team: string | undefined
  slaOverrides: SetSlaAction
  mention: ClassifiedMention
  now: Date
}): Acknowledgement {
  const { document, calendar } = policy
  const request = applied.action.acknowledge!
  const triageOnly = state.coverage.triageOnly
  const template = triageOnly ? document.coverage.holding_template : request.template
  const budget = slaBudget(policy, state.priority, state.slaOverrides).targets
  const within = (ms: number | undefined) => ms === undefined ? 'as soon as we can' : formatDuration(ms)
  const { author, platform } = state.mention
  return {
    mode: request.mode,
    template,
    requestedTemplate: request.template,
    text: renderTemplate(document.templates[template] ?? '', {
      'author.handle': author.handle,
      'author.name': author.name ?? author.handle,
      platform,
      'ticket.priority': state.priority,
      'ticket.team': state.team ?? '',
      'sla.first_response': within(budget.first_response),
      'sla.next_response': within(budget.next_response),
      'sla.resolution': within(budget.resolution),
      'business_hours.next_open': calendar.formatLocal(calendar.nextBusinessStart(state.now)),
    }),
    sendAt: new Date(state.now.getTime() + request.delay).toISOString(),
    rule: applied.rule,
    reason: triageOnly
      ? `agency ${state.coverage.why.replace(/_/g, '-')} cover is triage-only (agency_may_reply: false): holding template "${template}"`
      : `rule "${applied.rule}"`,
  }
}

function explain (decision: Decision): string[] {
  const lines: string[] = []
  for (const rule of decision.explanation.rules) {
    const head = `rule ${rule.index + 1} "${rule.name}": `
    if (!rule.matched) lines.push(`${head}not matched`)
    else if (!rule.applied) lines.push(`${head}matched, not applied (stopped by "${rule.stoppedBy ?? ''}")`)
    else lines.push(`${head}matched → ${rule.actions.join(', ')}${rule.stop ? '; stop' : ''}`)
    if (rule.condition === undefined) lines.push('  always')
    else lines.push(...formatConditionTrace(rule.condition, '  '))
  }
  for (const action of decision.actions) {
    if (action.effect === 'superseded') lines.push(`${action.kind} from "${action.rule}" superseded: ${action.note ?? ''}`)
  }
  const { coverage } = decision
  lines.push(`coverage: ${coverage.who} (${coverage.why})${coverage.triageOnly ? ', triage-only' : ''}${coverage.handoverAt === undefined ? '' : `, handover at ${coverage.handoverAt}`}`)
  lines.push(`result: priority ${decision.priority}, team ${decision.team ?? '-'}, status ${decision.status}${decision.closeReason === undefined ? '' : ` (${decision.closeReason})`}`)
  if (decision.acknowledgement !== null) {
    const ack = decision.acknowledgement
    lines.push(`acknowledge: ${ack.mode} with "${ack.template}" at ${ack.sendAt} (${ack.reason})`)
  }
  for (const deadline of decision.sla) {
    lines.push(`sla ${deadline.target}: ${formatDuration(deadline.budgetMs)} on the ${deadline.clock} clock, pre-breach ${deadline.preBreachAt}, due ${deadline.dueAt}`)
  }
  return lines
}
