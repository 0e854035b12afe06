import { AppError } from '@earshot/errors'

export const errorCodes = [
  'CONTRACT_ERR_INVALID_EVENT',
  'CONTRACT_ERR_MALFORMED_JSON',
  'CONTRACT_ERR_UNKNOWN_TOPIC',
] as const

export type ErrorCode = typeof errorCodes[number]

/** One reason an event breaks its contract: `path` is dotted (`author.handle`, `classification.intents[0].label`), '' for the whole event. */
export interface ContractIssue {
  path: string
  message: string
}

/**
 * An event that cannot be accepted. Never retriable: the same bytes fail the same way, so a
 * consumer dead-letters them and a producer has a bug to fix.
 */
export class ContractError extends AppError<ErrorCode> {
  readonly topic: string
  readonly issues: readonly ContractIssue[]

  constructor (code: ErrorCode, topic: string, message: string, options: { issues?: readonly ContractIssue[], cause?: unknown } = {}) {
    super(code, message, { cause: options.cause, retriable: false })
    this.topic = topic
    this.issues = options.issues ?? []
  }
}

export function formatIssue (issue: ContractIssue): string {
  return `${issue.path === '' ? '(event)' : issue.path}: ${issue.message}`
}

export function invalidEventError (topic: string, issues: readonly ContractIssue[]): ContractError {
  return new ContractError('CONTRACT_ERR_INVALID_EVENT', topic,
    `${topic} is invalid: ${issues.map(formatIssue).join('; ')}`, { issues })
}

export function malformedJsonError (topic: string, reason: string, cause: unknown): ContractError {
  return new ContractError('CONTRACT_ERR_MALFORMED_JSON', topic, `${topic} message is not valid JSON: ${reason}`, { cause })
}

export function unknownTopicError (topic: string, knownTopics: readonly string[]): ContractError {
  return new ContractError('CONTRACT_ERR_UNKNOWN_TOPIC', topic,
    `unknown topic "${topic}"; @earshot/contracts knows ${knownTopics.join(', ')}`)
}
