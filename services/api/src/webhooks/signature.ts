import { createHmac, timingSafeEqual } from 'node:crypto'

// Self-contained (node:crypto only) so receivers can copy this file as it is.

export const signatureHeader = 'Earshot-Signature'
export const eventIdHeader = 'Earshot-Event-Id'
export const deliveryIdHeader = 'Earshot-Delivery-Id'

/** Five minutes either way: generous for clock skew, short enough to make a captured request useless soon. */
export const defaultToleranceSeconds = 300

export interface SignWebhookInput {
  secret: string
  /** The exact bytes sent as the request body. */
  body: string | Buffer
  /** Signing time in Unix seconds. */
  timestamp: number
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, the Earshot-Signature header value. */
export function signWebhook ({ secret, body, timestamp }: SignWebhookInput): string {
  const t = String(Math.floor(timestamp))
  return `t=${t},v1=${hmacHex(secret, t, body)}`
}

export interface VerifyWebhookInput {
  /** Every secret currently valid (two while rotating). */
  secret: string | readonly string[]
  /** The raw request body, byte for byte: verify before parsing JSON. */
  body: string | Buffer
  /** The Earshot-Signature header. */
  header: string | undefined
  toleranceSeconds?: number
  /** Milliseconds since the epoch; defaults to Date.now(). */
  nowMs?: number
}

export type VerifyWebhookFailure = 'missing_header' | 'malformed_header' | 'signature_mismatch' | 'timestamp_outside_tolerance'

export type VerifyWebhookResult =
  | { ok: true, timestamp: number }
  | { ok: false, reason: VerifyWebhookFailure }

const hexDigest = /^[0-9a-f]{64}$/

/**
 * Accepts the request when one `v1` signature matches one secret and `t` is within the tolerance
 * of the receiver's clock. The signature is checked first, so a forger learns nothing about the window.
 * Comparisons are constant-time.
 */
export function verifyWebhook ({ secret, body, header, toleranceSeconds = defaultToleranceSeconds, nowMs = Date.now() }: VerifyWebhookInput): VerifyWebhookResult {
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing_header' }
  let timestamp: string | undefined
  const signatures: Buffer[] = []
  for (const part of header.split(',')) {
    const separator = part.indexOf('=')
    if (separator === -1) return { ok: false, reason: 'malformed_header' }
    const key = part.slice(0, separator).trim()
    const value = part.slice(separator + 1).trim()
    if (key === 't') timestamp = value
    else if (key === 'v1' && hexDigest.test(value)) signatures.push(Buffer.from(value, 'hex'))
  }
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp) || signatures.length === 0) return { ok: false, reason: 'malformed_header' }
  const secrets = typeof secret === 'string' ? [secret] : secret
  let matched = false
  for (const candidate of secrets) {
    const expected = Buffer.from(hmacHex(candidate, timestamp, body), 'hex')
    for (const received of signatures) matched = timingSafeEqual(expected, received) || matched
  }
  if (!matched) return { ok: false, reason: 'signature_mismatch' }
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds) return { ok: false, reason: 'timestamp_outside_tolerance' }
  return { ok: true, timestamp: Number(timestamp) }
}

function hmacHex (secret: string, timestamp: string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(timestamp).update('.').update(body).digest('hex')
}
