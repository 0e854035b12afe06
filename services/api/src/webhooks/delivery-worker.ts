import { performance } from 'node:perf_hooks'
import { createPollingLoop } from '@earshot/bus'
import { errorMessage } from '@earshot/errors'
import type { Logger, Metrics } from '@earshot/observability'
import type { Pool } from '@earshot/store'
import { type AttemptOutcome, defaultRetrySettings, outcomeOfStatus, type RetrySettings, stateAfterAttempt } from './delivery-policy.js'
import { deliveryIdHeader, eventIdHeader, signatureHeader, signWebhook } from './signature.js'
import { type ClaimedDelivery, createWebhookRepository } from './webhook-repository.js'

export interface DeliveryWorkerOptions {
  pool: Pool
  logger: Logger
  metrics?: Metrics
  retry?: Partial<RetrySettings>
  /** A 2xx must arrive within this; default 10 s. */
  timeoutMs?: number
  /** Deliveries attempted side by side per round. */
  concurrency?: number
  /** Pause when nothing is due; `wake()` cuts it short. */
  idleMs?: number
  now?: () => Date
  random?: () => number
  fetch?: typeof fetch
}

const excerptChars = 512

/**
 * Sends due deliveries: claims a round (one statement, SKIP LOCKED), POSTs each signed, then records
 * the attempt and the delivery's next state. A claim is a lease of timeout + 30 s, so a worker that
 * dies mid-request leaves the delivery to a later round: receivers may see an event twice and
 * dedupe by Earshot-Event-Id.
 */
export function createDeliveryWorker (options: DeliveryWorkerOptions) {
  const repo = createWebhookRepository()
  const retry: RetrySettings = { ...defaultRetrySettings, ...options.retry }
  const timeoutMs = options.timeoutMs ?? 10_000
  const leaseMs = timeoutMs + 30_000
  const concurrency = options.concurrency ?? 10
  const idleMs = options.idleMs ?? 1000
  const now = options.now ?? (() => new Date())
  const random = options.random ?? Math.random
  const send = options.fetch ?? fetch
  const log = options.logger.child({ component: 'webhook-worker' })
  const attempts = options.metrics?.counter('api_webhook_attempts_total', 'Webhook delivery attempts by outcome', ['outcome'])

  async function attempt (delivery: ClaimedDelivery): Promise<void> {
    const body = JSON.stringify(delivery.payload)
    const startedAt = now()
    const started = performance.now()
    let outcome: AttemptOutcome
    let responseExcerpt: string | undefined
    try {
      const response = await send(delivery.url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Earshot-Webhooks/1',
          [signatureHeader]: signWebhook({ secret: delivery.secret, body, timestamp: startedAt.getTime() / 1000 }),
          [eventIdHeader]: delivery.eventId,
          [deliveryIdHeader]: delivery.id,
        },
      })
      outcome = outcomeOfStatus(response.status)
      responseExcerpt = (await response.text().catch(() => '')).slice(0, excerptChars) || undefined
    } catch (err) {
      outcome = { delivered: false, error: describeFailure(err, timeoutMs) }
    }
    const durationMs = Math.round(performance.now() - started)
    const at = now()
    const next = stateAfterAttempt(delivery.attempt, outcome, retry, at, random)
    await repo.recordAttempt(options.pool, {
      tenantId: delivery.tenantId,
      deliveryId: delivery.id,
      attempt: delivery.attempt,
      startedAt,
      durationMs,
      statusCode: outcome.statusCode,
      error: outcome.delivered ? undefined : outcome.error,
      responseExcerpt,
      next,
      at,
    })
    attempts?.inc({ outcome: next.status === 'pending' ? 'retry' : next.status })
    const context = { tenantId: delivery.tenantId, deliveryId: delivery.id, subscriptionId: delivery.subscriptionId, eventId: delivery.eventId, attempt: delivery.attempt, statusCode: outcome.statusCode, durationMs }
    if (next.status === 'delivered') log.debug(context, 'webhook delivered')
    else if (next.status === 'dead') log.warn({ ...context, error: outcome.delivered ? undefined : outcome.error }, 'webhook delivery is dead; replay it once the receiver works')
    else log.info({ ...context, error: outcome.delivered ? undefined : outcome.error, nextAttemptAt: next.nextAttemptAt }, 'webhook attempt failed; will retry')
  }

  /** Claims and attempts one round of due deliveries; returns how many were attempted. */
  async function runOnce (): Promise<number> {
    const at = now()
    const due = await repo.claimDue(options.pool, at, new Date(at.getTime() + leaseMs), concurrency)
    const results = await Promise.allSettled(due.map(attempt))
    for (const result of results) {
      // Only recording can fail here; the lease runs out and the delivery is attempted again.
      if (result.status === 'rejected') log.error({ err: result.reason }, 'recording a webhook attempt failed')
    }
    return due.length
  }

  const loop = createPollingLoop({
    round: async () => await runOnce() === concurrency,
    idleMs,
    maxBackoffMs: 30_000,
    onError: (err, failures) => { log.error({ err, failures }, 'claiming due webhook deliveries failed; retrying') },
  })

  return {
    runOnce,
    start: loop.start,
    /** Cuts the idle wait short: deliveries were just created or replayed. */
    wake: loop.wake,
    /** Ends the loop after the round in flight (at most one request timeout). */
    stop: loop.stop,
  }
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>

function describeFailure (err: unknown, timeoutMs: number): string {
  if (err instanceof Error && err.name === 'TimeoutError') return `no response within ${timeoutMs} ms`
  const cause = err instanceof Error && err.cause !== undefined ? `: ${errorMessage(err.cause)}` : ''
  return `${errorMessage(err)}${cause}`
}
