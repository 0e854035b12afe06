import { createHmac } from 'node:crypto'
import { UnauthenticatedError } from './errors.js'
import { secretsEqual, signGenericRequest, signMetaBody, verifyGenericSignature, verifyMetaSignature } from './signature.js'

const appSecret = 'meta-app-secret'
// Escaped the way Meta sends it: re-serialising the parsed JSON would not give these bytes.
const metaBody = Buffer.from('{"object":"page","entry":[{"message":"caf\\u00e9 \\ud83d\\ude00 https:\\/\\/x.test"}]}')
const metaHex = createHmac('sha256', appSecret).update(metaBody).digest('hex')

function reasonOf (fn: () => void): string | undefined {
  try {
    fn()
    return undefined
  } catch (err) {
    if (err instanceof UnauthenticatedError) return err.reason
    throw err
  }
}

describe('Meta X-Hub-Signature-256', () => {
  test.each([
    ['the app secret\'s HMAC of the raw bytes', `sha256=${metaHex}`, undefined],
    ['an upper-case scheme and hex', `SHA256=${metaHex.toUpperCase()}`, undefined],
    ['no header', undefined, 'missing_signature'],
    ['an empty header', '  ', 'missing_signature'],
    ['the legacy sha1 scheme', `sha1=${metaHex.slice(0, 40)}`, 'bad_signature'],
    ['a truncated digest (length differs: no timingSafeEqual throw)', `sha256=${metaHex.slice(0, 62)}`, 'bad_signature'],
    ['non-hex digits', `sha256=${'z'.repeat(64)}`, 'bad_signature'],
    ['another secret\'s HMAC', signMetaBody(metaBody, 'other-secret'), 'bad_signature'],
    ['the HMAC of the re-serialised JSON', signMetaBody(JSON.stringify(JSON.parse(metaBody.toString())), appSecret), 'bad_signature'],
  ])('%s → %s', (_case, header, reason) => {
    expect(reasonOf(() => verifyMetaSignature(metaBody, header, appSecret))).toBe(reason)
  })

  test('signMetaBody produces what Meta sends', () => {
    expect(signMetaBody(metaBody, appSecret)).toBe(`sha256=${metaHex}`)
  })
})

describe('generic X-Earshot-Signature with X-Earshot-Timestamp', () => {
  const secret = 'generic-secret-0123456789'
  const body = Buffer.from('{"id":"m1","text":"héllo"}')
  const nowMs = 1_767_225_600_000
  const signedNow = signGenericRequest(body, secret, nowMs / 1000)
  const base = { rawBody: body, secrets: [secret], nowMs, toleranceMs: 300_000 }

  test.each([
    ['a fresh, valid signature', signedNow.timestamp, signedNow.signature, [secret], undefined],
    ['4 min 59 s old', signGenericRequest(body, secret, nowMs / 1000 - 299).timestamp, signGenericRequest(body, secret, nowMs / 1000 - 299).signature, [secret], undefined],
    ['5 min 1 s old, validly signed (a replay)', signGenericRequest(body, secret, nowMs / 1000 - 301).timestamp, signGenericRequest(body, secret, nowMs / 1000 - 301).signature, [secret], 'stale_timestamp'],
    ['5 min 1 s in the future', signGenericRequest(body, secret, nowMs / 1000 + 301).timestamp, signGenericRequest(body, secret, nowMs / 1000 + 301).signature, [secret], 'stale_timestamp'],
    ['the new secret during a rotation', signedNow.timestamp, signGenericRequest(body, 'new-secret-0123456789', nowMs / 1000).signature, [secret, 'new-secret-0123456789'], undefined],
    ['two signatures, one valid', signedNow.timestamp, `v1=${'0'.repeat(64)}, ${signedNow.signature}`, [secret], undefined],
    ['a wrong secret', signedNow.timestamp, signGenericRequest(body, 'wrong-secret-0123456789', nowMs / 1000).signature, [secret], 'bad_signature'],
    ['a timestamp changed after signing', String(Number(signedNow.timestamp) + 1), signedNow.signature, [secret], 'bad_signature'],
    ['an unknown scheme', signedNow.timestamp, signedNow.signature.replace('v1=', 'v0='), [secret], 'bad_signature'],
    ['no signature', signedNow.timestamp, undefined, [secret], 'missing_signature'],
    ['no timestamp', undefined, signedNow.signature, [secret], 'invalid_timestamp'],
    ['a timestamp in milliseconds-with-fraction', '1767225600.5', signedNow.signature, [secret], 'invalid_timestamp'],
  ])('%s', (_case, timestampHeader, signatureHeader, secrets, reason) => {
    expect(reasonOf(() => verifyGenericSignature({ ...base, timestampHeader, signatureHeader, secrets }))).toBe(reason)
  })

  test('a stale request with a wrong signature reports the signature, not the window', () => {
    const old = signGenericRequest(body, 'wrong-secret-0123456789', nowMs / 1000 - 3600)
    expect(reasonOf(() => verifyGenericSignature({ ...base, timestampHeader: old.timestamp, signatureHeader: old.signature }))).toBe('bad_signature')
  })

  test('the stale message says how far off the clock is and what is accepted', () => {
    const old = signGenericRequest(body, secret, nowMs / 1000 - 600)
    expect(() => verifyGenericSignature({ ...base, timestampHeader: old.timestamp, signatureHeader: old.signature }))
      .toThrow('X-Earshot-Timestamp is 600 s from our clock; at most 300 s is accepted')
  })
})

test.each([
  ['equal tokens', 'verify-token', 'verify-token', true],
  ['a different token of the same length', 'verify-token', 'verify-tokem', false],
  ['a prefix', 'verify-token', 'verify', false],
  ['an empty token', 'verify-token', '', false],
])('verify-token comparison: %s', (_case, expected, received, equal) => {
  expect(secretsEqual(expected, received)).toBe(equal)
})
