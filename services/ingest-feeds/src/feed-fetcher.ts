import { lookup as dnsLookup } from 'node:dns/promises'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import { pipeline, type Readable } from 'node:stream'
import { TextDecoder } from 'node:util'
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'
import { RateLimitedError, SourceRejectedError, SourceUnavailableError } from '@earshot/ingest'
import { refusedRange } from './address-policy.js'

export interface ResolvedAddress {
  address: string
  family: number
}

/** Every address a host name resolves to (dns.lookup with `all`), so none can slip past the check. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>

export interface FeedFetcherOptions {
  /** Host names (or IP literals) that may resolve to loopback/private addresses: tests and deliberate internal feeds only. */
  allowedHosts: readonly string[]
  timeoutMs: number
  maxBodyBytes: number
  maxRedirects: number
  userAgent: string
  resolve?: ResolveHost
  now?: () => number
}

export interface FeedRequest {
  url: string
  /** Sent verbatim as If-None-Match (quotes and W/ included). */
  etag?: string
  /** Sent verbatim as If-Modified-Since. */
  lastModified?: string
  signal: AbortSignal
}

interface FeedResponseBase {
  /** Where the last hop landed. */
  finalUrl: string
  /** Set when every redirect on the way was permanent (301/308): the URL to request from now on. */
  movedTo?: string
  /** Cache-Control max-age of the answer, in ms. */
  maxAgeMs?: number
}

export type FeedResponse =
  | FeedResponseBase & { status: 'not_modified' }
  | FeedResponseBase & { status: 'ok', body: string, etag?: string, lastModified?: string }

/** The URL (or a redirect on the way) leads to an address feeds may not reach: never retried until the source is fixed. */
export class AddressRefusedError extends SourceRejectedError {
  readonly address: string
  readonly range: string
  constructor (message: string, address: string, range: string) {
    super(message)
    this.address = address
    this.range = range
  }
}

const defaultResolve: ResolveHost = async (hostname) => await dnsLookup(hostname, { all: true, verbatim: true })

const permanent = new Set([301, 308])
const redirects = new Set([301, 302, 303, 307, 308])
const maxRetryAfterMs = 60 * 60_000

function header (res: IncomingMessage, name: string): string | undefined {
  const value = res.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** Retry-After as seconds or an HTTP-date, as epoch ms; capped at an hour so a silly value cannot park a source. */
function retryAfter (value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined
  const at = /^\d+$/.test(value.trim()) ? now + Number(value.trim()) * 1000 : Date.parse(value)
  if (!Number.isFinite(at)) return undefined
  return Math.min(Math.max(at, now + 1000), now + maxRetryAfterMs)
}

function maxAge (cacheControl: string | undefined): number | undefined {
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl ?? '')
  return match === null ? undefined : Number(match[1]) * 1000
}

/** The charset of the body: Content-Type first, then a byte order mark, then the XML declaration, else UTF-8. */
export function decodeBody (bytes: Buffer, contentType: string | undefined): string {
  let label = /charset\s*=\s*"?([A-Za-z0-9._:-]+)"?/i.exec(contentType ?? '')?.[1]
  if (bytes[0] === 0xfe && bytes[1] === 0xff) label = 'utf-16be'
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) label = 'utf-16le'
  label ??= /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(bytes.subarray(0, 256).toString('latin1'))?.[1]
  let decoder: TextDecoder
  try {
    decoder = new TextDecoder(label ?? 'utf-8')
  } catch {
    decoder = new TextDecoder('utf-8')
  }
  return decoder.decode(bytes)
}

function decompressor (encoding: string | undefined): NodeJS.ReadWriteStream | undefined | 'unsupported' {
  switch ((encoding ?? 'identity').trim().toLowerCase()) {
    case 'identity': case '': return undefined
    case 'gzip': case 'x-gzip': return createGunzip()
    case 'deflate': return createInflate()
    case 'br': return createBrotliDecompress()
    default: return 'unsupported'
  }
}

/**
 * HTTP GET for tenant-supplied feed URLs, built against SSRF (OWASP API7): each hop's host is
 * resolved, every address it resolves to is checked by `refusedRange` (unless the host is
 * allow-listed), and the connection goes to the address that was checked (a pinned `lookup`),
 * so a DNS answer that changes between check and connect cannot redirect it. Redirects are
 * followed by hand, at most `maxRedirects`, each hop checked again. Conditional GET with the
 * stored validators; the body (after decompression) is capped and the whole exchange has a deadline.
 */
export function createFeedFetcher (options: FeedFetcherOptions) {
  const resolve = options.resolve ?? defaultResolve
  const now = options.now ?? Date.now
  const allowed = new Set(options.allowedHosts.map((host) => host.toLowerCase().replace(/^\[|\]$/g, '')))

  async function checkedAddress (url: URL): Promise<ResolvedAddress> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new SourceRejectedError(`refusing to fetch ${url.href}: only http and https feed URLs are allowed`)
    }
    if (url.username !== '' || url.password !== '') throw new SourceRejectedError(`refusing to fetch ${url.origin}: credentials in feed URLs are not allowed`)
    const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '')
    let addresses: ResolvedAddress[]
    try {
      addresses = await resolve(host)
    } catch (err) {
      throw new SourceUnavailableError(`cannot resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, err)
    }
    const first = addresses[0]
    if (first === undefined) throw new SourceUnavailableError(`${host} resolved to no address`)
    if (allowed.has(host)) return first
    for (const { address } of addresses) {
      const range = refusedRange(address)
      if (range !== undefined) {
        throw new AddressRefusedError(
          `refusing to fetch ${url.origin}: ${host} resolves to ${address}, a ${range} address; feeds must be on public addresses ` +
          '(list the host in FEEDS_ALLOWED_HOSTS only for a deliberate internal feed)', address, range)
      }
    }
    return first
  }

  async function send (url: URL, target: ResolvedAddress, request: FeedRequest, signal: AbortSignal): Promise<IncomingMessage> {
    const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
      if (lookupOptions.all === true) callback(null, [{ address: target.address, family: target.family }])
      else callback(null, target.address, target.family)
    }
    const headers: Record<string, string> = {
      'user-agent': options.userAgent,
      accept: 'application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
      'accept-encoding': 'gzip, deflate, br',
    }
    if (request.etag !== undefined) headers['if-none-match'] = request.etag
    if (request.lastModified !== undefined) headers['if-modified-since'] = request.lastModified
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    return await new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, { method: 'GET', headers, lookup: pinned, agent: false, signal }, resolve)
      req.on('error', reject)
      req.end()
    })
  }

  async function readBody (res: IncomingMessage, url: URL): Promise<Buffer> {
    const declared = Number(header(res, 'content-length'))
    const encoding = header(res, 'content-encoding')
    if (Number.isFinite(declared) && declared > options.maxBodyBytes && encoding === undefined) {
      res.destroy()
      throw new SourceRejectedError(`${url.origin}${url.pathname} is ${declared} bytes; FEEDS_MAX_BODY_BYTES allows ${options.maxBodyBytes}`)
    }
    const inflate = decompressor(encoding)
    if (inflate === 'unsupported') {
      res.destroy()
      throw new SourceRejectedError(`${url.origin}${url.pathname} answered with an unsupported Content-Encoding ${encoding ?? ''}`)
    }
    const stream: Readable = inflate === undefined ? res : pipeline(res, inflate, () => {}) as unknown as Readable
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of stream) {
      const buffer = chunk as Buffer
      size += buffer.length
      if (size > options.maxBodyBytes) {
        res.destroy()
        throw new SourceRejectedError(`${url.origin}${url.pathname} is larger than FEEDS_MAX_BODY_BYTES (${options.maxBodyBytes} bytes)`)
      }
      chunks.push(buffer)
    }
    return Buffer.concat(chunks)
  }

  async function fetchFeed (request: FeedRequest): Promise<FeedResponse> {
    const timeout = AbortSignal.timeout(options.timeoutMs)
    const signal = AbortSignal.any([request.signal, timeout])
    let url: URL
    try {
      url = new URL(request.url)
    } catch (err) {
      throw new SourceRejectedError(`not a URL: ${request.url}`, undefined, err)
    }
    let movedTo: string | undefined
    let allPermanent = true
    try {
      for (let hop = 0; ; hop++) {
        const target = await checkedAddress(url)
        const res = await send(url, target, request, signal)
        const status = res.statusCode ?? 0
        const base = { finalUrl: url.href, ...(movedTo === undefined ? {} : { movedTo }) }
        const cacheFor = maxAge(header(res, 'cache-control'))
        if (redirects.has(status)) {
          res.resume()
          const location = header(res, 'location')
          if (location === undefined) throw new SourceUnavailableError(`${url.href} answered ${status} without a Location`)
          if (hop >= options.maxRedirects) throw new SourceRejectedError(`${request.url} redirects more than ${options.maxRedirects} times`, status)
          url = new URL(location, url)
          allPermanent &&= permanent.has(status)
          if (allPermanent) movedTo = url.href
          continue
        }
        if (status === 304) {
          res.resume()
          return { status: 'not_modified', ...base, ...(cacheFor === undefined ? {} : { maxAgeMs: cacheFor }) }
        }
        if (status === 200 || status === 203) {
          const body = decodeBody(await readBody(res, url), header(res, 'content-type'))
          const etag = header(res, 'etag')
          const lastModified = header(res, 'last-modified')
          return {
            status: 'ok',
            ...base,
            body,
            ...(etag === undefined ? {} : { etag }),
            ...(lastModified === undefined ? {} : { lastModified }),
            ...(cacheFor === undefined ? {} : { maxAgeMs: cacheFor }),
          }
        }
        res.resume()
        const wait = retryAfter(header(res, 'retry-after'), now())
        if (status === 429 || (status === 503 && wait !== undefined)) {
          throw new RateLimitedError(wait ?? now() + 60_000, `${url.origin}${url.pathname} answered ${status}; retry after ${new Date(wait ?? now() + 60_000).toISOString()}`)
        }
        if (status >= 500 || status === 408 || (status >= 200 && status < 300)) throw new SourceUnavailableError(`${url.origin}${url.pathname} answered ${status}`)
        throw new SourceRejectedError(`${url.origin}${url.pathname} answered ${status}`, status)
      }
    } catch (err) {
      if (err instanceof RateLimitedError || err instanceof SourceRejectedError || err instanceof SourceUnavailableError) throw err
      if (timeout.aborted) throw new SourceUnavailableError(`${url.href} did not answer within ${options.timeoutMs} ms`, err)
      if (request.signal.aborted) throw new SourceUnavailableError('feed request aborted: the service is stopping', err)
      const code = (err as NodeJS.ErrnoException).code
      throw new SourceUnavailableError(`request to ${url.origin}${url.pathname} failed: ${code ?? (err as Error).message}`, err)
    }
  }

  return { fetchFeed }
}

export type FeedFetcher = ReturnType<typeof createFeedFetcher>
