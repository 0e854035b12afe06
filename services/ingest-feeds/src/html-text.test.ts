import { decodeEntities, htmlToText } from './html-text.js'

describe('htmlToText turns feed HTML into plain text', () => {
  test('removes tags and keeps paragraphs apart', () => {
    expect(htmlToText('<p>Acme <b>app</b> crashes</p><p>every <a href="https://x.example/?a=1&amp;b=2">time</a></p>'))
      .toBe('Acme app crashes\n\nevery time')
  })

  test('drops scripts, styles and comments with their content', () => {
    expect(htmlToText('before<script>alert("<p>x</p>")</script><style>p{}</style><!-- secret -->after')).toBe('beforeafter')
  })

  test('decodes character references exactly once', () => {
    expect(htmlToText('caf&eacute; &amp;lt;b&amp;gt; &#8212; &#x1F600; &bogus;')).toBe('café &lt;b&gt; — 😀 &bogus;')
  })

  test('a lone "<" is text, and ">" inside a quoted attribute does not end the tag', () => {
    expect(htmlToText('a < b and <img alt="x > y" src="z">c')).toBe('a < b and c')
  })

  test('line breaks and list items become new lines; table cells are spaced', () => {
    expect(htmlToText('one<br>two<br/>three<ul><li>a</li><li>b</li></ul><table><tr><td>x</td><td>y</td></tr></table>'))
      .toBe('one\ntwo\nthree\n\na\nb\n\nx y')
  })

  test('unclosed markup and a comment without an end do not throw or hang', () => {
    expect(htmlToText('text <b unterminated')).toBe('text')
    expect(htmlToText('keep <!-- never closed')).toBe('keep')
    expect(htmlToText('<script>never closed')).toBe('')
  })

  test('hostile input costs linear time', () => {
    const started = Date.now()
    htmlToText('<a '.repeat(50_000) + '"'.repeat(50_000) + '&'.repeat(100_000))
    expect(Date.now() - started).toBeLessThan(1000)
  })

  test('surrogate and out-of-range references become the replacement character', () => {
    expect(decodeEntities('&#xD800;&#1114112;&#0;')).toBe('\uFFFD\uFFFD\uFFFD')
  })
})
