import { AppError } from '@earshot/errors'

export const errorCodes = [
  'TRIAGE_ERR_INVALID_POLICY',
  'TRIAGE_ERR_INVALID_ARGUMENT',
  'TRIAGE_ERR_NO_BUSINESS_TIME',
] as const

export type ErrorCode = typeof errorCodes[number]

/** One problem in a policy document; `line` and `column` are 1-based and point at the offending node. */
export interface PolicyIssue {
  source: string
  line: number
  column: number
  /** Dotted path such as `rules[1].then[0].escalate.priority`; `(policy)` for the whole document. */
  path: string
  message: string
}

export function formatPolicyIssue (issue: PolicyIssue): string {
  return `${issue.source}:${issue.line}:${issue.column} ${issue.path}: ${issue.message}`
}

/** A policy that cannot be loaded. Never retriable: the same text fails the same way. */
export class PolicyError extends AppError<ErrorCode> {
  readonly source: string
  readonly issues: readonly PolicyIssue[]

  constructor (source: string, issues: readonly PolicyIssue[]) {
    const count = issues.length === 1 ? '1 error' : `${issues.length} errors`
    super('TRIAGE_ERR_INVALID_POLICY', `${source} is invalid (${count}):\n${issues.map(formatPolicyIssue).join('\n')}`,
      { retriable: false, statusCode: 422 })
    this.source = source
    this.issues = issues
  }
}

/** A caller passed something the pure functions cannot work with (an invalid Date, a negative duration). */
export class TriageArgumentError extends AppError<ErrorCode> {
  constructor (message: string) {
    super('TRIAGE_ERR_INVALID_ARGUMENT', message, { retriable: false })
  }
}

/** The calendar has no business time within the search horizon (every day a holiday, for years). */
export class NoBusinessTimeError extends AppError<ErrorCode> {
  constructor (from: Date, horizonDays: number) {
    super('TRIAGE_ERR_NO_BUSINESS_TIME', `no business time within ${horizonDays} days after ${from.toISOString()}`, { retriable: false })
  }
}
