import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A post (`t3`) or comment (`t1`) as Reddit lists it under `children[].data` (the fields Earshot reads, and a few more). */
export interface FakeRedditThing {
  kind: 't1' | 't3'
  data: {
    id: string
    name: string
    subreddit: string
    subreddit_name_prefixed: string
    author: string
    author_fullname: string
    created_utc: number
    permalink: string
    score: number
    /** t3 */
    title?: string
    selftext?: string
    url?: string
    num_comments?: number
    over_18?: boolean
    /** t1 */
    body?: string
    link_id?: string
    parent_id?: string
  }
}

export interface AddPostInput {
  subreddit: string
  title: string
  selftext?: string
  author: string
  /** Epoch ms; default now. Listings sort by it, newest first. */
  createdAt?: number
  score?: number
  /** Fields to leave out of every listing carrying this post (a damaged payload). */
  omit?: string[]
}

export interface AddCommentInput {
  /** Fullname of the post (`t3_…`). */
  linkId: string
  /** Fullname of the parent post or comment; default the post. */
  parentId?: string
  body: string
  author: string
  createdAt?: number
  score?: number
  omit?: string[]
}

export type FakeRedditFault =
  /** 429 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` = seconds until `resetAt` (epoch ms). */
  | { kind: 'rate-limit', resetAt: number }
  /** A 5xx with the HTML page Reddit's CDN serves during incidents. */
  | { kind: 'unavailable', status?: number }
  /** The socket is destroyed before any response. */
  | { kind: 'socket' }
  /** 200 with a truncated JSON body. */
  | { kind: 'malformed-json' }
  /** Every issued token stops working: the next API request gets 401 until a new token is fetched. */
  | { kind: 'revoke-tokens' }

export interface FakeRedditRequest {
  method: string
  path: string
  /** The route template, e.g. `/r/:subreddit/new`. */
  route: string
  query: Record<string, string>
  userAgent: string | undefined
  status: number
  fault?: FakeRedditFault['kind']
  /** Epoch ms when the request arrived. */
  at: number
}

export interface FakeRedditOptions {
  port?: number
  clientId?: string
  clientSecret?: string
  /** `expires_in` of issued tokens (Reddit: 86400 today, 3600 historically). */
  tokenLifetimeSeconds?: number
  /** Request budget per window per client (Reddit: 1000 per 600 s, i.e. 100 per minute averaged over ten). */
  rateLimit?: { limit: number, windowMs: number }
}

const routes = [
  { method: 'POST', route: '/api/v1/access_token', pattern: /^\/api\/v1\/access_token$/ },
  { method: 'GET', route: '/search', pattern: /^\/search(?:\.json)?$/ },
  { method: 'GET', route: '/r/:subreddit/search', pattern: /^\/r\/([A-Za-z0-9_]+)\/search(?:\.json)?$/ },
  { method: 'GET', route: '/r/:subreddit/new', pattern: /^\/r\/([A-Za-z0-9_]+)\/new(?:\.json)?$/ },
  { method: 'GET', route: '/r/:subreddit/comments', pattern: /^\/r\/([A-Za-z0-9_]+)\/comments(?:\.json)?$/ },
] as const

const cdnErrorPage = '<!doctype html><html><head><title>Reddit - Dive into anything</title></head><body><h1>Our CDN was unable to reach our servers</h1></body></html>'

function send (res: ServerResponse, status: number, body: object | string, type = 'application/json; charset=UTF-8'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** Newest first: by created_utc, then by id (ids are allocated increasing, as Reddit's base-36 ids are). */
function newestFirst (a: FakeRedditThing, b: FakeRedditThing): number {
  return b.data.created_utc - a.data.created_utc || (b.data.id.length - a.data.id.length) || (b.data.id < a.data.id ? -1 : b.data.id > a.data.id ? 1 : 0)
}

function matches (thing: FakeRedditThing, query: string): boolean {
  const text = `${thing.data.title ?? ''} ${thing.data.selftext ?? ''} ${thing.data.body ?? ''}`.toLowerCase()
  return [...query.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => (m[1] ?? m[2] ?? '').toLowerCase()).filter((t) => t !== '').every((term) => text.includes(term))
}

/**
 * A local Reddit Data API for tests: application-only OAuth (`POST /api/v1/access_token`,
 * client_credentials with basic auth, bearer tokens that expire), `/search`, `/r/<sub>/search`,
 * `/r/<sub>/new` and `/r/<sub>/comments` listings (`kind: Listing`, `t1`/`t3` children newest first,
 * `limit` ≤ 100, `after`/`before` fullname paging), `X-Ratelimit-Used/Remaining/Reset` on every API
 * response (reset in seconds) with a budget per window, 429 when it is spent, and scripted faults.
 */
export async function startFakeReddit (options: FakeRedditOptions = {}) {
  const clientId = options.clientId ?? 'fake-client-id'
  const clientSecret = options.clientSecret ?? 'fake-client-secret'
  let tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 86_400
  let rateLimit = options.rateLimit ?? { limit: 1000, windowMs: 600_000 }
  let window: { resetAt: number, used: number } | undefined
  const things: FakeRedditThing[] = []
  const byName = new Map<string, FakeRedditThing>()
  const omitted = new Map<string, string[]>()
  const tokens = new Map<string, number>()
  const requests: FakeRedditRequest[] = []
  const faults: Array<FakeRedditFault | undefined> = []
  let nextId = 36 ** 5

  function allocate (createdAt: number | undefined): { id: string, created: number } {
    const id = (nextId++).toString(36)
    return { id, created: Math.floor((createdAt ?? Date.now()) / 1000) }
  }

  function store (thing: FakeRedditThing, omit: string[] | undefined): FakeRedditThing {
    things.push(thing)
    byName.set(thing.data.name, thing)
    if (omit !== undefined) omitted.set(thing.data.name, omit)
    return thing
  }

  function addPost (input: AddPostInput): FakeRedditThing {
    const { id, created } = allocate(input.createdAt)
    const permalink = `/r/${input.subreddit}/comments/${id}/${input.title.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 40)}/`
    return store({
      kind: 't3',
      data: {
        id,
        name: `t3_${id}`,
        subreddit: input.subreddit,
        subreddit_name_prefixed: `r/${input.subreddit}`,
        author: input.author,
        author_fullname: `t2_${Buffer.from(input.author).toString('hex').slice(0, 8)}`,
        created_utc: created,
        permalink,
        url: `https://www.reddit.com${permalink}`,
        score: input.score ?? 1,
        title: input.title,
        selftext: input.selftext ?? '',
        num_comments: 0,
        over_18: false,
      },
    }, input.omit)
  }

  function addComment (input: AddCommentInput): FakeRedditThing {
    const post = byName.get(input.linkId)
    if (post === undefined || post.kind !== 't3') throw new Error(`fake Reddit: no post ${input.linkId}`)
    const parentId = input.parentId ?? input.linkId
    if (!byName.has(parentId)) throw new Error(`fake Reddit: no parent ${parentId}`)
    const { id, created } = allocate(input.createdAt)
    post.data.num_comments = (post.data.num_comments ?? 0) + 1
    return store({
      kind: 't1',
      data: {
        id,
        name: `t1_${id}`,
        subreddit: post.data.subreddit,
        subreddit_name_prefixed: post.data.subreddit_name_prefixed,
        author: input.author,
        author_fullname: `t2_${Buffer.from(input.author).toString('hex').slice(0, 8)}`,
        created_utc: created,
        permalink: `${post.data.permalink}${id}/`,
        score: input.score ?? 1,
        body: input.body,
        link_id: input.linkId,
        parent_id: parentId,
      },
    }, input.omit)
  }

  function render (thing: FakeRedditThing): object {
    const data: Record<string, unknown> = { ...thing.data }
    for (const field of omitted.get(thing.data.name) ?? []) Reflect.deleteProperty(data, field)
    return { kind: thing.kind, data }
  }

  function listing (candidates: FakeRedditThing[], query: Record<string, string>): object {
    const limit = Math.min(100, Math.max(1, Number(query.limit ?? 25) || 25))
    const sorted = [...candidates].sort(newestFirst)
    let start = 0
    let end: number
    if (query.after !== undefined && query.after !== '') {
      const index = sorted.findIndex((t) => t.data.name === query.after)
      // Reddit answers an empty listing when the anchor is gone (deleted or out of the window).
      start = index < 0 ? sorted.length : index + 1
      end = Math.min(sorted.length, start + limit)
    } else if (query.before !== undefined && query.before !== '') {
      const index = sorted.findIndex((t) => t.data.name === query.before)
      end = index < 0 ? 0 : index
      start = Math.max(0, end - limit)
    } else {
      end = Math.min(sorted.length, limit)
    }
    const page = sorted.slice(start, end)
    return {
      kind: 'Listing',
      data: {
        after: end < sorted.length && page.length > 0 ? page[page.length - 1]?.data.name ?? null : null,
        before: start > 0 && page.length > 0 ? page[0]?.data.name ?? null : null,
        dist: page.length,
        modhash: '',
        geo_filter: null,
        children: page.map(render),
      },
    }
  }

  function rateHeaders (res: ServerResponse, now: number): boolean {
    if (window === undefined || window.resetAt <= now) window = { resetAt: now + rateLimit.windowMs, used: 0 }
    const allowed = window.used < rateLimit.limit
    if (allowed) window.used++
    res.setHeader('x-ratelimit-used', String(window.used))
    res.setHeader('x-ratelimit-remaining', (rateLimit.limit - window.used).toFixed(1))
    res.setHeader('x-ratelimit-reset', String(Math.ceil((window.resetAt - now) / 1000)))
    return allowed
  }

  async function readBody (req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  }

  function issueToken (req: IncomingMessage, raw: string, res: ServerResponse, now: number): number {
    const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`
    const form = new URLSearchParams(raw)
    if (req.headers.authorization !== expected) {
      send(res, 401, { message: 'Unauthorized', error: 401 })
      return 401
    }
    if (form.get('grant_type') !== 'client_credentials') {
      send(res, 200, { error: 'unsupported_grant_type' })
      return 200
    }
    const token = `fake-${randomBytes(12).toString('hex')}`
    tokens.set(token, now + tokenLifetimeSeconds * 1000)
    send(res, 200, { access_token: token, token_type: 'bearer', expires_in: tokenLifetimeSeconds, scope: '*' })
    return 200
  }

  async function handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const now = Date.now()
    const url = new URL(req.url ?? '/', 'http://fake-reddit.invalid')
    const method = req.method ?? 'GET'
    const raw = await readBody(req)
    const matched = routes.find((r) => r.method === method && r.pattern.test(url.pathname))
    const entry: FakeRedditRequest = {
      method, path: url.pathname, route: matched?.route ?? url.pathname, query: Object.fromEntries(url.searchParams), userAgent: req.headers['user-agent'], status: 0, at: now,
    }
    requests.push(entry)
    if (matched === undefined) {
      entry.status = 404
      return send(res, 404, { message: 'Not Found', error: 404 })
    }
    if (matched.route === '/api/v1/access_token') {
      entry.status = issueToken(req, raw, res, now)
      return
    }
    if (faults[0]?.kind === 'revoke-tokens') {
      faults.shift()
      tokens.clear()
      entry.fault = 'revoke-tokens'
    }
    const auth = /^bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
    const expiresAt = auth === undefined ? undefined : tokens.get(auth)
    if (expiresAt === undefined || expiresAt <= now) {
      entry.status = 401
      res.setHeader('www-authenticate', 'Bearer realm="reddit", error="invalid_token"')
      return send(res, 401, { message: 'Unauthorized', error: 401 })
    }
    const fault = faults.shift()
    entry.fault ??= fault?.kind
    if (fault?.kind === 'socket') {
      req.socket.destroy()
      return
    }
    if (fault?.kind === 'rate-limit') window = { resetAt: fault.resetAt, used: rateLimit.limit }
    if (!rateHeaders(res, now)) {
      entry.status = 429
      return send(res, 429, { message: 'Too Many Requests', error: 429 })
    }
    if (fault?.kind === 'unavailable') {
      entry.status = fault.status ?? 503
      return send(res, entry.status, cdnErrorPage, 'text/html; charset=utf-8')
    }
    const subreddit = matched.pattern.exec(url.pathname)?.[1]?.toLowerCase()
    const inSub = (t: FakeRedditThing): boolean => subreddit === undefined || t.data.subreddit.toLowerCase() === subreddit
    let candidates: FakeRedditThing[]
    if (matched.route === '/r/:subreddit/new') {
      candidates = things.filter((t) => t.kind === 't3' && inSub(t))
    } else if (matched.route === '/r/:subreddit/comments') {
      candidates = things.filter((t) => t.kind === 't1' && inSub(t))
    } else {
      const q = entry.query.q ?? ''
      if (q === '') {
        entry.status = 400
        return send(res, 400, { message: 'Bad Request', error: 400 })
      }
      const types = new Set((entry.query.type ?? 'link').split(','))
      const restricted = entry.query.restrict_sr === '1' || entry.query.restrict_sr === 'true'
      candidates = things.filter((t) => types.has(t.kind === 't3' ? 'link' : 'comment') && (!restricted || inSub(t)) && matches(t, q))
    }
    entry.status = 200
    const body = listing(candidates, entry.query)
    if (fault?.kind === 'malformed-json') return send(res, 200, JSON.stringify(body).slice(0, 40))
    send(res, 200, body)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { message: String(err), error: 500 })
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
    addPost,
    addComment,
    thing: (name: string): FakeRedditThing | undefined => byName.get(name),
    /** Remove a post or comment, as a deletion or removal by moderators does. */
    remove (name: string): void {
      const index = things.findIndex((t) => t.data.name === name)
      if (index >= 0) things.splice(index, 1)
      byName.delete(name)
    },
    /** Every request in arrival order, with its time, status and any fault applied. */
    requests: (route?: string): FakeRedditRequest[] => requests.filter((r) => route === undefined || r.route === route),
    /** The next `times` API requests (not token requests) get this fault; `after` lets that many pass first. */
    failNext (fault: FakeRedditFault, times = 1, { after = 0 }: { after?: number } = {}): void {
      for (let i = 0; i < after; i++) faults.push(undefined)
      for (let i = 0; i < times; i++) faults.push(fault)
    },
    setRateLimit (limit: { limit: number, windowMs: number }): void {
      rateLimit = limit
      window = undefined
    },
    setTokenLifetime (seconds: number): void {
      tokenLifetimeSeconds = seconds
    },
  }

  return {
    url: `http://127.0.0.1:${port}`,
    /** Where the token request goes: pass as the client's token URL. */
    tokenUrl: `http://127.0.0.1:${port}/api/v1/access_token`,
    port,
    clientId,
    clientSecret,
    state,
    close: async (): Promise<void> => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

export type FakeReddit = Awaited<ReturnType<typeof startFakeReddit>>
export type FakeRedditState = FakeReddit['state']
