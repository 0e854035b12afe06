import { type FakeX, startFakeX } from '../src/index.js'

let x: FakeX
const bearer = { authorization: 'Bearer test-token' }

beforeEach(async () => {
  x = await startFakeX({ bearerToken: 'test-token', rateLimit: { limit: 5, windowMs: 60_000 } })
  x.state.addUser({ id: '1000', username: 'AcmeRail', name: 'Acme Rail' })
  x.state.addUser({ id: '42', username: 'jo', name: 'Jo', verified: true, public_metrics: { followers_count: 7, following_count: 1, tweet_count: 3, listed_count: 0 } })
})
afterEach(async () => { await x.close() })

async function get (path: string): Promise<{ status: number, body: Record<string, unknown>, headers: Headers }> {
  const res = await fetch(`${x.url}${path}`, { headers: bearer })
  return { status: res.status, body: await res.json() as Record<string, unknown>, headers: res.headers }
}

function mention (n: number): string {
  return x.state.addTweet({ text: `@AcmeRail hello ${n}`, author: '42', mentions: ['1000'] }).id
}

test('an empty timeline omits data and answers meta.result_count 0, with rate-limit headers', async () => {
  const { status, body, headers } = await get('/2/users/1000/mentions')
  expect(status).toBe(200)
  expect(body).toEqual({ meta: { result_count: 0 } })
  expect(headers.get('x-rate-limit-limit')).toBe('5')
  expect(headers.get('x-rate-limit-remaining')).toBe('4')
  expect(Number(headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000)
})

test('pages newest first with an opaque next_token, since_id strictly greater, fields and expansions as asked', async () => {
  const ids = Array.from({ length: 12 }, (_, n) => mention(n))
  const first = await get(`/2/users/1000/mentions?max_results=5&since_id=${ids[1]}&tweet.fields=author_id,created_at,conversation_id&expansions=author_id&user.fields=public_metrics,verified`)
  const data = first.body.data as Array<Record<string, unknown>>
  expect(data.map((t) => t.id)).toEqual(ids.slice(7).reverse())
  expect(data[0]).toEqual(expect.objectContaining({ author_id: '42', conversation_id: ids[11], edit_history_tweet_ids: [ids[11]] }))
  expect(data[0]).not.toHaveProperty('lang')
  expect(first.body.includes).toEqual({ users: [{ id: '42', name: 'Jo', username: 'jo', verified: true, public_metrics: expect.objectContaining({ followers_count: 7 }) }] })
  const meta = first.body.meta as Record<string, string>
  expect(meta).toEqual({ newest_id: ids[11], oldest_id: ids[7], result_count: 5, next_token: expect.any(String) })
  const second = await get(`/2/users/1000/mentions?max_results=5&since_id=${ids[1]}&pagination_token=${meta.next_token}`)
  expect((second.body.data as Array<{ id: string }>).map((t) => t.id)).toEqual(ids.slice(2, 7).reverse())
  expect(second.body.meta).not.toHaveProperty('next_token')
})

test('a mentions timeline holds only that user\'s mentions, in id order even when added out of order, and honours until_id', async () => {
  x.state.addUser({ id: '2000', username: 'Other', name: 'Other' })
  const late = x.state.addTweet({ id: '1900000000000000500', text: '@AcmeRail late', author: '42', mentions: ['1000'] }).id
  const early = x.state.addTweet({ id: '1900000000000000100', text: '@AcmeRail early', author: '42', mentions: ['1000'] }).id
  x.state.addTweet({ id: '1900000000000000300', text: '@Other not Acme', author: '42', mentions: ['2000'] })
  x.state.addTweet({ id: '1900000000000000200', text: 'no mention at all', author: '42' })
  const middle = x.state.addTweet({ id: '1900000000000000400', text: '@AcmeRail middle', author: '42', mentions: ['1000'] }).id
  const ids = async (query: string): Promise<string[]> => ((await get(`/2/users/1000/mentions?max_results=5${query}`)).body.data as Array<{ id: string }> | undefined)?.map((t) => t.id) ?? []
  expect(await ids('')).toEqual([late, middle, early])
  expect(await ids(`&until_id=${late}`)).toEqual([middle, early])
  expect(await ids(`&until_id=${late}&since_id=${early}`)).toEqual([middle])
  expect(await ids(`&until_id=${early}`)).toEqual([])
})

test('search matches words, honours -is:retweet and answers 400 for a bad max_results', async () => {
  const original = x.state.addTweet({ text: 'Acme trains are late', author: '42' })
  x.state.addTweet({ text: 'RT Acme trains are late', author: '1000', retweetOf: original.id })
  x.state.addTweet({ text: 'unrelated', author: '42' })
  const { body } = await get(`/2/tweets/search/recent?query=${encodeURIComponent('acme -is:retweet')}&max_results=10`)
  expect((body.data as Array<{ id: string }>).map((t) => t.id)).toEqual([original.id])
  const bad = await get('/2/tweets/search/recent?query=acme&max_results=5')
  expect(bad.status).toBe(400)
  expect(bad.body).toMatchObject({ title: 'Invalid Request', type: 'https://api.x.com/2/problems/invalid-request' })
})

test('a spent budget answers 429 until the reset, and a wrong token 401', async () => {
  for (let i = 0; i < 5; i++) expect((await get('/2/users/1000/mentions')).status).toBe(200)
  const limited = await get('/2/users/1000/mentions')
  expect(limited.status).toBe(429)
  expect(limited.headers.get('x-rate-limit-remaining')).toBe('0')
  const res = await fetch(`${x.url}/2/users/1000/mentions`, { headers: { authorization: 'Bearer nope' } })
  expect(res.status).toBe(401)
})

test('scripted faults apply to the next requests in order and are logged', async () => {
  const resetAt = Date.now() + 30_000
  x.state.failNext({ kind: 'rate-limit', resetAt })
  x.state.failNext({ kind: 'unavailable' })
  x.state.failNext({ kind: 'socket' })
  x.state.failNext({ kind: 'malformed-json' })
  x.state.failNext({ kind: 'missing-fields', fields: ['author_id'] })
  mention(1)
  const limited = await get('/2/users/1000/mentions')
  expect([limited.status, limited.headers.get('x-rate-limit-reset')]).toEqual([429, String(Math.ceil(resetAt / 1000))])
  x.state.setRateLimit({ limit: 100, windowMs: 60_000 })
  expect((await get('/2/users/1000/mentions')).status).toBe(503)
  await expect(fetch(`${x.url}/2/users/1000/mentions`, { headers: bearer })).rejects.toThrow()
  const malformed = await fetch(`${x.url}/2/users/1000/mentions`, { headers: bearer })
  await expect(malformed.json()).rejects.toThrow()
  const damaged = await get('/2/users/1000/mentions?tweet.fields=author_id')
  expect((damaged.body.data as Array<Record<string, unknown>>)[0]).not.toHaveProperty('author_id')
  expect(x.state.requests('/2/users/:id/mentions').map((r) => r.fault)).toEqual(['rate-limit', 'unavailable', 'socket', 'malformed-json', 'missing-fields'])
  expect(x.state.requests().every((r) => r.at > 0)).toBe(true)
})

test('POST /2/tweets records a reply, answers 201, and refuses duplicate content like X', async () => {
  const target = mention(1)
  const post = async (): Promise<Response> => await fetch(`${x.url}/2/tweets`, {
    method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Sorry!', reply: { in_reply_to_tweet_id: target } }),
  })
  const first = await post()
  expect(first.status).toBe(201)
  const { data } = await first.json() as { data: { id: string, text: string } }
  expect(data.text).toBe('Sorry!')
  expect(x.state.posts()).toEqual([{ id: data.id, text: 'Sorry!', inReplyToTweetId: target, at: expect.any(Number) }])
  expect(x.state.tweet(data.id)).toMatchObject({ conversation_id: target, author_id: '1000', referenced_tweets: [{ type: 'replied_to', id: target }] })
  expect((await post()).status).toBe(403)
  expect(x.state.duplicatePosts()).toBe(1)
})
