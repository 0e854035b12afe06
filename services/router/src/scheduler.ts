import { backoffDelay, createPollingLoop } from '@earshot/bus'
import type { Platform } from '@earshot/contracts'
import { errorCode, errorMessage, isRetriable } from '@earshot/errors'
import type { Logger } from '@earshot/observability'
import { createTicketRepository, type Pool, ticketEventBuilders, withTransaction } from '@earshot/store'
import { fireSchedule } from './domain/fire-schedule.js'

/**
 * Posts an acknowledgement on the platform; idempotent per (tenant, ticket, action). A retriable error (with
 * `resetAt`, epoch ms, when the platform said when) is tried again later on a schedule row of its own; any other
 * leaves the acknowledgement in state "failed" (with the error's code) for a moderator.
 */
export interface ReplySender {
  reply: (request: { tenantId: string, ticketId: string, actionId: string, inReplyToMentionId: string, text: string }) => Promise<{ replyId: string }>
}

export interface SchedulerOptions {
  pool: Pool
  logger: Logger
  now?: () => Date
  replySenders?: Partial<Record<Platform, ReplySender>>
  batchSize?: number
  intervalMs?: number
  /** Called after a tick wrote events (wakes the outbox relay). */
  onEvents?: () => void
}

type ReplyOutcome =
  | { kind: 'sent', replyId: string }
  | { kind: 'retry', retryAt: Date, attempt: number, error: { code: string, message: string } }
  | { kind: 'failed', error: { code: string, message: string } }

/** A reply X refused for now (rate limit, outage) is tried again this many times in all, backing off, then left for a moderator. */
const maxReplyAttempts = 8
const replyRetryBaseMs = 30_000
const replyRetryMaxMs = 30 * 60_000

/**
 * Fires due follow-ups, re-escalations, SLA checks, acknowledgements and handovers. Each tick
 * claims due rows with FOR UPDATE SKIP LOCKED and applies them in the same transaction, so two
 * router replicas never fire one schedule twice, and a failure returns it to pending.
 */
export function createScheduler (options: SchedulerOptions) {
  const repo = createTicketRepository()
  const now = options.now ?? (() => new Date())
  const log = options.logger.child({ component: 'scheduler' })
  let fired = 0

  async function tickOnce (): Promise<{ claimed: number, events: number, skipped: number }> {
    const at = now()
    const result = await withTransaction(options.pool, async (tx) => {
      const due = await repo.claimDue(tx, at, options.batchSize ?? 200)
      let events = 0
      let skipped = 0
      for (const schedule of due) {
        const ticket = await repo.getTicket(tx, schedule.tenantId, schedule.ticketId, { lock: true })
        if (ticket === undefined) continue
        const outcome = fireSchedule(ticket, schedule, at)
        let next = outcome.ticket
        const types = [...outcome.events]
        if (outcome.reply !== undefined) {
          const sender = options.replySenders?.[ticket.platform as Platform]
          const acknowledgement = (ticket.details.acknowledgement ?? {}) as Record<string, unknown>
          if (sender === undefined) {
            next = { ...ticket, details: { ...ticket.details, acknowledgement: { ...acknowledgement, state: 'no_sender' } } }
            log.warn({ tenantId: ticket.tenantId, ticketId: ticket.id, platform: ticket.platform }, 'no reply sender for this platform; acknowledgement left for a moderator')
          } else {
            const sent: ReplyOutcome = await sender.reply({
              tenantId: ticket.tenantId, ticketId: ticket.id, actionId: outcome.reply.actionId, inReplyToMentionId: outcome.reply.mentionId, text: outcome.reply.text,
            }).then(({ replyId }): ReplyOutcome => ({ kind: 'sent', replyId }), (err: unknown): ReplyOutcome => {
              // Never rethrown: that would roll the whole batch back and hold back every schedule due with this one. A
              // transient failure (429, 503: X posted nothing) is retried on its own later; one that cannot succeed
              // (refused, or in doubt after a lost response) is left for a moderator.
              const error = { code: errorCode(err), message: errorMessage(err) }
              const attempt = Number(schedule.payload.attempt ?? 0) + 1
              if (isRetriable(err) && attempt < maxReplyAttempts) {
                const resetAt = (err as { resetAt?: unknown }).resetAt
                const dueAt = new Date(Math.max(at.getTime() + replyRetryBaseMs + backoffDelay(attempt, replyRetryBaseMs, replyRetryMaxMs), typeof resetAt === 'number' ? resetAt : 0))
                log.warn({ err, tenantId: ticket.tenantId, ticketId: ticket.id, attempt, dueAt }, 'acknowledgement not sent; retrying later')
                return { kind: 'retry', retryAt: dueAt, attempt, error }
              }
              log.error({ err, tenantId: ticket.tenantId, ticketId: ticket.id, platform: ticket.platform, attempt }, 'acknowledgement not sent; left for a moderator')
              return { kind: 'failed', error }
            })
            if (sent.kind === 'retry') {
              await repo.schedule(tx, [{
                tenantId: ticket.tenantId,
                ticketId: ticket.id,
                kind: schedule.kind,
                dueAt: sent.retryAt,
                // The same action id, so the sender's claim still allows one post in all.
                payload: { ...schedule.payload, attempt: sent.attempt, actionId: outcome.reply.actionId },
                dedupeKey: `${outcome.reply.actionId}:attempt:${sent.attempt}`,
              }])
              next = { ...ticket, details: { ...ticket.details, acknowledgement: { ...acknowledgement, state: 'retrying', nextAttemptAt: sent.retryAt.toISOString(), error: sent.error } } }
            } else if (sent.kind === 'failed') {
              next = { ...ticket, details: { ...ticket.details, acknowledgement: { ...acknowledgement, state: 'failed', error: sent.error } } }
            } else {
              next = {
                ...ticket,
                status: ticket.status === 'open' ? 'acknowledged' : ticket.status,
                updatedAt: at,
                details: { ...ticket.details, respondedAt: at.toISOString(), acknowledgement: { ...acknowledgement, state: 'sent', replyId: sent.replyId } },
              }
              types.push('ticket.acknowledged')
            }
          }
        }
        if (outcome.skipped !== undefined) {
          skipped++
          log.debug({ tenantId: ticket.tenantId, ticketId: ticket.id, kind: schedule.kind, reason: outcome.skipped }, 'schedule moot')
        }
        if (next !== ticket) await repo.updateTicket(tx, next)
        if (types.length > 0) {
          const ids = await repo.mentionIds(tx, next.tenantId, next.id)
          await repo.appendEvents(tx, next, ticketEventBuilders(next, types, ids, at))
          events += types.length
        }
      }
      return { claimed: due.length, events, skipped }
    })
    fired += result.claimed
    if (result.events > 0) options.onEvents?.()
    return result
  }

  // Failed rounds are retried at the normal interval: the claimed schedules stay pending.
  const loop = createPollingLoop({
    round: async () => (await tickOnce()).claimed === (options.batchSize ?? 200),
    idleMs: options.intervalMs ?? 1000,
    onError: (err) => { log.error({ err }, 'firing due schedules failed; they stay pending and are retried') },
  })

  return {
    tickOnce,
    start: loop.start,
    stop: loop.stop,
    fired: () => fired,
  }
}

export type Scheduler = ReturnType<typeof createScheduler>
