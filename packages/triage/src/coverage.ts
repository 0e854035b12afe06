import { type Policy } from './policy.js'
import { type CoverageTeam } from './policy-schema.js'

export type CoverageReason = 'in_hours' | 'out_of_hours' | 'overspill'

export interface CoverageDecision {
  who: CoverageTeam
  why: CoverageReason
  inBusinessHours: boolean
  /** True when the agency works the ticket but may not reply freely: acknowledge with the holding template, escalate, follow up. */
  triageOnly: boolean
  /** When the ticket goes back to the brand queue: the next start of business hours (agency out-of-hours cover only). */
  handoverAt?: string
}

/** The start of business hours at or after `t`: when tickets covered out of hours are handed back to the brand. */
export function handoverAt (policy: Policy, t: Date): Date {
  return policy.calendar.nextBusinessStart(t)
}

/** Who works a ticket at `now`: out of hours the out-of-hours team; in hours the brand, unless its queue is over the overspill threshold. */
export function decideCoverage (policy: Policy, now: Date, queueSize: number): CoverageDecision {
  const { coverage, permissions } = policy.document
  const inBusinessHours = policy.calendar.isBusinessTime(now)
  let who: CoverageTeam
  let why: CoverageReason
  if (!inBusinessHours) {
    who = coverage.out_of_hours
    why = 'out_of_hours'
  } else if (coverage.overspill !== undefined && queueSize > coverage.overspill.queue_over) {
    who = coverage.overspill.to
    why = 'overspill'
  } else {
    who = coverage.in_hours
    why = 'in_hours'
  }
  const decision: CoverageDecision = { who, why, inBusinessHours, triageOnly: who === 'agency' && !permissions.agency_may_reply }
  if (who === 'agency' && why === 'out_of_hours' && coverage.in_hours === 'brand') {
    decision.handoverAt = handoverAt(policy, now).toISOString()
  }
  return decision
}
