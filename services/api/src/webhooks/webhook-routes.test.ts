import { checkWebhookUrl, decodeDeliveryCursor, encodeDeliveryCursor, newWebhookSecret } from './webhook-routes.js'

describe('checkWebhookUrl', () => {
  test('accepts absolute http and https URLs', () => {
    expect(checkWebhookUrl('https://crm.example.com/earshot?x=1')).toBe('https://crm.example.com/earshot?x=1')
    expect(checkWebhookUrl('http://127.0.0.1:8080/hook')).toBe('http://127.0.0.1:8080/hook')
  })

  test('refuses other schemes, relative URLs and embedded credentials with a 400 naming url', () => {
    expect(() => checkWebhookUrl('ftp://example.com/x')).toThrow(/https or http/)
    expect(() => checkWebhookUrl('/relative')).toThrow(/absolute/)
    expect(() => checkWebhookUrl('https://user:pass@example.com/x')).toThrow(expect.objectContaining({ code: 'API_ERR_BAD_REQUEST', field: 'url', statusCode: 400 }))
  })
})

describe('delivery cursors', () => {
  test('round-trip a position', () => {
    const position = { createdAt: new Date('2026-03-02T08:00:00.123Z'), id: 'whd_abc' }
    expect(decodeDeliveryCursor(encodeDeliveryCursor(position))).toEqual(position)
  })

  test('refuse anything else with a 400 naming cursor', () => {
    for (const cursor of ['nonsense', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('["not a date","x"]').toString('base64url')]) {
      expect(() => decodeDeliveryCursor(cursor)).toThrow(expect.objectContaining({ code: 'API_ERR_BAD_REQUEST', field: 'cursor' }))
    }
  })
})

test('generated secrets are long and distinct', () => {
  const a = newWebhookSecret()
  expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/)
  expect(newWebhookSecret()).not.toBe(a)
})
