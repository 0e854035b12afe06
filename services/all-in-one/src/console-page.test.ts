import { renderConsole } from './console-page'

test('mention text is escaped in the console page', () => {
  const html = renderConsole({ mentions: 1, tickets: 1, incidents: 0, breakdown: [] }, [
    { tenantId: 'bunhaus', id: 't1', status: 'open', priority: 'high', team: null, tags: ['order'], text: '<script>alert("x")</script> & co', createdAt: '2026-11-28T10:00:00.000Z' },
  ])
  expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co')
  expect(html).not.toContain('<script>')
  expect(html).toContain('<tr class="high"><td>10:00:00</td><td>bunhaus</td>')
})
