import { type FakeMastodon, startFakeMastodon } from '@earshot/testing/fakes/mastodon-server'

// The fake speaks Mastodon's wire format; these pin the facts the connector relies on.
let mastodon: FakeMastodon
const auth = { authorization: 'Bearer tok' }

beforeEach(async () => {
  mastodon = await startFakeMastodon({ accessToken: 'tok', publicUrl: 'https://mastodon.example', rateLimit: { limit: 3, windowMs: 60_000 } })
  mastodon.state.addAccount({ username: 'ann', domain: 'other.example' })
})
afterEach(async () => { await mastodon.close() })

test('notifications page newest first with Link next (max_id, older) and prev (min_id, newer); min_id takes the page just above it', async () => {
  const ids = Array.from({ length: 5 }, (_, i) => mastodon.state.addStatus({ account: 'ann', text: `@acme ${i}`, mentions: ['acme'] }))
  mastodon.state.addNotification('favourite', 'ann', ids[0]?.id)
  const notes = mastodon.state.notifications().filter((n) => n.type === 'mention').map((n) => n.id)
  const res = await fetch(`${mastodon.url}/api/v1/notifications?types[]=mention&limit=2&min_id=${notes[0] ?? ''}`, { headers: auth })
  const body = await res.json() as Array<{ id: string, type: string, status: { content: string, account: { acct: string } } }>
  expect(body.map((n) => n.id)).toEqual([notes[2], notes[1]])
  expect(body[0]?.status.content).toBe('<p><span class="h-card" translate="no"><a href="https://mastodon.example/@acme" class="u-url mention">@<span>acme</span></a></span> 2</p>')
  expect(body[0]?.status.account.acct).toBe('ann@other.example')
  expect(res.headers.get('link')).toBe(
    `<https://mastodon.example/api/v1/notifications?types%5B%5D=mention&limit=2&max_id=${notes[1] ?? ''}>; rel="next", ` +
    `<https://mastodon.example/api/v1/notifications?types%5B%5D=mention&limit=2&min_id=${notes[2] ?? ''}>; rel="prev"`)
  expect(res.headers.get('x-ratelimit-limit')).toBe('3')
  expect(res.headers.get('x-ratelimit-remaining')).toBe('2')
  expect(res.headers.get('x-ratelimit-reset')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
})

test('an empty page has no Link header; a spent budget answers 429 with Mastodon\'s body; a bad token 401', async () => {
  const empty = await fetch(`${mastodon.url}/api/v1/notifications?types[]=mention`, { headers: auth })
  expect(await empty.json()).toEqual([])
  expect(empty.headers.get('link')).toBeNull()
  await fetch(`${mastodon.url}/api/v1/notifications`, { headers: auth })
  await fetch(`${mastodon.url}/api/v1/notifications`, { headers: auth })
  const limited = await fetch(`${mastodon.url}/api/v1/notifications`, { headers: auth })
  expect(limited.status).toBe(429)
  expect(await limited.json()).toEqual({ error: 'Too many requests' })
  expect(limited.headers.get('x-ratelimit-remaining')).toBe('0')
  const refused = await fetch(`${mastodon.url}/api/v1/notifications`, { headers: { authorization: 'Bearer nope' } })
  expect(refused.status).toBe(401)
  expect(await refused.json()).toEqual({ error: 'The access token is invalid' })
})

test('the hashtag stream is server-sent events: update events with the status as JSON, :thump heartbeats', async () => {
  const fast = await startFakeMastodon({ accessToken: 'tok', heartbeatMs: 50 })
  try {
    fast.state.addAccount({ username: 'bob' })
    const controller = new AbortController()
    const res = await fetch(`${fast.url}/api/v1/streaming/hashtag?tag=acme`, { headers: auth, signal: controller.signal })
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    let text = ''
    const status = fast.state.addStatus({ account: 'bob', text: 'late #acme', tags: ['acme'] })
    while (!text.includes(':thump') || !text.includes('event: update')) text += new TextDecoder().decode((await reader.read()).value)
    expect(text).toContain(`event: update\ndata: {"id":"${status.id}"`)
    controller.abort()
  } finally {
    await fast.close()
  }
})
