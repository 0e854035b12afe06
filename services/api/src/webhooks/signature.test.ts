import { createHmac } from 'node:crypto'
import { signWebhook, verifyWebhook } from './signature.js'

const secret = 'whsec_test_0123456789'
const body = '{"eventId":"evt_1","type":"ticket.opened"}'
const t = 1_790_000_000

describe('signWebhook', () => {
  test('produces t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')
    expect(signWebhook({ secret, body, timestamp: t })).toBe(`t=${t},v1=${expected}`)
  })

  test('floors a fractional timestamp to whole seconds', () => {
    expect(signWebhook({ secret, body, timestamp: t + 0.9 })).toMatch(new RegExp(`^t=${t},v1=[0-9a-f]{64}$`))
  })
})

describe('verifyWebhook', () => {
  const header = signWebhook({ secret, body, timestamp: t })
  const nowMs = t * 1000

  test('accepts its own signature within the tolerance', () => {
    expect(verifyWebhook({ secret, body, header, nowMs: nowMs + 299_000 })).toEqual({ ok: true, timestamp: t })
  })

  test('accepts the raw body as a Buffer', () => {
    expect(verifyWebhook({ secret, body: Buffer.from(body), header, nowMs })).toEqual({ ok: true, timestamp: t })
  })

  test('refuses a body changed by one byte', () => {
    expect(verifyWebhook({ secret, body: body.replace('opened', 'Opened'), header, nowMs })).toEqual({ ok: false, reason: 'signature_mismatch' })
  })

  test('refuses another secret, and accepts it when the right one is among rotated secrets', () => {
    expect(verifyWebhook({ secret: 'other', body, header, nowMs })).toEqual({ ok: false, reason: 'signature_mismatch' })
    expect(verifyWebhook({ secret: ['other', secret], body, header, nowMs })).toEqual({ ok: true, timestamp: t })
  })

  test('refuses a valid signature older or newer than the tolerance', () => {
    expect(verifyWebhook({ secret, body, header, nowMs: nowMs + 301_000 })).toEqual({ ok: false, reason: 'timestamp_outside_tolerance' })
    expect(verifyWebhook({ secret, body, header, nowMs: nowMs - 301_000 })).toEqual({ ok: false, reason: 'timestamp_outside_tolerance' })
    expect(verifyWebhook({ secret, body, header, nowMs: nowMs + 20_000, toleranceSeconds: 10 })).toEqual({ ok: false, reason: 'timestamp_outside_tolerance' })
  })

  test('reports the signature before the window, so a stale forgery says nothing about the clock', () => {
    expect(verifyWebhook({ secret: 'other', body, header, nowMs: nowMs + 10_000_000 })).toEqual({ ok: false, reason: 'signature_mismatch' })
  })

  test('refuses a missing or malformed header', () => {
    expect(verifyWebhook({ secret, body, header: undefined, nowMs })).toEqual({ ok: false, reason: 'missing_header' })
    expect(verifyWebhook({ secret, body, header: '  ', nowMs })).toEqual({ ok: false, reason: 'missing_header' })
    expect(verifyWebhook({ secret, body, header: `v1=${'a'.repeat(64)}`, nowMs })).toEqual({ ok: false, reason: 'malformed_header' })
    expect(verifyWebhook({ secret, body, header: `t=${t}`, nowMs })).toEqual({ ok: false, reason: 'malformed_header' })
    expect(verifyWebhook({ secret, body, header: `t=${t},v1=zz`, nowMs })).toEqual({ ok: false, reason: 'malformed_header' })
    expect(verifyWebhook({ secret, body, header: 'garbage', nowMs })).toEqual({ ok: false, reason: 'malformed_header' })
  })

  test('ignores unknown schemes beside a valid v1 signature', () => {
    expect(verifyWebhook({ secret, body, header: `${header},v0=abc`, nowMs })).toEqual({ ok: true, timestamp: t })
  })
})
