import { type FeedEntry, parseFeed } from './feed-parser.js'

const rss = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Acme forum</title><link>https://forum.example/</link>
<item><title>App &amp;amp; login broken</title><guid isPermaLink="false">post-42</guid><link>https://forum.example/t/42#p1</link>
<description><![CDATA[<p>short &amp; sweet</p>]]></description>
<content:encoded>&lt;p&gt;The &lt;b&gt;acme&lt;/b&gt; app crashes&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;</content:encoded>
<pubDate>Wed, 01 Jan 2025 10:00:00 GMT</pubDate><dc:creator>carol</dc:creator><comments>https://forum.example/t/42</comments></item>
<item><title>Second</title><link>https://forum.example/t/43</link><description>plain &lt;3</description><author>dan@example.com (Dan D)</author></item>
<item></item>
</channel></rss>`

const atom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">
<title>Reviews</title><author><name>site</name></author>
<entry><title>Acme app broken</title><id>tag:forum.example,2025:post-42</id>
  <link href="https://forum.example/t/42"/><link rel="replies" href="https://forum.example/t/42/feed"/><updated>2025-01-01T10:00:00Z</updated>
  <author><name>carol</name><uri>https://forum.example/u/carol</uri></author><content type="html">&lt;p&gt;acme crashes &amp;amp; burns&lt;/p&gt;</content></entry>
<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Re: <i>broken</i></div></title><id>tag:forum.example,2025:post-43</id>
  <published>2025-01-01T11:00:00+01:00</published><updated>2025-01-02T11:00:00Z</updated>
  <summary type="text">a &lt; b &amp; &lt;c&gt;</summary><thr:in-reply-to ref="tag:forum.example,2025:post-42" href="https://forum.example/t/42"/></entry>
</feed>`

function entries (xml: string): Array<FeedEntry | { malformed: string }> {
  const parsed = parseFeed(xml)
  if (!parsed.ok) throw new Error(parsed.reason)
  return parsed.entries
}

describe('parseFeed reads RSS 2.0 and Atom 1.0', () => {
  test('RSS items: guid, link, content:encoded over description, dc:creator, pubDate, comments', () => {
    const [first, second, third] = entries(rss)
    expect(first).toEqual({
      id: 'post-42',
      link: 'https://forum.example/t/42#p1',
      title: 'App & login broken',
      body: 'The acme app crashes',
      published: 'Wed, 01 Jan 2025 10:00:00 GMT',
      author: { name: 'carol' },
      commentsUrl: 'https://forum.example/t/42',
    })
    expect(second).toEqual({ link: 'https://forum.example/t/43', title: 'Second', body: 'plain <3', author: { name: 'Dan D', email: 'dan@example.com' } })
    expect(third).toEqual({ malformed: 'item is empty or not an element' })
  })

  test('Atom entries: text constructs by type, first alternate link, entry author over feed author, threading', () => {
    const [first, second] = entries(atom)
    expect(first).toEqual({
      id: 'tag:forum.example,2025:post-42',
      link: 'https://forum.example/t/42',
      title: 'Acme app broken',
      body: 'acme crashes & burns',
      updated: '2025-01-01T10:00:00Z',
      author: { name: 'carol', uri: 'https://forum.example/u/carol' },
    })
    expect(second).toEqual({
      id: 'tag:forum.example,2025:post-43',
      title: 'Re: broken',
      body: 'a < b & <c>',
      published: '2025-01-01T11:00:00+01:00',
      updated: '2025-01-02T11:00:00Z',
      author: { name: 'site' },
      inReplyTo: { ref: 'tag:forum.example,2025:post-42', href: 'https://forum.example/t/42' },
    })
  })

  test('a document that is not well-formed is refused with the parser\'s reason', () => {
    expect(parseFeed('<rss><channel><item><title>x</title></channel></rss>')).toEqual({ ok: false, reason: expect.stringMatching(/^not well-formed XML: .*item/) })
    expect(parseFeed(rss.slice(0, 400))).toMatchObject({ ok: false })
  })

  test('a document that is neither RSS nor Atom is refused', () => {
    expect(parseFeed('<html><body>hi</body></html>')).toEqual({ ok: false, reason: expect.stringContaining('root is <html>') })
  })

  test('DOCTYPE entities are not expanded (no billion laughs) and nothing external is fetched', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY ext SYSTEM "file:///etc/passwd">]>
      <rss><channel><title>t</title><item><title>&c; &ext;</title><guid>g</guid></item></channel></rss>`
    const parsed = parseFeed(laughs)
    const title = parsed.ok ? (parsed.entries[0] as FeedEntry | undefined)?.title ?? '' : parsed.reason
    expect(title.length).toBeLessThan(200)
    expect(title).not.toContain('root:')
  })

  test('an empty channel has no entries', () => {
    expect(parseFeed('<rss version="2.0"><channel><title>t</title></channel></rss>')).toEqual({ ok: true, format: 'rss', title: 't', entries: [] })
  })
})
