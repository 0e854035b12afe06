import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A comment resource as commentThreads.list returns it (`part=snippet`). */
export interface FakeYouTubeComment {
  kind: 'youtube#comment'
  etag: string
  id: string
  snippet: {
    channelId: string
    videoId: string
    textDisplay: string
    textOriginal: string
    authorDisplayName: string
    authorProfileImageUrl: string
    authorChannelUrl: string
    authorChannelId: { value: string }
    canRate: boolean
    viewerRating: 'none'
    likeCount: number
    publishedAt: string
    updatedAt: string
    /** Replies only: the top-level comment's id. */
    parentId?: string
  }
}

export interface FakeYouTubeThread {
  id: string
  videoId: string
  channelId: string
  topLevelComment: FakeYouTubeComment
  replies: FakeYouTubeComment[]
  /** Insertion order, to order threads published in the same second. */
  seq: number
}

export interface FakeYouTubeAuthor {
  displayName: string
  channelId: string
}

export interface AddThreadInput {
  /** The channel whose video this comment is on (what allThreadsRelatedToChannelId selects). */
  channelId: string
  videoId: string
  text: string
  author: FakeYouTubeAuthor
  /** Epoch ms, default now; rendered with second precision as YouTube does. */
  publishedAt?: number
  likeCount?: number
  /** snippet fields to leave out of every response carrying this comment (a damaged payload). */
  omit?: string[]
}

export interface AddReplyInput {
  threadId: string
  text: string
  author: FakeYouTubeAuthor
  publishedAt?: number
  omit?: string[]
}

export type FakeYouTubeFault =
  /** 403 quotaExceeded, as when the project's daily quota is spent. */
  | { kind: 'quota' }
  /** 403 rateLimitExceeded (short-term). */
  | { kind: 'rate-limit' }
  /** 503 backendError. */
  | { kind: 'unavailable', status?: number }
  /** The socket is destroyed before any response. */
  | { kind: 'socket' }
  /** 200 with a truncated JSON body. */
  | { kind: 'malformed-json' }

export interface FakeYouTubeRequest {
  method: string
  path: string
  query: Record<string, string>
  status: number
  fault?: FakeYouTubeFault['kind']
  /** `/youtube/v3/commentThreads` or `/youtube/v3/comments`. */
  resource?: 'commentThreads' | 'comments'
  /** Quota units charged (1 per list call, even on a 4xx other than quotaExceeded). */
  cost: number
  /** The fake's clock (options.now) when the request arrived. */
  at: number
}

export interface FakeYouTubeOptions {
  port?: number
  /** When set, any other `key` gets 400 keyInvalid. */
  apiKey?: string
  /** Units per Pacific day for the whole project (YouTube's default: 10,000); then 403 quotaExceeded until midnight Pacific. */
  dailyQuota?: number
  /** How many replies a thread carries in `replies.comments` (the API returns only a subset). */
  replyPreviewCount?: number
  /** The clock for publishedAt defaults, the quota day and request times; tests shift it to reach midnight Pacific. */
  now?: () => number
}

const pacificDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit' })

function googleError (status: number, reason: string, message: string, domain = 'youtube.commentThread'): object {
  return { error: { code: status, message, errors: [{ message, domain, reason }] } }
}

function send (res: ServerResponse, status: number, body: object | string): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

function iso (ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

/**
 * A local YouTube Data API v3 for tests: `GET /youtube/v3/commentThreads` with
 * `allThreadsRelatedToChannelId`, `part=snippet,replies`, `maxResults` 1..100, `order=time` (newest
 * top-level comment first), opaque `pageToken`/`nextPageToken`, `key=` API keys, a subset of replies
 * per thread (the rest from `GET /youtube/v3/comments?parentId=`), 1 quota unit per call against a daily quota that resets at midnight Pacific time
 * (403 `quotaExceeded` in Google's error format), and scripted faults.
 */
export async function startFakeYouTube (options: FakeYouTubeOptions = {}) {
  const now = options.now ?? Date.now
  const threads: FakeYouTubeThread[] = []
  const byId = new Map<string, FakeYouTubeThread>()
  const omitted = new Map<string, string[]>()
  const requests: FakeYouTubeRequest[] = []
  const faults: Array<FakeYouTubeFault | undefined> = []
  const pageTokens = new Map<string, { channelId: string, publishedAt: string, seq: number }>()
  const replyTokens = new Map<string, { parentId: string, start: number }>()
  const usage = new Map<string, number>()
  let dailyQuota = options.dailyQuota ?? 10_000
  const previewCount = options.replyPreviewCount ?? 5
  let seq = 0

  function newId (prefix: string): string {
    return `${prefix}${randomBytes(12).toString('base64url')}`
  }

  function comment (id: string, channelId: string, videoId: string, text: string, author: FakeYouTubeAuthor, publishedAt: number, likeCount: number, parentId?: string): FakeYouTubeComment {
    const at = iso(publishedAt)
    return {
      kind: 'youtube#comment',
      etag: randomBytes(8).toString('base64url'),
      id,
      snippet: {
        channelId,
        videoId,
        textDisplay: text,
        textOriginal: text,
        authorDisplayName: author.displayName,
        authorProfileImageUrl: 'https://yt3.ggpht.example/default.jpg',
        authorChannelUrl: `http://www.youtube.com/${author.displayName}`,
        authorChannelId: { value: author.channelId },
        canRate: true,
        viewerRating: 'none',
        likeCount,
        publishedAt: at,
        updatedAt: at,
        ...(parentId === undefined ? {} : { parentId }),
      },
    }
  }

  function addThread (input: AddThreadInput): FakeYouTubeThread {
    const id = newId('Ugz')
    const thread: FakeYouTubeThread = {
      id,
      videoId: input.videoId,
      channelId: input.channelId,
      topLevelComment: comment(id, input.channelId, input.videoId, input.text, input.author, input.publishedAt ?? now(), input.likeCount ?? 0),
      replies: [],
      seq: seq++,
    }
    threads.push(thread)
    byId.set(id, thread)
    if (input.omit !== undefined) omitted.set(id, input.omit)
    return thread
  }

  function addReply (input: AddReplyInput): FakeYouTubeComment {
    const thread = byId.get(input.threadId)
    if (thread === undefined) throw new Error(`fake YouTube: no thread ${input.threadId}`)
    const reply = comment(`${thread.id}.${randomBytes(9).toString('base64url')}`, thread.channelId, thread.videoId, input.text, input.author, input.publishedAt ?? now(), 0, thread.id)
    thread.replies.push(reply)
    if (input.omit !== undefined) omitted.set(reply.id, input.omit)
    return reply
  }

  function render (item: FakeYouTubeComment): object {
    const snippet: Record<string, unknown> = { ...item.snippet }
    for (const field of omitted.get(item.id) ?? []) Reflect.deleteProperty(snippet, field)
    return { ...item, snippet }
  }

  function newestFirst (a: FakeYouTubeThread, b: FakeYouTubeThread): number {
    const byTime = b.topLevelComment.snippet.publishedAt.localeCompare(a.topLevelComment.snippet.publishedAt)
    return byTime !== 0 ? byTime : b.seq - a.seq
  }

  function list (query: Record<string, string>): [number, object] {
    const channelId = query.allThreadsRelatedToChannelId
    const filters = ['allThreadsRelatedToChannelId', 'videoId', 'id'].filter((name) => query[name] !== undefined)
    if (filters.length !== 1 || channelId === undefined) {
      return [400, googleError(400, 'missingRequiredParameter', 'No filter selected. Expected one of: allThreadsRelatedToChannelId, videoId, id', 'youtube.parameter')]
    }
    const parts = new Set((query.part ?? '').split(','))
    if (!parts.has('snippet') && !parts.has('id') && !parts.has('replies')) return [400, googleError(400, 'missingRequiredParameter', 'No part selected', 'youtube.parameter')]
    const maxResults = query.maxResults === undefined ? 20 : Number(query.maxResults)
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
      return [400, googleError(400, 'invalidParameter', `Invalid value for maxResults: ${query.maxResults ?? ''}`, 'youtube.parameter')]
    }
    let candidates = threads.filter((t) => t.channelId === channelId).sort(newestFirst)
    if (query.pageToken !== undefined) {
      const position = pageTokens.get(query.pageToken)
      if (position === undefined || position.channelId !== channelId) {
        return [400, googleError(400, 'invalidPageToken', 'The request specifies an invalid page token.')]
      }
      candidates = candidates.filter((t) => {
        const byTime = t.topLevelComment.snippet.publishedAt.localeCompare(position.publishedAt)
        return byTime < 0 || (byTime === 0 && t.seq < position.seq)
      })
    }
    const page = candidates.slice(0, maxResults)
    const last = page[page.length - 1]
    let nextPageToken: string | undefined
    if (candidates.length > maxResults && last !== undefined) {
      nextPageToken = randomBytes(18).toString('base64url')
      pageTokens.set(nextPageToken, { channelId, publishedAt: last.topLevelComment.snippet.publishedAt, seq: last.seq })
    }
    return [200, {
      kind: 'youtube#commentThreadListResponse',
      etag: randomBytes(8).toString('base64url'),
      ...(nextPageToken === undefined ? {} : { nextPageToken }),
      pageInfo: { totalResults: page.length, resultsPerPage: maxResults },
      items: page.map((thread) => ({
        kind: 'youtube#commentThread',
        etag: randomBytes(8).toString('base64url'),
        id: thread.id,
        snippet: {
          channelId: thread.channelId,
          videoId: thread.videoId,
          topLevelComment: render(thread.topLevelComment),
          canReply: true,
          totalReplyCount: thread.replies.length,
          isPublic: true,
        },
        ...(parts.has('replies') && thread.replies.length > 0 ? { replies: { comments: thread.replies.slice(0, previewCount).map(render) } } : {}),
      })),
    }]
  }

  /** comments.list with parentId: every reply of one thread, oldest first, paged by an opaque token. */
  function listReplies (query: Record<string, string>): [number, object] {
    const parentId = query.parentId
    if (parentId === undefined && query.id === undefined) {
      return [400, googleError(400, 'missingRequiredParameter', 'No filter selected. Expected one of: id, parentId', 'youtube.parameter')]
    }
    const maxResults = query.maxResults === undefined ? 20 : Number(query.maxResults)
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
      return [400, googleError(400, 'invalidParameter', `Invalid value for maxResults: ${query.maxResults ?? ''}`, 'youtube.parameter')]
    }
    const thread = byId.get(parentId ?? '')
    if (thread === undefined) return [404, googleError(404, 'commentNotFound', 'The comment identified by the parentId parameter could not be found.', 'youtube.comment')]
    let start = 0
    if (query.pageToken !== undefined) {
      const position = replyTokens.get(query.pageToken)
      if (position === undefined || position.parentId !== thread.id) return [400, googleError(400, 'invalidPageToken', 'The request specifies an invalid page token.', 'youtube.comment')]
      start = position.start
    }
    const page = thread.replies.slice(start, start + maxResults)
    let nextPageToken: string | undefined
    if (start + maxResults < thread.replies.length) {
      nextPageToken = randomBytes(18).toString('base64url')
      replyTokens.set(nextPageToken, { parentId: thread.id, start: start + maxResults })
    }
    return [200, {
      kind: 'youtube#commentListResponse',
      etag: randomBytes(8).toString('base64url'),
      ...(nextPageToken === undefined ? {} : { nextPageToken }),
      pageInfo: { totalResults: page.length, resultsPerPage: maxResults },
      items: page.map(render),
    }]
  }

  function handle (req: IncomingMessage, res: ServerResponse): void {
    const at = now()
    const url = new URL(req.url ?? '/', 'http://fake-youtube.invalid')
    const entry: FakeYouTubeRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0, cost: 0, at }
    requests.push(entry)
    const resource = url.pathname === '/youtube/v3/commentThreads' ? 'commentThreads' : url.pathname === '/youtube/v3/comments' ? 'comments' : undefined
    if (resource !== undefined) entry.resource = resource
    if (entry.method !== 'GET' || resource === undefined) {
      entry.status = 404
      return send(res, 404, googleError(404, 'notFound', `no route ${entry.method} ${url.pathname}`, 'global'))
    }
    if (options.apiKey !== undefined && entry.query.key !== options.apiKey) {
      entry.status = 400
      return send(res, 400, googleError(400, 'keyInvalid', 'API key not valid. Please pass a valid API key.', 'usageLimits'))
    }
    const fault = faults.shift()
    entry.fault = fault?.kind
    if (fault?.kind === 'socket') {
      req.socket.destroy()
      return
    }
    const day = pacificDate.format(at)
    const used = usage.get(day) ?? 0
    if (fault?.kind === 'quota' || used >= dailyQuota) {
      entry.status = 403
      return send(res, 403, googleError(403, 'quotaExceeded', 'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.', 'youtube.quota'))
    }
    entry.cost = 1
    usage.set(day, used + 1)
    if (fault?.kind === 'rate-limit') {
      entry.status = 403
      return send(res, 403, googleError(403, 'rateLimitExceeded', 'The request cannot be completed because you have exceeded your rate limit.', 'youtube.quota'))
    }
    if (fault?.kind === 'unavailable') {
      entry.status = fault.status ?? 503
      return send(res, entry.status, googleError(entry.status, 'backendError', 'Backend Error', 'global'))
    }
    const [status, body] = resource === 'commentThreads' ? list(entry.query) : listReplies(entry.query)
    entry.status = status
    if (fault?.kind === 'malformed-json') return send(res, status, JSON.stringify(body).slice(0, 60))
    send(res, status, body)
  }

  const server = createServer((req, res) => {
    try {
      handle(req, res)
    } catch (err) {
      if (!res.headersSent) send(res, 500, googleError(500, 'backendError', String(err), 'global'))
      else res.destroy()
    }
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
    addThread,
    addReply,
    thread: (id: string): FakeYouTubeThread | undefined => byId.get(id),
    /** Every request in arrival order, with its time (the fake's clock), status, cost and any fault applied. */
    requests: (): FakeYouTubeRequest[] => [...requests],
    /** Units charged on the Pacific day of `at` (default now). */
    unitsUsed: (at = now()): number => usage.get(pacificDate.format(at)) ?? 0,
    /** The next `times` requests get this fault; `after` lets that many pass first. */
    failNext (fault: FakeYouTubeFault, times = 1, { after = 0 }: { after?: number } = {}): void {
      for (let i = 0; i < after; i++) faults.push(undefined)
      for (let i = 0; i < times; i++) faults.push(fault)
    },
    setDailyQuota (units: number): void {
      dailyQuota = units
    },
  }

  return {
    /** The API root: requests go to `<url>/youtube/v3/...`. */
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

export type FakeYouTube = Awaited<ReturnType<typeof startFakeYouTube>>
export type FakeYouTubeState = FakeYouTube['state']
