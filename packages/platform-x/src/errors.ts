import { AppError } from '@earshot/errors'

export const errorCodes = [
  'PLATFORMX_ERR_REPLY_FAILED',
  'PLATFORMX_ERR_REPLY_IN_DOUBT',
] as const

export type ErrorCode = typeof errorCodes[number]

export class PlatformXError extends AppError<ErrorCode> {}

/** X refused or failed the reply and it was certainly not posted; the claim was released, so a retry may post it. */
export class ReplyFailedError extends PlatformXError {
  readonly status: number | undefined
  /** Epoch ms before which X will refuse another post (429). */
  readonly resetAt: number | undefined
  constructor (message: string, options: { retriable: boolean, status?: number, resetAt?: number, cause?: unknown }) {
    super('PLATFORMX_ERR_REPLY_FAILED', message, { retriable: options.retriable, cause: options.cause })
    this.status = options.status
    this.resetAt = options.resetAt
  }
}

/**
 * An earlier attempt for this (tenant, ticket, action) claimed the reply but stored no result: it is
 * still sending, or died (or lost the response) after X may have posted. Not retried automatically;
 * a moderator checks the thread on X and clears the claim if nothing was posted.
 */
export class ReplyInDoubtError extends PlatformXError {
  readonly replyKey: string
  constructor (replyKey: string, cause?: unknown) {
    super('PLATFORMX_ERR_REPLY_IN_DOUBT', `reply ${replyKey} was claimed by an earlier attempt that stored no result; check X before retrying`, { retriable: false, cause })
    this.replyKey = replyKey
  }
}
