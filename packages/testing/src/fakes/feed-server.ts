import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'

export type FakeFeedFormat = 'rss' | 'atom'

export interface FakeFeedOptions {
  format: FakeFeedFormat
  title?: string
  /** How many of the newest items the document lists (feeds are a window, not an archive). Default 50. */
  limit?: number
  /** Send ETag and honour If-None-Match (default true). */
  etag?: boolean
  /** Send Last-Modified and honour If-Modified-Since (default true). */
  lastModified?: boolean
  /** Send `Cache-Control: max-age=<seconds>`. */
  maxAgeSeconds?: number
  /** Gzip the body when the client accepts it. */
  gzip?: boolean
}

export interface FakeFeedItemInput {
  title: string
  /** HTML; RSS puts it in CDATA `description`, Atom in `content type="html"`. */
  html?: string
  /** Default: `tag:<host>,2026:<path>:<n>` (Atom id / RSS guid, isPermaLink="false"). */
  id?: string
  /** Default: `<server>/t/<n>`. */
  link?: string
  author?: string
  /** Default: now; later items should be later, as on a forum. */
  publishedAt?: string
  /** Atom threading (RFC 4685) / the RSS `comments` page of the thread. */
  inReplyTo?: { ref: string, href?: string }
  comments?: string
}

export interface FakeFeedItem extends Required<Pick<FakeFeedItemInput, 'title' | 'id' | 'link' | 'publishedAt'>> {
  html?: string
  author?: string
  inReplyTo?: { ref: string, href?: string }
  comments?: string
  /** Verbatim XML for the item (malformed items). */
  rawXml?: string
}

export type FakeFeedFault =
  /** A 5xx, with Retry-After (seconds) when given. */
  | { kind: 'unavailable', status?: number, retryAfterSeconds?: number }
  /** 429 with Retry-After. */
  | { kind: 'rate-limit', retryAfterSeconds: number }
  /** The socket is destroyed before any response. */
  | { kind: 'socket' }
  /** Headers and half the body, then the socket is destroyed. */
  | { kind: 'drop-mid-body' }
  /** 200 with the document cut off in the middle (not well-formed XML), new validators included. */
  | { kind: 'malformed-xml' }
  /** 200 with an HTML page instead of a feed. */
  | { kind: 'not-a-feed' }
  /** The body is sent `chunkBytes` at a time every `intervalMs` (a slow server; the client's deadline may fire). */
  | { kind: 'slow', chunkBytes: number, intervalMs: number }
  /** The body is padded with an XML comment to at least this many bytes. */
  | { kind: 'oversized', bytes: number }

export interface FakeFeedRequest {
  path: string
  ifNoneMatch?: string
  ifModifiedSince?: string
  host?: string
  userAgent?: string
  acceptEncoding?: string
  status: number
  fault?: FakeFeedFault['kind']
  /** Epoch ms when the request arrived. */
  at: number
}

interface Feed {
  options: FakeFeedOptions
  items: FakeFeedItem[]
  version: number
  modifiedAt: number
  counter: number
}

function escapeXml (text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c)
}

function cdata (text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`
}

function rssItem (item: FakeFeedItem): string {
  if (item.rawXml !== undefined) return item.rawXml
  const global = /^[a-z][a-z0-9+.-]*:/i.test(item.id) && !item.id.startsWith('tag:')
  return '<item>' +
    `<title>${escapeXml(item.title)}</title><link>${escapeXml(item.link)}</link>` +
    `<guid isPermaLink="${global ? 'true' : 'false'}">${escapeXml(item.id)}</guid>` +
    (item.html === undefined ? '' : `<description>${cdata(item.html)}</description>`) +
    `<pubDate>${new Date(item.publishedAt).toUTCString()}</pubDate>` +
    (item.author === undefined ? '' : `<dc:creator>${escapeXml(item.author)}</dc:creator>`) +
    (item.comments === undefined ? '' : `<comments>${escapeXml(item.comments)}</comments>`) +
    '</item>'
}

function atomEntry (item: FakeFeedItem): string {
  if (item.rawXml !== undefined) return item.rawXml
  return '<entry>' +
    `<title>${escapeXml(item.title)}</title><id>${escapeXml(item.id)}</id><link href="${escapeXml(item.link)}"/>` +
    `<published>${item.publishedAt}</published><updated>${item.publishedAt}</updated>` +
    (item.author === undefined ? '' : `<author><name>${escapeXml(item.author)}</name></author>`) +
    (item.html === undefined ? '' : `<content type="html">${escapeXml(item.html)}</content>`) +
    (item.inReplyTo === undefined
      ? ''
      : `<thr:in-reply-to ref="${escapeXml(item.inReplyTo.ref)}"${item.inReplyTo.href === undefined ? '' : ` href="${escapeXml(item.inReplyTo.href)}"`}/>`) +
    '</entry>'
}

/**
 * A local RSS 2.0 / Atom 1.0 server for tests: feeds at paths, items added over time (newest first,
 * a window of the latest `limit`), ETag and Last-Modified with 304 answers (If-None-Match takes
 * precedence, as RFC 9110 says), redirects, and scripted faults for the next requests: 5xx, 429,
 * dropped connections, truncated XML, HTML instead of a feed, slow and oversized bodies. Malformed
 * items can be inserted as raw XML.
 */
export async function startFakeFeedServer (options: { port?: number } = {}) {
  const feeds = new Map<string, Feed>()
  const redirects = new Map<string, { to: string, status: number }>()
  const requests: FakeFeedRequest[] = []
  const faults: Array<FakeFeedFault | undefined> = []
  let origin = ''

  function feed (path: string): Feed {
    const found = feeds.get(path)
    if (found === undefined) throw new Error(`fake feeds: no feed at ${path}; addFeed first`)
    return found
  }

  function touch (target: Feed): void {
    target.version++
    // Last-Modified has one-second resolution: keep it moving forward so If-Modified-Since alone stays correct.
    target.modifiedAt = Math.max(Math.floor(Date.now() / 1000) * 1000, target.modifiedAt + 1000)
  }

  function document (path: string, target: Feed): string {
    const shown = target.items.slice(-(target.options.limit ?? 50)).reverse()
    const title = escapeXml(target.options.title ?? `Fake feed ${path}`)
    if (target.options.format === 'rss') {
      return '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">' +
        `<channel><title>${title}</title><link>${origin}/</link><description>fake</description>` +
        `<lastBuildDate>${new Date(target.modifiedAt).toUTCString()}</lastBuildDate>${shown.map(rssItem).join('\n')}</channel></rss>\n`
    }
    return '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">' +
      `<title>${title}</title><id>${escapeXml(origin + path)}</id><updated>${new Date(target.modifiedAt).toISOString()}</updated>` +
      `<link rel="self" href="${escapeXml(origin + path)}"/>${shown.map(atomEntry).join('\n')}</feed>\n`
  }

  function header (req: IncomingMessage, name: string): string | undefined {
    const value = req.headers[name]
    return Array.isArray(value) ? value[0] : value
  }

  function notModified (req: IncomingMessage, target: Feed, etag: string | undefined, lastModified: string | undefined): boolean {
    const inm = header(req, 'if-none-match')
    if (inm !== undefined) {
      if (etag === undefined) return false
      const weak = (tag: string): string => tag.trim().replace(/^W\//, '')
      return inm.trim() === '*' || inm.split(',').some((tag) => weak(tag) === weak(etag))
    }
    const ims = header(req, 'if-modified-since')
    if (ims === undefined || lastModified === undefined) return false
    const since = Date.parse(ims)
    return Number.isFinite(since) && target.modifiedAt <= since
  }

  async function writeSlowly (res: ServerResponse, body: Buffer, chunkBytes: number, intervalMs: number): Promise<void> {
    for (let i = 0; i < body.length; i += chunkBytes) {
      if (res.destroyed) return
      res.write(body.subarray(i, i + chunkBytes))
      await new Promise((resolve) => setTimeout(resolve, intervalMs))
    }
    res.end()
  }

  async function handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake-feeds.invalid')
    const path = url.pathname
    const entry: FakeFeedRequest = {
      path,
      status: 0,
      at: Date.now(),
      ...(header(req, 'if-none-match') === undefined ? {} : { ifNoneMatch: header(req, 'if-none-match') }),
      ...(header(req, 'if-modified-since') === undefined ? {} : { ifModifiedSince: header(req, 'if-modified-since') }),
      ...(header(req, 'host') === undefined ? {} : { host: header(req, 'host') }),
      ...(header(req, 'user-agent') === undefined ? {} : { userAgent: header(req, 'user-agent') }),
      ...(header(req, 'accept-encoding') === undefined ? {} : { acceptEncoding: header(req, 'accept-encoding') }),
    }
    requests.push(entry)
    const redirect = redirects.get(path)
    if (redirect !== undefined) {
      entry.status = redirect.status
      res.writeHead(redirect.status, { location: redirect.to, 'content-length': 0 })
      res.end()
      return
    }
    const target = feeds.get(path)
    if (target === undefined) {
      entry.status = 404
      res.writeHead(404, { 'content-type': 'text/plain' })
      res.end('not found')
      return
    }
    const fault = faults.shift()
    if (fault !== undefined) entry.fault = fault.kind
    if (fault?.kind === 'socket') {
      req.socket.destroy()
      return
    }
    if (fault?.kind === 'unavailable' || fault?.kind === 'rate-limit') {
      entry.status = fault.kind === 'rate-limit' ? 429 : fault.status ?? 503
      const retryAfter = fault.kind === 'rate-limit' ? fault.retryAfterSeconds : fault.retryAfterSeconds
      res.writeHead(entry.status, { 'content-type': 'text/html', ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }) })
      res.end('<html><body>Service Unavailable</body></html>')
      return
    }
    const etag = target.options.etag === false ? undefined : `W/"v${target.version}"`
    const lastModified = target.options.lastModified === false ? undefined : new Date(target.modifiedAt).toUTCString()
    const validators: Record<string, string> = {
      ...(etag === undefined ? {} : { etag }),
      ...(lastModified === undefined ? {} : { 'last-modified': lastModified }),
      ...(target.options.maxAgeSeconds === undefined ? {} : { 'cache-control': `max-age=${target.options.maxAgeSeconds}` }),
    }
    if (fault === undefined && notModified(req, target, etag, lastModified)) {
      entry.status = 304
      res.writeHead(304, validators)
      res.end()
      return
    }
    let text = document(path, target)
    if (fault?.kind === 'malformed-xml') text = text.slice(0, Math.floor(text.length / 2))
    if (fault?.kind === 'not-a-feed') text = '<!DOCTYPE html><html><head><title>Login</title></head><body><p>Please sign in</p></body></html>'
    if (fault?.kind === 'oversized') text = text.replace('?>', `?><!--${'x'.repeat(Math.max(0, fault.bytes - text.length))}-->`)
    let body = Buffer.from(text, 'utf8')
    const headers: Record<string, string | number> = {
      'content-type': target.options.format === 'rss' ? 'application/rss+xml; charset=utf-8' : 'application/atom+xml; charset=utf-8',
      ...validators,
    }
    if (target.options.gzip === true && /\bgzip\b/.test(header(req, 'accept-encoding') ?? '')) {
      body = gzipSync(body)
      headers['content-encoding'] = 'gzip'
    }
    entry.status = 200
    if (fault?.kind === 'drop-mid-body') {
      res.writeHead(200, { ...headers, 'content-length': body.length })
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => { req.socket.destroy() })
      return
    }
    if (fault?.kind === 'slow') {
      res.writeHead(200, { ...headers, 'content-length': body.length })
      await writeSlowly(res, body, fault.chunkBytes, fault.intervalMs)
      return
    }
    res.writeHead(200, { ...headers, 'content-length': body.length })
    res.end(body)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => { res.destroy() })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  origin = `http://127.0.0.1:${port}`

  const state = {
    addFeed (path: string, feedOptions: FakeFeedOptions): void {
      feeds.set(path, { options: feedOptions, items: [], version: 1, modifiedAt: Math.floor(Date.now() / 1000) * 1000, counter: 0 })
    },
    /** Appends an item (the newest) and changes the feed's validators. */
    addItem (path: string, input: FakeFeedItemInput): FakeFeedItem {
      const target = feed(path)
      const n = ++target.counter
      const item: FakeFeedItem = {
        title: input.title,
        id: input.id ?? `tag:fake-feeds.test,2026:${path}:${n}`,
        link: input.link ?? `${origin}${path.replace(/[^a-z0-9]/gi, '-')}/t/${n}`,
        publishedAt: input.publishedAt ?? new Date().toISOString(),
        ...(input.html === undefined ? {} : { html: input.html }),
        ...(input.author === undefined ? {} : { author: input.author }),
        ...(input.inReplyTo === undefined ? {} : { inReplyTo: input.inReplyTo }),
        ...(input.comments === undefined ? {} : { comments: input.comments }),
      }
      target.items.push(item)
      touch(target)
      return item
    },
    /** Appends raw XML as an item (e.g. `<item><description>no id</description></item>`). */
    addRawItem (path: string, xml: string): void {
      const target = feed(path)
      target.counter++
      target.items.push({ title: '', id: '', link: '', publishedAt: new Date().toISOString(), rawXml: xml })
      touch(target)
    },
    items: (path: string): FakeFeedItem[] => [...feed(path).items],
    /** The ETag the feed currently answers with (whether or not it sends one). */
    etag: (path: string): string => `W/"v${feed(path).version}"`,
    /** Answers `from` with a redirect to `to` (a path on this server or any absolute URL). */
    redirect (from: string, to: string, status: 301 | 302 | 303 | 307 | 308 = 301): void {
      redirects.set(from, { to: to.startsWith('/') ? `${origin}${to}` : to, status })
    },
    removeRedirect (from: string): void {
      redirects.delete(from)
    },
    /** The next `times` feed requests get this fault, after any already queued; `after` lets that many pass first. */
    failNext (fault: FakeFeedFault, times = 1, { after = 0 }: { after?: number } = {}): void {
      for (let i = 0; i < after; i++) faults.push(undefined)
      for (let i = 0; i < times; i++) faults.push(fault)
    },
    /** Every request in arrival order, with its conditional headers, status and fault. */
    requests: (path?: string): FakeFeedRequest[] => requests.filter((r) => path === undefined || r.path === path),
  }

  return {
    url: origin,
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

export type FakeFeedServer = Awaited<ReturnType<typeof startFakeFeedServer>>
export type FakeFeedState = FakeFeedServer['state']
