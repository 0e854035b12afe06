import { decodeBody } from './feed-fetcher.js'

describe('decodeBody reads the feed in its declared charset', () => {
  test('UTF-8 by default', () => {
    expect(decodeBody(Buffer.from('<rss>café</rss>', 'utf8'), undefined)).toBe('<rss>café</rss>')
  })

  test('the Content-Type charset wins over the XML declaration', () => {
    const latin1 = Buffer.from('<?xml version="1.0" encoding="utf-8"?><rss>café</rss>', 'latin1')
    expect(decodeBody(latin1, 'application/rss+xml; charset=ISO-8859-1')).toContain('café')
  })

  test('the XML declaration is used when the header says nothing', () => {
    const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><rss>naïve</rss>', 'latin1')
    expect(decodeBody(latin1, 'text/xml')).toContain('naïve')
  })

  test('a UTF-16 byte order mark is honoured; an unknown label falls back to UTF-8', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<rss>ok</rss>', 'utf16le')])
    expect(decodeBody(utf16, undefined)).toBe('<rss>ok</rss>')
    expect(decodeBody(Buffer.from('<rss>é</rss>'), 'text/xml; charset=x-made-up')).toBe('<rss>é</rss>')
  })
})
