import { htmlToText } from './html-text.js'

test('a mention keeps its @handle, paragraphs become a blank line and <br> a line break', () => {
  const html = '<p><span class="h-card" translate="no"><a href="https://mastodon.example/@acme" class="u-url mention">@<span>acme</span></a></span> my order is late</p>' +
    '<p>ordered on monday<br />still nothing<br>help</p>'
  expect(htmlToText(html)).toBe('@acme my order is late\n\nordered on monday\nstill nothing\nhelp')
})

test('links keep the parts Mastodon hides for display, hashtags keep their #', () => {
  const html = '<p>see <a href="https://example.com/orders/123456789" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span>' +
    '<span class="ellipsis">example.com/orders/1234</span><span class="invisible">56789</span></a> <a href="https://mastodon.example/tags/acme" class="mention hashtag" rel="tag">#<span>acme</span></a></p>'
  expect(htmlToText(html)).toBe('see https://example.com/orders/123456789 #acme')
})

test('entities are decoded once, after tags are removed, so escaped markup stays text', () => {
  expect(htmlToText('<p>fish &amp; chips &lt;b&gt;cold&lt;/b&gt; &#39;again&#39; &#x1F620; caf&eacute;</p>')).toBe('fish & chips <b>cold</b> \'again\' 😠 caf&eacute;')
})

test('source newlines inside a paragraph are whitespace, not line breaks', () => {
  expect(htmlToText('<p>one\n  two</p>\n<p>three</p>')).toBe('one two\n\nthree')
})

test('empty content is empty text', () => {
  expect(htmlToText('')).toBe('')
})
