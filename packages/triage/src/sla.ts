import { type TicketPriority } from '@earshot/contracts'
import { type BusinessCalendar } from './calendar.js'
import { TriageArgumentError } from './errors.js'
import { type Policy } from './policy.js'
import { type Clock, type SetSlaAction, type SlaTarget, slaTargets } from './policy-schema.js'

export interface SlaBudget {
  clock: Clock
  targets: Partial<Record<SlaTarget, number>>
}

export interface SlaDeadline {
  target: SlaTarget
  clock: Clock
  budgetMs: number
  startAt: string
  /** When `pre_breach` of the budget has elapsed on the clock: the moment to escalate before breaching. */
  preBreachAt: string
  dueAt: string
}

export type SlaState = 'ok' | 'pre_breach' | 'breached'

/** The targets for a priority; `overrides` (a set_sla action) replace individual targets and the clock. */
export function slaBudget (policy: Policy, priority: TicketPriority, overrides: SetSlaAction = {}): SlaBudget {
  const slas = policy.document.slas
  const forPriority = slas[priority] ?? {}
  const targets: Partial<Record<SlaTarget, number>> = {}
  for (const target of slaTargets) {
    const ms = overrides[target] ?? forPriority[target]
    if (ms !== undefined) targets[target] = ms
  }
  return { clock: overrides.clock ?? forPriority.clock ?? slas.clock, targets }
}

/** The instant `ms` after `start` on the clock: business time skips closed hours and holidays. */
export function addOnClock (calendar: BusinessCalendar, clock: Clock, start: Date, ms: number): Date {
  if (!Number.isFinite(ms) || ms < 0) throw new TriageArgumentError(`SLA budget must be a non-negative number of milliseconds, got ${ms}`)
  return clock === 'calendar' ? new Date(start.getTime() + ms) : calendar.addBusinessDuration(start, ms)
}

/** Elapsed time on the clock from `start` to `now`. */
export function elapsedOnClock (calendar: BusinessCalendar, clock: Clock, start: Date, now: Date): number {
  return clock === 'calendar' ? now.getTime() - start.getTime() : calendar.businessDurationBetween(start, now)
}

export function slaDeadlines (policy: Policy, options: {
  priority: TicketPriority
  startAt: Date
  targets: readonly SlaTarget[]
  overrides?: SetSlaAction
}): SlaDeadline[] {
  const budget = slaBudget(policy, options.priority, options.overrides)
  const fraction = policy.document.slas.pre_breach
  const deadlines: SlaDeadline[] = []
  for (const target of options.targets) {
    const budgetMs = budget.targets[target]
    if (budgetMs === undefined) continue
    deadlines.push({
      target,
      clock: budget.clock,
      budgetMs,
      startAt: options.startAt.toISOString(),
      preBreachAt: addOnClock(policy.calendar, budget.clock, options.startAt, Math.round(budgetMs * fraction)).toISOString(),
      dueAt: addOnClock(policy.calendar, budget.clock, options.startAt, budgetMs).toISOString(),
    })
  }
  return deadlines
}

export function slaState (deadline: SlaDeadline, now: Date): SlaState {
  const t = now.getTime()
  if (t >= Date.parse(deadline.dueAt)) return 'breached'
  if (t >= Date.parse(deadline.preBreachAt)) return 'pre_breach'
  return 'ok'
}
