import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** An Account as Mastodon renders it (the fields ingest reads, plus a few clients always get). */
export interface FakeMastodonAccount {
  id: string
  username: string
  /** `username` for local accounts, `username@domain` for remote ones. */
  acct: string
  display_name: string
  url: string
  bot: boolean
  followers_count: number
  following_count: number
  statuses_count: number
  created_at: string
}

export interface FakeMastodonStatus {
  id: string
  uri: string
  url: string | null
  created_at: string
  account: FakeMastodonAccount
  content: string
  visibility: 'public' | 'unlisted' | 'private' | 'direct'
  sensitive: boolean
  spoiler_text: string
  in_reply_to_id: string | null
  in_reply_to_account_id: string | null
  language: string | null
  reblog: FakeMastodonStatus | null
  mentions: Array<{ id: string, username: string, acct: string, url: string }>
  tags: Array<{ name: string, url: string }>
  media_attachments: unknown[]
  emojis: unknown[]
  replies_count: number
  reblogs_count: number
  favourites_count: number
}

export interface FakeMastodonNotification {
  id: string
  type: 'mention' | 'favourite' | 'reblog' | 'follow' | 'status' | 'poll' | 'update'
  created_at: string
  group_key: string
  account: FakeMastodonAccount
  status?: FakeMastodonStatus
}

export interface AddAccountInput {
  username: string
  id?: string
  /** Remote accounts: their domain (acct becomes `username@domain`). */
  domain?: string
  displayName?: string
  bot?: boolean
  followers?: number
}

export interface AddStatusInput {
  /** An account id or username added before. */
  account: string
  /** Plain text: rendered to Mastodon's HTML (paragraphs, <br>, h-card mention links, hashtag links). Ignored when `html` is given. */
  text?: string
  html?: string
  visibility?: FakeMastodonStatus['visibility']
  /** Reply to this status id: in_reply_to_id/in_reply_to_account_id are set. */
  inReplyTo?: string
  /** Account ids or usernames mentioned: each local one gets a mention notification. */
  mentions?: string[]
  /** Hashtags without '#'; the status appears on their timelines and hashtag streams. */
  tags?: string[]
  language?: string | null
  /** Makes this a boost of that status (content empty, reblog set). */
  reblogOf?: string
  createdAt?: string
  spoilerText?: string
  metrics?: { replies?: number, reblogs?: number, favourites?: number }
  /** Fields removed from this status wherever it is rendered (a damaged payload). */
  omit?: Array<keyof FakeMastodonStatus>
}

export type FakeMastodonFault =
  /** 429 `{"error":"Too many requests"}` with `X-RateLimit-Remaining: 0` and `X-RateLimit-Reset` at `resetAt` (epoch ms). */
  | { kind: 'rate-limit', resetAt: number }
  /** A 5xx with the HTML page a proxy in front of Mastodon answers. */
  | { kind: 'unavailable', status?: number }
  /** The socket is destroyed before any response. */
  | { kind: 'socket' }
  /** 200 with a truncated JSON body. */
  | { kind: 'malformed-json' }
  /** Every status in the response lacks these fields. */
  | { kind: 'missing-fields', fields: Array<keyof FakeMastodonStatus> }

export interface FakeMastodonRequest {
  method: string
  path: string
  /** The route template, e.g. `/api/v1/notifications`. */
  route: string
  /** Query values; a repeated key (`types[]`) is joined with ','. */
  query: Record<string, string>
  status: number
  fault?: FakeMastodonFault['kind']
  /** Epoch ms when the request arrived. */
  at: number
}

export interface FakeMastodonOptions {
  port?: number
  /** When set, any other token gets 401 `{"error":"The access token is invalid"}`. */
  accessToken?: string
  /** The token owner's username (the account whose mentions become notifications). Default `acme`. */
  ownUsername?: string
  /** Requests per window per token (Mastodon: 300 per 5 minutes). */
  rateLimit?: { limit: number, windowMs: number }
  /** The base URL written into Link headers and status URLs (Mastodon writes its public domain). Default: the fake's own URL. */
  publicUrl?: string
  /** Idle interval between `:thump` heartbeat comments on streams. */
  heartbeatMs?: number
}

interface StreamClient {
  kind: 'user' | 'hashtag'
  tag?: string
  res: ServerResponse
}

const routes = [
  { route: '/api/v1/notifications', pattern: /^\/api\/v1\/notifications$/ },
  { route: '/api/v1/timelines/tag/:hashtag', pattern: /^\/api\/v1\/timelines\/tag\/([^/]+)$/ },
  { route: '/api/v1/streaming/user', pattern: /^\/api\/v1\/streaming\/user$/ },
  { route: '/api/v1/streaming/user/notification', pattern: /^\/api\/v1\/streaming\/user\/notification$/ },
  { route: '/api/v1/streaming/hashtag', pattern: /^\/api\/v1\/streaming\/hashtag$/ },
  { route: '/api/v1/streaming/health', pattern: /^\/api\/v1\/streaming\/health$/ },
] as const

const idPattern = /^[0-9]{1,20}$/

class HttpError extends Error {
  constructor (readonly status: number, readonly body: object) {
    super(`HTTP ${status}`)
  }
}

function escapeHtml (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

function compareIds (a: string, b: string): number {
  const x = BigInt(a)
  const y = BigInt(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * A local Mastodon server for tests, speaking the real wire format to a plain fetch client:
 * `GET /api/v1/notifications` (types[]/exclude_types[], limit ≤ 80, max_id/since_id/min_id, newest
 * first, Link `rel="next"` (older, max_id) and `rel="prev"` (newer, min_id), no Link on an empty
 * page), `GET /api/v1/timelines/tag/:hashtag` (limit ≤ 40), X-RateLimit-* headers with an ISO 8601
 * reset, 429/401 with Mastodon's `{"error": …}` bodies, scripted faults, and server-sent-event
 * streams (`/api/v1/streaming/user`, `/user/notification`, `/hashtag?tag=`) with `:thump`
 * heartbeats and disconnects on demand.
 */
export async function startFakeMastodon (options: FakeMastodonOptions = {}) {
  const accounts = new Map<string, FakeMastodonAccount>()
  const statuses: FakeMastodonStatus[] = []
  const statusById = new Map<string, FakeMastodonStatus>()
  const notifications: FakeMastodonNotification[] = []
  const omitted = new Map<string, Array<keyof FakeMastodonStatus>>()
  const requests: FakeMastodonRequest[] = []
  const faults: Array<FakeMastodonFault | undefined> = []
  const streams = new Set<StreamClient>()
  let streamConnects = 0
  let rateLimit = options.rateLimit ?? { limit: 300, windowMs: 5 * 60_000 }
  let window: { resetAt: number, remaining: number } | undefined
  let nextStatusId = 113_000_000_000_000_000n
  let nextNotificationId = 1000n
  let nextAccountId = 109_000_000_000_000_000n
  const heartbeatMs = options.heartbeatMs ?? 15_000
  let baseUrl = ''

  function publicUrl (): string {
    return (options.publicUrl ?? (baseUrl === '' ? 'http://127.0.0.1' : baseUrl)).replace(/\/+$/, '')
  }

  function addAccount (input: AddAccountInput): FakeMastodonAccount {
    const id = input.id ?? String(nextAccountId++)
    const host = input.domain ?? new URL(publicUrl()).host
    const account: FakeMastodonAccount = {
      id,
      username: input.username,
      acct: input.domain === undefined ? input.username : `${input.username}@${input.domain}`,
      display_name: input.displayName ?? input.username,
      url: `https://${host}/@${input.username}`,
      bot: input.bot ?? false,
      followers_count: input.followers ?? 0,
      following_count: 0,
      statuses_count: 0,
      created_at: '2024-01-01T00:00:00.000Z',
    }
    accounts.set(id, account)
    return account
  }

  function findAccount (ref: string): FakeMastodonAccount {
    const found = accounts.get(ref) ?? [...accounts.values()].find((a) => a.username === ref || a.acct === ref)
    if (found === undefined) throw new Error(`fake Mastodon: unknown account ${ref}; add it first`)
    return found
  }

  // Its URL is fixed once the server listens and the default public URL is known.
  const own = addAccount({ username: options.ownUsername ?? 'acme', displayName: 'Acme' })

  function render (text: string, mentioned: FakeMastodonAccount[], tags: string[]): string {
    const paragraphs = text.split(/\n{2,}/).map((paragraph) => {
      let html = escapeHtml(paragraph).replace(/\n/g, '<br />')
      for (const account of mentioned) {
        const link = `<span class="h-card" translate="no"><a href="${account.url}" class="u-url mention">@<span>${escapeHtml(account.username)}</span></a></span>`
        html = html.replace(new RegExp(`@${account.acct.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`), link)
      }
      for (const tag of tags) {
        html = html.replace(new RegExp(`#${tag}\\b`, 'i'), `<a href="${publicUrl()}/tags/${tag}" class="mention hashtag" rel="tag">#<span>${escapeHtml(tag)}</span></a>`)
      }
      return `<p>${html}</p>`
    })
    return paragraphs.join('')
  }

  function addStatus (input: AddStatusInput): FakeMastodonStatus {
    const account = findAccount(input.account)
    const id = String(nextStatusId++)
    const parent = input.inReplyTo === undefined ? undefined : statusById.get(input.inReplyTo)
    if (input.inReplyTo !== undefined && parent === undefined) throw new Error(`fake Mastodon: unknown status ${input.inReplyTo}`)
    const reblog = input.reblogOf === undefined ? null : statusById.get(input.reblogOf) ?? null
    const mentioned = (input.mentions ?? []).map(findAccount)
    const tags = input.tags ?? []
    const host = new URL(account.url).host
    const status: FakeMastodonStatus = {
      id,
      uri: `https://${host}/users/${account.username}/statuses/${id}`,
      url: reblog === null ? `https://${host}/@${account.username}/${id}` : null,
      created_at: input.createdAt ?? new Date().toISOString(),
      account,
      content: reblog !== null ? '' : input.html ?? render(input.text ?? '', mentioned, tags),
      visibility: input.visibility ?? 'public',
      sensitive: input.spoilerText !== undefined,
      spoiler_text: input.spoilerText ?? '',
      in_reply_to_id: parent?.id ?? null,
      in_reply_to_account_id: parent?.account.id ?? null,
      language: input.language === undefined ? 'en' : input.language,
      reblog,
      mentions: mentioned.map((a) => ({ id: a.id, username: a.username, acct: a.acct, url: a.url })),
      tags: tags.map((name) => ({ name: name.toLowerCase(), url: `${publicUrl()}/tags/${name.toLowerCase()}` })),
      media_attachments: [],
      emojis: [],
      replies_count: input.metrics?.replies ?? 0,
      reblogs_count: input.metrics?.reblogs ?? 0,
      favourites_count: input.metrics?.favourites ?? 0,
    }
    statuses.push(status)
    statusById.set(id, status)
    if (input.omit !== undefined) omitted.set(id, input.omit)
    account.statuses_count++
    if (mentioned.some((a) => a.id === own.id)) addNotification('mention', account, status)
    if (reblog === null && status.visibility === 'public') {
      for (const client of streams) {
        if (client.kind === 'hashtag' && tags.some((t) => t.toLowerCase() === client.tag)) writeEvent(client.res, 'update', renderStatus(status, []))
      }
    }
    return status
  }

  function addNotification (type: FakeMastodonNotification['type'], account: FakeMastodonAccount, status?: FakeMastodonStatus): FakeMastodonNotification {
    const id = String(nextNotificationId++)
    const notification: FakeMastodonNotification = {
      id, type, created_at: new Date().toISOString(), group_key: `ungrouped-${id}`, account, ...(status === undefined ? {} : { status }),
    }
    notifications.push(notification)
    for (const client of streams) {
      if (client.kind === 'user') writeEvent(client.res, 'notification', renderNotification(notification, []))
    }
    return notification
  }

  function renderStatus (status: FakeMastodonStatus, strip: ReadonlyArray<keyof FakeMastodonStatus>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...status, reblog: status.reblog === null ? null : renderStatus(status.reblog, []) }
    for (const field of [...strip, ...(omitted.get(status.id) ?? [])]) Reflect.deleteProperty(out, field)
    return out
  }

  function renderNotification (notification: FakeMastodonNotification, strip: ReadonlyArray<keyof FakeMastodonStatus>): Record<string, unknown> {
    return { ...notification, ...(notification.status === undefined ? {} : { status: renderStatus(notification.status, strip) }) }
  }

  function writeEvent (res: ServerResponse, event: string, payload: object): void {
    res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`)
  }

  /** Mastodon's paging: min_id takes the page immediately above it, otherwise the newest page below max_id and above since_id; newest first either way. */
  function page<T extends { id: string }> (items: T[], query: Record<string, string>, maxLimit: number, defaultLimit: number): T[] {
    const limit = Math.min(maxLimit, Math.max(1, Number(query.limit ?? defaultLimit) || defaultLimit))
    for (const name of ['max_id', 'since_id', 'min_id'] as const) {
      const value = query[name]
      if (value !== undefined && !idPattern.test(value)) throw new HttpError(422, { error: `Validation failed: ${name} is invalid` })
    }
    const { max_id: maxId, since_id: sinceId, min_id: minId } = query
    const inRange = items.filter((item) =>
      (maxId === undefined || compareIds(item.id, maxId) < 0) &&
      (sinceId === undefined || compareIds(item.id, sinceId) > 0) &&
      (minId === undefined || compareIds(item.id, minId) > 0))
    const ascending = [...inRange].sort((a, b) => compareIds(a.id, b.id))
    const chosen = minId !== undefined ? ascending.slice(0, limit) : ascending.slice(-limit)
    return chosen.reverse()
  }

  function linkHeader (res: ServerResponse, path: string, query: Record<string, string>, items: Array<{ id: string }>, keep: string[]): void {
    const newest = items[0]
    const oldest = items[items.length - 1]
    if (newest === undefined || oldest === undefined) return
    const link = (name: string, id: string): string => {
      const params = new URLSearchParams()
      for (const key of keep) {
        const value = query[key]
        if (value !== undefined) for (const part of value.split(',')) params.append(key, part)
      }
      params.set(name, id)
      return `${publicUrl()}${path}?${params.toString()}`
    }
    res.setHeader('link', `<${link('max_id', oldest.id)}>; rel="next", <${link('min_id', newest.id)}>; rel="prev"`)
  }

  function rateHeaders (res: ServerResponse, remaining: number, resetAt: number): void {
    res.setHeader('x-ratelimit-limit', String(rateLimit.limit))
    res.setHeader('x-ratelimit-remaining', String(Math.max(0, remaining)))
    // Mastodon writes the reset with microseconds: 2025-01-01T10:05:00.000000Z.
    res.setHeader('x-ratelimit-reset', new Date(resetAt).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z'))
  }

  function send (res: ServerResponse, status: number, body: object | string, type = 'application/json; charset=utf-8'): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body)
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) })
    res.end(text)
  }

  function tokenOf (req: IncomingMessage, url: URL): string | undefined {
    const header = req.headers.authorization
    if (header?.startsWith('Bearer ') === true) return header.slice('Bearer '.length)
    return url.searchParams.get('access_token') ?? undefined
  }

  function openStream (req: IncomingMessage, res: ServerResponse, client: Omit<StreamClient, 'res'>): void {
    streamConnects++
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'private, no-store', 'transfer-encoding': 'chunked' })
    res.write(':)\n')
    const entry: StreamClient = { ...client, res }
    streams.add(entry)
    const timer = setInterval(() => res.write(':thump\n'), heartbeatMs)
    const finish = (): void => {
      clearInterval(timer)
      streams.delete(entry)
    }
    res.on('close', finish)
    req.on('close', finish)
  }

  function queryOf (url: URL): Record<string, string> {
    const query: Record<string, string> = {}
    for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',')
    return query
  }

  async function handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const now = Date.now()
    const url = new URL(req.url ?? '/', 'http://fake-mastodon.invalid')
    const method = req.method ?? 'GET'
    const matched = routes.find((r) => r.pattern.test(url.pathname))
    const entry: FakeMastodonRequest = { method, path: url.pathname, route: matched?.route ?? url.pathname, query: queryOf(url), status: 0, at: now }
    requests.push(entry)
    if (matched === undefined || method !== 'GET') {
      entry.status = 404
      return send(res, 404, { error: 'Record not found' })
    }
    if (matched.route === '/api/v1/streaming/health') {
      entry.status = 200
      return send(res, 200, 'OK', 'text/plain')
    }
    if (options.accessToken !== undefined && tokenOf(req, url) !== options.accessToken) {
      entry.status = 401
      return send(res, 401, { error: 'The access token is invalid' })
    }
    if (matched.route.startsWith('/api/v1/streaming/')) {
      const fault = faults[0]?.kind === 'socket' || faults[0]?.kind === 'unavailable' ? faults.shift() : undefined
      entry.fault = fault?.kind
      if (fault?.kind === 'socket') {
        req.socket.destroy()
        return
      }
      if (fault?.kind === 'unavailable') {
        entry.status = fault.status ?? 503
        return send(res, entry.status, '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>', 'text/html')
      }
      if (matched.route === '/api/v1/streaming/hashtag') {
        const tag = entry.query.tag
        if (tag === undefined || tag === '') {
          entry.status = 400
          return send(res, 400, { error: 'No tag for stream provided' })
        }
        entry.status = 200
        return openStream(req, res, { kind: 'hashtag', tag: tag.toLowerCase() })
      }
      entry.status = 200
      return openStream(req, res, { kind: 'user' })
    }

    if (window === undefined || window.resetAt <= now) window = { resetAt: now + rateLimit.windowMs, remaining: rateLimit.limit }
    const fault = faults.shift()
    entry.fault = fault?.kind
    if (fault?.kind === 'socket') {
      req.socket.destroy()
      return
    }
    if (fault?.kind === 'rate-limit' || window.remaining <= 0) {
      if (fault?.kind === 'rate-limit') window = { resetAt: fault.resetAt, remaining: 0 }
      rateHeaders(res, 0, window.resetAt)
      entry.status = 429
      return send(res, 429, { error: 'Too many requests' })
    }
    window.remaining--
    rateHeaders(res, window.remaining, window.resetAt)
    if (fault?.kind === 'unavailable') {
      entry.status = fault.status ?? 503
      return send(res, entry.status, '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>', 'text/html')
    }
    try {
      const strip = fault?.kind === 'missing-fields' ? fault.fields : []
      let body: object[]
      if (matched.route === '/api/v1/notifications') {
        const types = new Set((entry.query['types[]'] ?? '').split(',').filter((t) => t !== ''))
        const excluded = new Set((entry.query['exclude_types[]'] ?? '').split(',').filter((t) => t !== ''))
        const candidates = notifications.filter((n) => (types.size === 0 || types.has(n.type)) && !excluded.has(n.type))
        const chosen = page(candidates, entry.query, 80, 40)
        linkHeader(res, url.pathname, entry.query, chosen, ['types[]', 'exclude_types[]', 'limit'])
        body = chosen.map((n) => renderNotification(n, strip))
      } else {
        const tag = decodeURIComponent(matched.pattern.exec(url.pathname)?.[1] ?? '').toLowerCase()
        const candidates = statuses.filter((s) => s.reblog === null && s.visibility === 'public' && s.tags.some((t) => t.name === tag))
        const chosen = page(candidates, entry.query, 40, 20)
        linkHeader(res, url.pathname, entry.query, chosen, ['limit'])
        body = chosen.map((s) => renderStatus(s, strip))
      }
      entry.status = 200
      if (fault?.kind === 'malformed-json') return send(res, 200, JSON.stringify(body).slice(0, 25))
      send(res, 200, body)
    } catch (err) {
      if (!(err instanceof HttpError)) throw err
      entry.status = err.status
      send(res, err.status, err.body)
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: String(err) })
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
  baseUrl = `http://127.0.0.1:${port}`
  own.url = `https://${new URL(publicUrl()).host}/@${own.username}`

  const state = {
    /** The token owner: statuses mentioning it become its `mention` notifications. */
    ownAccount: own,
    addAccount,
    addStatus,
    /** A notification of another type (favourite, follow…) that `types[]=mention` must leave out. */
    addNotification: (type: FakeMastodonNotification['type'], account: string, status?: string): FakeMastodonNotification =>
      addNotification(type, findAccount(account), status === undefined ? undefined : statusById.get(status)),
    status: (id: string): FakeMastodonStatus | undefined => statusById.get(id),
    notifications: (): FakeMastodonNotification[] => [...notifications],
    /** Every request in arrival order, with its time, status and any fault applied. */
    requests: (route?: string): FakeMastodonRequest[] => requests.filter((r) => route === undefined || r.route === route),
    /** The next `times` requests get this fault, after `after` requests pass untouched. Streams take only socket/unavailable faults. */
    failNext (fault: FakeMastodonFault, times = 1, { after = 0 }: { after?: number } = {}): void {
      for (let i = 0; i < after; i++) faults.push(undefined)
      for (let i = 0; i < times; i++) faults.push(fault)
    },
    setRateLimit (limit: { limit: number, windowMs: number }): void {
      rateLimit = limit
      window = undefined
    },
    /** Stream connections accepted so far, and how many are open now. */
    streamConnects: (): number => streamConnects,
    openStreams: (): number => streams.size,
    /** Drops every open stream's socket mid-stream (a network failure). */
    disconnectStreams (): void {
      for (const client of streams) client.res.socket?.destroy()
    },
    /** Writes a raw chunk to every open stream (e.g. a damaged event). */
    writeToStreams (chunk: string): void {
      for (const client of streams) client.res.write(chunk)
    },
  }

  return {
    url: baseUrl,
    port,
    state,
    close: async (): Promise<void> => {
      for (const client of streams) client.res.destroy()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

export type FakeMastodon = Awaited<ReturnType<typeof startFakeMastodon>>
export type FakeMastodonState = FakeMastodon['state']
