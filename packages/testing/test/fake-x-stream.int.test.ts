import { type FakeX, startFakeX } from '../src/index.js'
import { waitFor } from '../src/wait.js'

let x: FakeX
const headers = { authorization: 'Bearer test-token', 'content-type': 'application/json' }

beforeEach(async () => {
  x = await startFakeX({ bearerToken: 'test-token', keepAliveMs: 20 })
  x.state.addUser({ id: '42', username: 'jo', name: 'Jo' })
})
afterEach(async () => { await x.close() })

async function openStream (): Promise<{ text: () => string, abort: () => void, status: number }> {
  const controller = new AbortController()
  const res = await fetch(`${x.url}/2/tweets/search/stream`, { headers, signal: controller.signal })
  let received = ''
  if (res.body !== null) {
    const reader = res.body.getReader()
    const decoder = new TextDecoder()
    const pump = async (): Promise<void> => {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return
        received += decoder.decode(value)
      }
    }
    pump().catch(() => undefined)
  }
  return { text: () => received, abort: () => controller.abort(), status: res.status }
}

test('rules are added with ids and tags, listed, and deleted by id', async () => {
  const added = await fetch(`${x.url}/2/tweets/search/stream/rules`, { method: 'POST', headers, body: JSON.stringify({ add: [{ value: 'acme', tag: 'brand' }] }) })
  expect(added.status).toBe(201)
  const [rule] = x.state.streamRules()
  expect(rule).toMatchObject({ value: 'acme', tag: 'brand' })
  const listed = await (await fetch(`${x.url}/2/tweets/search/stream/rules`, { headers })).json() as { data: unknown[] }
  expect(listed.data).toEqual([rule])
  await fetch(`${x.url}/2/tweets/search/stream/rules`, { method: 'POST', headers, body: JSON.stringify({ delete: { ids: [rule?.id] } }) })
  expect(x.state.streamRules()).toEqual([])
})

test('the stream sends matching tweets as CRLF lines with matching_rules, keep-alives, and refuses a second connection', async () => {
  await fetch(`${x.url}/2/tweets/search/stream/rules`, { method: 'POST', headers, body: JSON.stringify({ add: [{ value: 'acme', tag: 'brand' }] }) })
  const stream = await openStream()
  expect(stream.status).toBe(200)
  const second = await fetch(`${x.url}/2/tweets/search/stream`, { headers })
  expect(second.status).toBe(429)
  expect(await second.json()).toMatchObject({ connection_issue: 'TooManyConnections' })
  x.state.addTweet({ text: 'nothing to see', author: '42' })
  const tweet = x.state.addTweet({ text: 'acme trains are late', author: '42' })
  await waitFor(() => stream.text().includes(tweet.id) && stream.text().endsWith('\r\n\r\n'))
  const lines = stream.text().split('\r\n').filter((line) => line !== '')
  expect(lines).toHaveLength(1)
  expect(JSON.parse(lines[0] ?? '')).toMatchObject({ data: { id: tweet.id }, matching_rules: [{ tag: 'brand' }] })
  x.state.operationalDisconnect()
  await waitFor(() => stream.text().includes('operational-disconnect') && !x.state.streamOpen())
  stream.abort()
})
