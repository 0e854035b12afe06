import { AppError } from '@earshot/errors'

export const errorCodes = ['CFG_ERR_INVALID'] as const

export type ErrorCode = typeof errorCodes[number]

export interface ConfigProblem {
  /** The environment variable at fault; undefined for a rule spanning several variables. */
  variable: string | undefined
  /** What is wrong and what to set, with the offending value shown (or redacted). */
  message: string
}

export class ConfigError extends AppError<'CFG_ERR_INVALID'> {
  readonly problems: readonly ConfigProblem[]

  constructor (problems: readonly ConfigProblem[]) {
    super('CFG_ERR_INVALID', problems.map(formatProblem).join('\n'), { retriable: false })
    this.problems = problems
  }
}

export function formatProblem (problem: ConfigProblem): string {
  return problem.variable === undefined ? problem.message : `${problem.variable}: ${problem.message}`
}
