import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A user as X returns it in `includes.users` (with `user.fields=public_metrics,verified`). */
export interface FakeXUser {
  id: string
  username: string
  name: string
  verified?: boolean
  public_metrics?: { followers_count: number, following_count: number, tweet_count: number, listed_count: number }
}

export interface FakeXTweet {
  id: string
  text: string
  author_id: string
  created_at: string
  conversation_id: string
  edit_history_tweet_ids: string[]
  lang?: string
  in_reply_to_user_id?: string
  referenced_tweets?: Array<{ type: 'replied_to' | 'retweeted' | 'quoted', id: string }>
  public_metrics?: { retweet_count: number, reply_count: number, like_count: number, quote_count: number }
}

export interface AddTweetInput {
  text: string
  /** An existing user id, or a user to add (replacing one with the same id). */
  author: string | FakeXUser
  /** Default: the next id above every id so far, so later tweets are newer, as snowflakes are. */
  id?: string
  createdAt?: string
  /** Users this tweet mentions: it appears on their mentions timeline. */
  mentions?: string[]
  /** Makes this a reply in that tweet's conversation. */
  inReplyTo?: string
  /** Makes this a retweet of that tweet. */
  retweetOf?: string
  lang?: string
  metrics?: Partial<NonNullable<FakeXTweet['public_metrics']>>
  /** Fields to leave out of every response carrying this tweet (a damaged platform payload). */
  omit?: Array<keyof FakeXTweet>
}

export type FakeXFault =
  /** 429 with `x-rate-limit-remaining: 0` and `x-rate-limit-reset` at `resetAt` (epoch ms, rounded up to a second). */
  | { kind: 'rate-limit', resetAt: number }
  /** A 5xx with a problem body. */
  | { kind: 'unavailable', status?: number }
  /** The socket is destroyed before any response. */
  | { kind: 'socket' }
  /** The request is processed (a POST is recorded), then the socket is destroyed: the response is lost. */
  | { kind: 'drop-response' }
  /** 200 with a truncated JSON body. */
  | { kind: 'malformed-json' }
  /** Every tweet of the response lacks these fields. */
  | { kind: 'missing-fields', fields: Array<keyof FakeXTweet> }

export interface FakeXRequest {
  method: string
  path: string
  /** The route template, e.g. `/2/users/:id/mentions`. */
  route: string
  query: Record<string, string>
  body: unknown
  status: number
  fault?: FakeXFault['kind']
  /** Epoch ms when the request arrived. */
  at: number
}

export interface FakeXPost {
  id: string
  text: string
  inReplyToTweetId?: string
  at: number
}

export interface FakeXOptions {
  port?: number
  /** When set, any other bearer token gets 401. */
  bearerToken?: string
  /** Per-endpoint request budget per window (X: 450 per 15 minutes for app-only reads). */
  rateLimit?: { limit: number, windowMs: number }
  /** The account that POST /2/tweets posts as. */
  ownUserId?: string
  /** Answer 403 to a second post with the same text in reply to the same tweet, as X rejects duplicate content. */
  rejectDuplicateContent?: boolean
  /** Idle interval between bare `\r\n` keep-alives on the filtered stream (X: 20 s). */
  keepAliveMs?: number
}

export interface FakeXStreamRule {
  id: string
  value: string
  tag?: string
}

const firstId = 1_800_000_000_000_000_000n
const idPattern = /^[0-9]{1,19}$/
const routes = [
  { method: 'GET', route: '/2/users/:id/mentions', pattern: /^\/2\/users\/([0-9]+)\/mentions$/, min: 5 },
  { method: 'GET', route: '/2/tweets/search/recent', pattern: /^\/2\/tweets\/search\/recent$/, min: 10 },
  { method: 'POST', route: '/2/tweets', pattern: /^\/2\/tweets$/, min: 0 },
  { method: 'GET', route: '/2/tweets/search/stream', pattern: /^\/2\/tweets\/search\/stream$/, min: 0 },
  { method: 'GET', route: '/2/tweets/search/stream/rules', pattern: /^\/2\/tweets\/search\/stream\/rules$/, min: 0 },
  { method: 'POST', route: '/2/tweets/search/stream/rules', pattern: /^\/2\/tweets\/search\/stream\/rules$/, min: 0 },
] as const

class HttpProblem extends Error {
  constructor (readonly status: number, readonly body: object) {
    super(`HTTP ${status}`)
  }
}

function invalidRequest (parameter: string, value: string, message: string): HttpProblem {
  return new HttpProblem(400, {
    errors: [{ parameters: { [parameter]: [value] }, message }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: 'https://api.x.com/2/problems/invalid-request',
  })
}

function list (value: string | undefined): Set<string> {
  return new Set((value ?? '').split(',').map((v) => v.trim()).filter((v) => v !== ''))
}

/** X returns `&`, `<` and `>` in tweet text as HTML entities. */
function escapeLikeX (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** Search: bare words and "quoted phrases" must all appear (case-insensitive); `-is:retweet` and `lang:xx` filter. */
function matchesQuery (tweet: FakeXTweet, query: string): boolean {
  const text = tweet.text.toLowerCase()
  for (const match of query.matchAll(/(-?)("([^"]*)"|\S+)/g)) {
    const negated = match[1] === '-'
    const term = (match[3] ?? match[2] ?? '').toLowerCase()
    let holds: boolean
    if (term === 'is:retweet') holds = tweet.referenced_tweets?.some((r) => r.type === 'retweeted') === true
    else if (term.startsWith('lang:')) holds = tweet.lang === term.slice(5)
    else if (term === 'or' || term === '') continue
    else holds = text.includes(term)
    if (holds === negated) return false
  }
  return true
}

/**
 * A local X API v2 server for tests, driven through the real twitter-api-v2 client: mentions
 * timeline and recent search (since_id strictly greater, max_results, opaque next_token, `data`
 * omitted on empty pages, includes.users, newest first), POST /2/tweets, x-rate-limit-* headers
 * on every response with a per-endpoint budget, and scripted faults for the next requests.
 */
export async function startFakeX (options: FakeXOptions = {}) {
  const users = new Map<string, FakeXUser>()
  /** Ordered by id ascending (ids are allocated increasing, or inserted in place). */
  const tweets: FakeXTweet[] = []
  const byId = new Map<string, FakeXTweet>()
  // Each user's mentions in id order, as `tweets` is: a timeline page is found by binary search, not by
  // filtering every tweet (a benchmark's fake holds 100,000s and serves a page per request).
  const mentionsOf = new Map<string, FakeXTweet[]>()
  const omitted = new Map<string, Array<keyof FakeXTweet>>()
  const requests: FakeXRequest[] = []
  const posts: FakeXPost[] = []
  const faults: Array<FakeXFault | undefined> = []
  const pageTokens = new Map<string, { route: string, key: string, untilId: bigint }>()
  let rateLimit = options.rateLimit ?? { limit: 450, windowMs: 15 * 60_000 }
  const windows = new Map<string, { resetAt: number, remaining: number }>()
  let nextId = firstId
  const ownUserId = options.ownUserId ?? '1000'
  let duplicatePosts = 0
  const rules = new Map<string, FakeXStreamRule>()
  let nextRuleId = 1_900_000_000_000_000_000n
  let streamResponse: ServerResponse | undefined
  let streamFields = new Set<string>()
  let streamSilenced = false
  let streamConnects = 0
  const keepAliveMs = options.keepAliveMs ?? 20_000

  function streamTweet (tweet: FakeXTweet): void {
    const res = streamResponse
    if (res === undefined) return
    const matching = [...rules.values()].filter((rule) => matchesQuery(tweet, rule.value))
    if (matching.length === 0) return
    const author = users.get(tweet.author_id)
    const line = {
      data: render(tweet, streamFields, omitted.get(tweet.id) ?? []),
      ...(author === undefined ? {} : { includes: { users: [renderUser(author, new Set(['verified', 'public_metrics']))] } }),
      matching_rules: matching.map((rule) => ({ id: rule.id, tag: rule.tag ?? '' })),
    }
    res.write(`${JSON.stringify(line)}\r\n`)
  }

  function openStream (req: IncomingMessage, res: ServerResponse, query: Record<string, string>): number {
    if (streamResponse !== undefined) {
      send(res, 429, {
        title: 'ConnectionException',
        detail: 'This stream is currently at the maximum allowed connection limit.',
        connection_issue: 'TooManyConnections',
        type: 'https://api.twitter.com/2/problems/streaming-connection',
      })
      return 429
    }
    streamConnects++
    streamResponse = res
    streamSilenced = false
    streamFields = list(query['tweet.fields'])
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'transfer-encoding': 'chunked' })
    res.flushHeaders()
    const timer = setInterval(() => { if (!streamSilenced) res.write('\r\n') }, keepAliveMs)
    const finish = (): void => {
      clearInterval(timer)
      if (streamResponse === res) streamResponse = undefined
    }
    res.on('close', finish)
    req.on('close', finish)
    return 200
  }

  function changeRules (body: unknown, dryRun: boolean): [number, object] {
    const request = (body ?? {}) as { add?: Array<{ value?: unknown, tag?: unknown }>, delete?: { ids?: unknown[], values?: unknown[] } }
    const now = new Date().toISOString()
    if (Array.isArray(request.add)) {
      const created: FakeXStreamRule[] = []
      for (const rule of request.add) {
        if (typeof rule.value !== 'string' || rule.value === '') throw invalidRequest('value', '', 'rule value can not be empty')
        if ([...rules.values()].some((r) => r.value === rule.value)) continue
        const stored: FakeXStreamRule = { id: String(nextRuleId++), value: rule.value, ...(typeof rule.tag === 'string' ? { tag: rule.tag } : {}) }
        created.push(stored)
      }
      if (!dryRun) for (const rule of created) rules.set(rule.id, rule)
      return [201, {
        ...(created.length === 0 ? {} : { data: created }),
        meta: { sent: now, summary: { created: created.length, not_created: request.add.length - created.length, valid: created.length, invalid: 0 } },
      }]
    }
    const ids = new Set((request.delete?.ids ?? []).map(String))
    const values = new Set((request.delete?.values ?? []).map(String))
    const doomed = [...rules.values()].filter((r) => ids.has(r.id) || values.has(r.value))
    if (!dryRun) for (const rule of doomed) rules.delete(rule.id)
    return [200, { meta: { sent: now, summary: { deleted: doomed.length, not_deleted: ids.size + values.size - doomed.length } } }]
  }

  function addUser (user: FakeXUser): FakeXUser {
    const stored: FakeXUser = {
      verified: false,
      public_metrics: { followers_count: 0, following_count: 0, tweet_count: 0, listed_count: 0 },
      ...user,
    }
    users.set(user.id, stored)
    return stored
  }

  /** Inserts `tweet` into `list` (ascending ids); usually at the end, as ids mostly grow. */
  function insertInOrder (list: FakeXTweet[], tweet: FakeXTweet): void {
    const id = BigInt(tweet.id)
    let index = list.length
    while (index > 0 && BigInt(list[index - 1]?.id ?? '0') > id) index--
    list.splice(index, 0, tweet)
  }

  function insert (tweet: FakeXTweet): void {
    const id = BigInt(tweet.id)
    if (id >= nextId) nextId = id + 1n
    insertInOrder(tweets, tweet)
    byId.set(tweet.id, tweet)
  }

  /** The number of tweets in `list` (ascending ids) whose id is below `bound`. */
  function countBelow (list: readonly FakeXTweet[], bound: bigint): number {
    let low = 0
    let high = list.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (BigInt(list[middle]?.id ?? '0') < bound) low = middle + 1
      else high = middle
    }
    return low
  }

  function addTweet (input: AddTweetInput): FakeXTweet {
    const author = typeof input.author === 'string' ? users.get(input.author) : addUser(input.author)
    if (author === undefined) throw new Error(`fake X: unknown author ${String(input.author)}; add the user first`)
    const id = input.id ?? String(nextId)
    if (byId.has(id)) throw new Error(`fake X: tweet ${id} exists`)
    const parent = input.inReplyTo === undefined ? undefined : byId.get(input.inReplyTo)
    const referenced: NonNullable<FakeXTweet['referenced_tweets']> = []
    if (input.inReplyTo !== undefined) referenced.push({ type: 'replied_to', id: input.inReplyTo })
    if (input.retweetOf !== undefined) referenced.push({ type: 'retweeted', id: input.retweetOf })
    const tweet: FakeXTweet = {
      id,
      text: input.text,
      author_id: author.id,
      created_at: input.createdAt ?? new Date().toISOString(),
      conversation_id: parent?.conversation_id ?? input.inReplyTo ?? id,
      edit_history_tweet_ids: [id],
      lang: input.lang ?? 'en',
      public_metrics: { retweet_count: 0, reply_count: 0, like_count: 0, quote_count: 0, ...input.metrics },
      ...(parent === undefined ? {} : { in_reply_to_user_id: parent.author_id }),
      ...(referenced.length === 0 ? {} : { referenced_tweets: referenced }),
    }
    insert(tweet)
    queueMicrotask(() => streamTweet(tweet))
    for (const user of input.mentions ?? []) {
      const list = mentionsOf.get(user) ?? []
      insertInOrder(list, tweet)
      mentionsOf.set(user, list)
    }
    if (input.omit !== undefined) omitted.set(id, input.omit)
    return tweet
  }

  function budget (route: string, now: number): { resetAt: number, remaining: number } {
    let window = windows.get(route)
    if (window === undefined || window.resetAt <= now) {
      window = { resetAt: now + rateLimit.windowMs, remaining: rateLimit.limit }
      windows.set(route, window)
    }
    return window
  }

  function rateHeaders (res: ServerResponse, remaining: number, resetAt: number): void {
    res.setHeader('x-rate-limit-limit', String(rateLimit.limit))
    res.setHeader('x-rate-limit-remaining', String(Math.max(0, remaining)))
    res.setHeader('x-rate-limit-reset', String(Math.ceil(resetAt / 1000)))
  }

  function send (res: ServerResponse, status: number, body: object | string): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body)
    const type = status >= 400 && typeof body !== 'string' && 'title' in body ? 'application/problem+json' : 'application/json; charset=utf-8'
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) })
    res.end(text)
  }

  function render (tweet: FakeXTweet, fields: Set<string>, strip: ReadonlyArray<keyof FakeXTweet>): Record<string, unknown> {
    const out: Record<string, unknown> = { id: tweet.id, text: escapeLikeX(tweet.text), edit_history_tweet_ids: tweet.edit_history_tweet_ids }
    for (const field of ['author_id', 'created_at', 'conversation_id', 'lang', 'in_reply_to_user_id', 'referenced_tweets', 'public_metrics'] as const) {
      if (fields.has(field) && tweet[field] !== undefined) out[field] = tweet[field]
    }
    for (const field of [...strip, ...(omitted.get(tweet.id) ?? [])]) Reflect.deleteProperty(out, field)
    return out
  }

  function renderUser (user: FakeXUser, fields: Set<string>): Record<string, unknown> {
    const out: Record<string, unknown> = { id: user.id, name: user.name, username: user.username }
    if (fields.has('public_metrics')) out.public_metrics = user.public_metrics
    if (fields.has('verified')) out.verified = user.verified
    return out
  }

  /** `candidates` in ascending id order; `accepts` picks the ones the route returns. */
  function timeline (route: string, key: string, candidates: readonly FakeXTweet[], accepts: (tweet: FakeXTweet) => boolean, query: Record<string, string>, min: number, tokenName: string, strip: ReadonlyArray<keyof FakeXTweet>): object {
    const maxResults = query.max_results === undefined ? 10 : Number(query.max_results)
    if (!Number.isInteger(maxResults) || maxResults < min || maxResults > 100) {
      throw invalidRequest('max_results', query.max_results ?? '', `The \`max_results\` query parameter value [${query.max_results ?? ''}] is not between ${min} and 100`)
    }
    for (const name of ['since_id', 'until_id'] as const) {
      const value = query[name]
      if (value !== undefined && !idPattern.test(value)) throw invalidRequest(name, value, `The \`${name}\` query parameter value [${value}] does not match ^[0-9]{1,19}$`)
    }
    const sinceId = query.since_id === undefined ? undefined : BigInt(query.since_id)
    let untilId = query.until_id === undefined ? undefined : BigInt(query.until_id)
    const token = query[tokenName] ?? query.pagination_token
    if (token !== undefined) {
      const position = pageTokens.get(token)
      if (position === undefined || position.route !== route || position.key !== key) {
        throw invalidRequest(tokenName, token, `The \`${tokenName}\` query parameter value [${token}] is not valid`)
      }
      untilId = position.untilId
    }
    const matching: FakeXTweet[] = []
    let more = false
    for (let i = (untilId === undefined ? candidates.length : countBelow(candidates, untilId)) - 1; i >= 0; i--) {
      const tweet = candidates[i]
      if (tweet === undefined) continue
      if (sinceId !== undefined && BigInt(tweet.id) <= sinceId) break
      if (!accepts(tweet)) continue
      if (matching.length === maxResults) {
        more = true
        break
      }
      matching.push(tweet)
    }
    if (matching.length === 0) return { meta: { result_count: 0 } }
    const tweetFields = new Set([...list(query['tweet.fields']), ...list(query['post.fields'])])
    const userFields = list(query['user.fields'])
    const expansions = list(query.expansions)
    const newest = matching[0]
    const oldest = matching[matching.length - 1]
    const meta: Record<string, unknown> = { newest_id: newest?.id, oldest_id: oldest?.id, result_count: matching.length }
    if (more && oldest !== undefined) {
      const next = randomBytes(18).toString('base64url')
      pageTokens.set(next, { route, key, untilId: BigInt(oldest.id) })
      meta.next_token = next
    }
    const body: Record<string, unknown> = { data: matching.map((t) => render(t, tweetFields, strip)) }
    if (expansions.has('author_id')) {
      const authors = [...new Set(matching.map((t) => t.author_id))].flatMap((id) => {
        const user = users.get(id)
        return user === undefined ? [] : [renderUser(user, userFields)]
      })
      body.includes = { users: authors }
    }
    body.meta = meta
    return body
  }

  function post (body: unknown, now: number): [number, object] {
    const input = typeof body === 'object' && body !== null ? body as { text?: unknown, reply?: { in_reply_to_tweet_id?: unknown } } : {}
    if (typeof input.text !== 'string' || input.text === '') throw invalidRequest('text', String(input.text), 'text is required')
    const inReplyTo = typeof input.reply?.in_reply_to_tweet_id === 'string' ? input.reply.in_reply_to_tweet_id : undefined
    if ((options.rejectDuplicateContent ?? true) && posts.some((p) => p.text === input.text && p.inReplyToTweetId === inReplyTo)) {
      duplicatePosts++
      return [403, { detail: 'You are not allowed to create a Tweet with duplicate content.', type: 'about:blank', title: 'Forbidden', status: 403 }]
    }
    if (!users.has(ownUserId)) addUser({ id: ownUserId, username: 'brand', name: 'Brand' })
    const tweet = addTweet({ text: input.text, author: ownUserId, inReplyTo, createdAt: new Date(now).toISOString() })
    posts.push({ id: tweet.id, text: tweet.text, inReplyToTweetId: inReplyTo, at: now })
    return [201, { data: { id: tweet.id, text: tweet.text, edit_history_tweet_ids: [tweet.id] } }]
  }

  async function readBody (req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  }

  async function handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const now = Date.now()
    const url = new URL(req.url ?? '/', 'http://fake-x.invalid')
    const method = req.method ?? 'GET'
    const raw = await readBody(req)
    let body: unknown
    try {
      body = raw === '' ? undefined : JSON.parse(raw)
    } catch {
      body = raw
    }
    const matched = routes.find((r) => r.method === method && r.pattern.test(url.pathname))
    const entry: FakeXRequest = {
      method, path: url.pathname, route: matched?.route ?? url.pathname, query: Object.fromEntries(url.searchParams), body, status: 0, at: now,
    }
    requests.push(entry)
    if (matched === undefined) {
      entry.status = 404
      return send(res, 404, { title: 'Not Found Error', detail: `no route ${method} ${url.pathname}`, type: 'https://api.x.com/2/problems/resource-not-found', status: 404 })
    }
    if (options.bearerToken !== undefined && req.headers.authorization !== `Bearer ${options.bearerToken}`) {
      entry.status = 401
      return send(res, 401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' })
    }
    const window = budget(matched.route, now)
    const fault = faults.shift()
    entry.fault = fault?.kind
    if (fault?.kind === 'socket') {
      req.socket.destroy()
      return
    }
    if (fault?.kind === 'rate-limit' || window.remaining <= 0) {
      const resetAt = fault?.kind === 'rate-limit' ? fault.resetAt : window.resetAt
      if (fault?.kind === 'rate-limit') windows.set(matched.route, { resetAt, remaining: 0 })
      rateHeaders(res, 0, resetAt)
      entry.status = 429
      return send(res, 429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 })
    }
    window.remaining--
    rateHeaders(res, window.remaining, window.resetAt)
    if (fault?.kind === 'unavailable') {
      entry.status = fault.status ?? 503
      return send(res, entry.status, { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status: entry.status })
    }
    try {
      let status = 200
      let payload: object
      const strip = fault?.kind === 'missing-fields' ? fault.fields : []
      if (matched.route === '/2/users/:id/mentions') {
        const userId = matched.pattern.exec(url.pathname)?.[1] ?? ''
        payload = timeline(matched.route, userId, mentionsOf.get(userId) ?? [], () => true, entry.query, matched.min, 'pagination_token', strip)
      } else if (matched.route === '/2/tweets/search/recent') {
        const query = entry.query.query
        if (query === undefined || query === '') throw invalidRequest('query', '', 'The `query` query parameter can not be empty')
        payload = timeline(matched.route, query, tweets, (t) => matchesQuery(t, query), entry.query, matched.min, 'next_token', strip)
      } else if (matched.route === '/2/tweets/search/stream') {
        entry.status = openStream(req, res, entry.query)
        return
      } else if (matched.route === '/2/tweets/search/stream/rules') {
        if (method === 'GET') {
          const all = [...rules.values()]
          payload = { ...(all.length === 0 ? {} : { data: all }), meta: { sent: new Date(now).toISOString(), result_count: all.length } }
        } else {
          [status, payload] = changeRules(body, entry.query.dry_run === 'true')
        }
      } else {
        [status, payload] = post(body, now)
      }
      entry.status = status
      if (fault?.kind === 'drop-response') {
        req.socket.destroy()
        return
      }
      if (fault?.kind === 'malformed-json') return send(res, status, JSON.stringify(payload).slice(0, 25))
      send(res, status, payload)
    } catch (err) {
      if (!(err instanceof HttpProblem)) throw err
      entry.status = err.status
      send(res, err.status, err.body)
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { title: 'Internal Error', detail: String(err), type: 'about:blank', status: 500 })
      else res.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo

  const state = {
    addUser,
    addTweet,
    tweet: (id: string): FakeXTweet | undefined => byId.get(id),
    /** Every request in arrival order, with its time, status and any fault applied. */
    requests: (route?: string): FakeXRequest[] => requests.filter((r) => route === undefined || r.route === route),
    /** Replies and tweets made through POST /2/tweets that X accepted. */
    posts: (): FakeXPost[] => [...posts],
    /** POSTs refused as duplicate content: a sender that is not idempotent shows up here. */
    duplicatePosts: (): number => duplicatePosts,
    /** The next `times` API requests get this fault, in order after any already queued; `after` lets that many pass first. */
    failNext (fault: FakeXFault, times = 1, { after = 0 }: { after?: number } = {}): void {
      for (let i = 0; i < after; i++) faults.push(undefined)
      for (let i = 0; i < times; i++) faults.push(fault)
    },
    /** The filtered stream's rules, as GET /2/tweets/search/stream/rules lists them. */
    streamRules: (): FakeXStreamRule[] => [...rules.values()],
    /** How many stream connections were accepted so far, and whether one is open. */
    streamConnects: (): number => streamConnects,
    streamOpen: (): boolean => streamResponse !== undefined,
    /** Drop the open stream's socket without a word (a network failure). */
    disconnectStream (): void {
      streamResponse?.socket?.destroy()
    },
    /** Send X's in-band operational-disconnect error, then close the stream. */
    operationalDisconnect (): void {
      const res = streamResponse
      if (res === undefined) return
      res.write(`${JSON.stringify({ errors: [{ title: 'operational-disconnect', disconnect_type: 'OperationalDisconnect', detail: 'This stream has been disconnected for operational reasons.', type: 'https://api.twitter.com/2/problems/operational-disconnect' }] })}\r\n`)
      res.end()
    },
    /** Stop (or resume) keep-alives on the open stream so a client's keep-alive timeout fires. */
    silenceStream (silent = true): void {
      streamSilenced = silent
    },
    setRateLimit (limit: { limit: number, windowMs: number }): void {
      rateLimit = limit
      windows.clear()
    },
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    state,
    close: async (): Promise<void> => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

export type FakeX = Awaited<ReturnType<typeof startFakeX>>
export type FakeXState = FakeX['state']
