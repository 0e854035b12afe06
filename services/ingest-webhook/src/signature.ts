import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { UnauthenticatedError } from './errors.js'

export const metaSignatureHeader = 'x-hub-signature-256'
export const genericTimestampHeader = 'x-earshot-timestamp'
export const genericSignatureHeader = 'x-earshot-signature'

const hexDigest = /^[0-9a-f]{64}$/i

function hmac (secret: string, ...parts: Array<string | Buffer>): Buffer {
  const mac = createHmac('sha256', secret)
  for (const part of parts) mac.update(part)
  return mac.digest()
}

/** timingSafeEqual throws on different lengths, so the length check comes first (the length is not secret). */
function digestsEqual (expected: Buffer, received: Buffer): boolean {
  return expected.length === received.length && timingSafeEqual(expected, received)
}

/** Constant time whatever the lengths: compares SHA-256 digests of both strings. */
export function secretsEqual (expected: string, received: string): boolean {
  const a = createHash('sha256').update(expected).digest()
  const b = createHash('sha256').update(received).digest()
  return timingSafeEqual(a, b)
}

/** `sha256=<hex>` as Meta sends it in X-Hub-Signature-256: HMAC-SHA256 of the raw body with the app secret. */
export function signMetaBody (rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${hmac(appSecret, rawBody).toString('hex')}`
}

/** Throws UnauthenticatedError unless `header` is the app secret's HMAC of exactly these bytes. */
export function verifyMetaSignature (rawBody: Buffer, header: string | undefined, appSecret: string): void {
  if (header === undefined || header.trim() === '') {
    throw new UnauthenticatedError('missing_signature', 'X-Hub-Signature-256 is missing')
  }
  const [scheme, hex = ''] = header.trim().split('=', 2)
  if (scheme?.toLowerCase() !== 'sha256' || !hexDigest.test(hex)) {
    throw new UnauthenticatedError('bad_signature', 'X-Hub-Signature-256 must be sha256=<64 hex digits>')
  }
  if (!digestsEqual(hmac(appSecret, rawBody), Buffer.from(hex, 'hex'))) {
    throw new UnauthenticatedError('bad_signature', 'X-Hub-Signature-256 does not match the body')
  }
}

/** The header pair a generic webhook sender sets: HMAC-SHA256 over `<timestamp>.<raw body>`. */
export function signGenericRequest (rawBody: Buffer | string, secret: string, timestampSeconds: number): { timestamp: string, signature: string } {
  const timestamp = String(Math.floor(timestampSeconds))
  return { timestamp, signature: `v1=${hmac(secret, timestamp, '.', rawBody).toString('hex')}` }
}

export interface GenericVerification {
  rawBody: Buffer
  timestampHeader: string | undefined
  signatureHeader: string | undefined
  /** Every secret currently valid for the source (two during a rotation). */
  secrets: readonly string[]
  nowMs: number
  toleranceMs: number
}

/**
 * Throws UnauthenticatedError unless one `v1=` signature in the header matches one secret and the
 * timestamp is within the tolerance window. The signature is checked first, so a stale request
 * with a wrong signature reports the signature (nothing about the window leaks to forgers).
 */
export function verifyGenericSignature ({ rawBody, timestampHeader, signatureHeader, secrets, nowMs, toleranceMs }: GenericVerification): void {
  if (signatureHeader === undefined || signatureHeader.trim() === '') {
    throw new UnauthenticatedError('missing_signature', 'X-Earshot-Signature is missing')
  }
  const timestamp = timestampHeader?.trim() ?? ''
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new UnauthenticatedError('invalid_timestamp', 'X-Earshot-Timestamp must be the signing time in Unix seconds')
  }
  const received = signatureHeader.split(',').map((part) => part.trim()).flatMap((part) => {
    const [scheme, hex = ''] = part.split('=', 2)
    return scheme === 'v1' && hexDigest.test(hex) ? [Buffer.from(hex, 'hex')] : []
  })
  if (received.length === 0) {
    throw new UnauthenticatedError('bad_signature', 'X-Earshot-Signature must hold v1=<64 hex digits> (comma-separated during a secret rotation)')
  }
  const expected = secrets.map((secret) => hmac(secret, timestamp, '.', rawBody))
  // Every pair is compared, so the time taken does not tell which secret or signature matched.
  let matched = false
  for (const candidate of received) for (const digest of expected) matched = digestsEqual(digest, candidate) || matched
  if (!matched) throw new UnauthenticatedError('bad_signature', 'X-Earshot-Signature does not match the timestamp and body')
  const skewMs = Math.abs(nowMs - Number(timestamp) * 1000)
  if (skewMs > toleranceMs) {
    throw new UnauthenticatedError('stale_timestamp', `X-Earshot-Timestamp is ${Math.round(skewMs / 1000)} s from our clock; at most ${Math.round(toleranceMs / 1000)} s is accepted`)
  }
}
