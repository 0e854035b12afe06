import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { decodeEntities, htmlToText, tidy } from './html-text.js'

export interface FeedAuthor {
  name?: string
  email?: string
  uri?: string
}

/** One RSS item or Atom entry, reduced to what normalising needs; text fields are already plain text. */
export interface FeedEntry {
  /** RSS guid / Atom id. */
  id?: string
  link?: string
  title?: string
  /** content:encoded, Atom content, else description / summary, as plain text. */
  body?: string
  published?: string
  updated?: string
  author?: FeedAuthor
  /** RSS `comments`: the page where the item is discussed. */
  commentsUrl?: string
  /** Atom threading (RFC 4685) `thr:in-reply-to`. */
  inReplyTo?: { ref: string, href?: string }
}

export type ParsedFeed =
  | { ok: true, format: 'rss' | 'atom', title?: string, entries: Array<FeedEntry | { malformed: string }> }
  | { ok: false, reason: string }

type Node = Record<string, unknown>

function isNode (value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function first (value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value
}

/** Text of an element parsed normally (entities decoded, CDATA merged), whether or not it had attributes. */
function text (value: unknown): string | undefined {
  const node = first(value)
  const raw = isNode(node) ? node['#text'] : node
  if (typeof raw === 'string') return raw.trim() === '' ? undefined : raw.trim()
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw)
  return undefined
}

function attribute (value: unknown, name: string): string | undefined {
  const node = first(value)
  const raw = isNode(node) ? node[`@${name}`] : undefined
  return typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined
}

/** Raw XML of an Atom text construct (kept unparsed as a stop node): CDATA taken verbatim, the rest XML-unescaped. */
function xmlUnescape (raw: string): string {
  let out = ''
  let i = 0
  while (i < raw.length) {
    const start = raw.indexOf('<![CDATA[', i)
    if (start === -1) {
      out += decodeXmlEntities(raw.slice(i))
      break
    }
    out += decodeXmlEntities(raw.slice(i, start))
    const end = raw.indexOf(']]>', start + 9)
    out += raw.slice(start + 9, end === -1 ? raw.length : end)
    i = end === -1 ? raw.length : end + 3
  }
  return out
}

function decodeXmlEntities (text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g, (whole) => decodeEntities(whole))
}

/** An Atom text construct (title, summary, content) as plain text, by its `type`: text, html or xhtml. */
function atomText (value: unknown): string | undefined {
  const node = first(value)
  const raw = isNode(node) ? node['#text'] : node
  if (typeof raw !== 'string') return undefined
  const type = (attribute(node, 'type') ?? 'text').toLowerCase()
  const plain = type === 'xhtml' || type.endsWith('xhtml+xml')
    ? htmlToText(raw)
    : type === 'html' || type === 'text/html'
      ? htmlToText(xmlUnescape(raw))
      : tidy(xmlUnescape(raw))
  return plain === '' ? undefined : plain
}

function htmlText (value: unknown): string | undefined {
  const raw = text(value)
  if (raw === undefined) return undefined
  const plain = htmlToText(raw)
  return plain === '' ? undefined : plain
}

/** RSS `author` is an email address, often "jo@example.com (Jo Bloggs)". */
function rssAuthor (item: Node): FeedAuthor | undefined {
  const creator = text(item['dc:creator'])
  const author = text(item.author)
  if (creator === undefined && author === undefined) return undefined
  const match = author === undefined ? null : /^\s*([^\s()]+@[^\s()]+)\s*(?:\((.*)\))?\s*$/.exec(author)
  const email = match?.[1]
  const name = creator ?? match?.[2] ?? (match === null ? author : undefined)
  return { ...(name === undefined || name === '' ? {} : { name: decodeEntities(name) }), ...(email === undefined ? {} : { email }) }
}

function atomAuthor (value: unknown): FeedAuthor | undefined {
  const node = first(value)
  if (!isNode(node)) return undefined
  const name = text(node.name)
  const email = text(node.email)
  const uri = text(node.uri)
  if (name === undefined && email === undefined && uri === undefined) return undefined
  return { ...(name === undefined ? {} : { name }), ...(email === undefined ? {} : { email }), ...(uri === undefined ? {} : { uri }) }
}

function atomLink (value: unknown, rel: string): string | undefined {
  const links = Array.isArray(value) ? value : [value]
  for (const link of links) {
    if (!isNode(link)) continue
    const linkRel = attribute(link, 'rel') ?? 'alternate'
    if (linkRel === rel) return attribute(link, 'href')
  }
  return undefined
}

function rssItem (item: unknown): FeedEntry | { malformed: string } {
  if (!isNode(item)) return { malformed: 'item is empty or not an element' }
  const guid = text(item.guid)
  const link = text(item.link)
  const author = rssAuthor(item)
  const entry: FeedEntry = {
    ...(guid === undefined ? {} : { id: guid }),
    ...(link === undefined ? {} : { link }),
  }
  const title = htmlText(item.title)
  const body = htmlText(item['content:encoded']) ?? htmlText(item.description)
  const published = text(item.pubDate) ?? text(item['dc:date'])
  const comments = text(item.comments)
  return {
    ...entry,
    ...(title === undefined ? {} : { title }),
    ...(body === undefined ? {} : { body }),
    ...(published === undefined ? {} : { published }),
    ...(author === undefined ? {} : { author }),
    ...(comments === undefined ? {} : { commentsUrl: comments }),
  }
}

function atomEntry (entry: unknown, feedAuthor: FeedAuthor | undefined): FeedEntry | { malformed: string } {
  if (!isNode(entry)) return { malformed: 'entry is empty or not an element' }
  const id = text(entry.id)
  const link = atomLink(entry.link, 'alternate')
  const title = atomText(entry.title)
  const body = atomText(entry.content) ?? atomText(entry.summary)
  const published = text(entry.published)
  const updated = text(entry.updated)
  const author = atomAuthor(entry.author) ?? feedAuthor
  const replyTo = first(entry['thr:in-reply-to'])
  const ref = attribute(replyTo, 'ref')
  const href = attribute(replyTo, 'href')
  return {
    ...(id === undefined ? {} : { id }),
    ...(link === undefined ? {} : { link }),
    ...(title === undefined ? {} : { title }),
    ...(body === undefined ? {} : { body }),
    ...(published === undefined ? {} : { published }),
    ...(updated === undefined ? {} : { updated }),
    ...(author === undefined ? {} : { author }),
    ...(ref === undefined ? {} : { inReplyTo: { ref, ...(href === undefined ? {} : { href }) } }),
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  // Atom text constructs are kept as raw markup and read by their `type` (text, html, xhtml).
  stopNodes: ['feed.entry.title', 'feed.entry.summary', 'feed.entry.content'],
  // No DOCTYPE entity expansion at all (billion laughs); the five XML entities and character references still decode.
  processEntities: { enabled: true, maxEntityCount: 0 },
  maxNestedTags: 64,
})

/**
 * An RSS 2.0 or Atom 1.0 document, parsed without fetching anything it references (fast-xml-parser
 * never resolves external entities; internal DOCTYPE entities are not expanded). A document that
 * is not well-formed, or is neither RSS nor Atom, is `ok: false`; an item that cannot be read is
 * listed as `{ malformed }` while the others go on.
 */
export function parseFeed (xml: string): ParsedFeed {
  const valid = XMLValidator.validate(xml)
  if (valid !== true) return { ok: false, reason: `not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})` }
  let document: unknown
  try {
    document = parser.parse(xml)
  } catch (err) {
    return { ok: false, reason: `cannot parse the feed: ${(err as Error).message}` }
  }
  if (!isNode(document)) return { ok: false, reason: 'empty document' }
  if (isNode(document.rss)) {
    const channel = first(document.rss.channel)
    if (!isNode(channel)) return { ok: false, reason: 'RSS document without a channel' }
    const items = channel.item === undefined ? [] : Array.isArray(channel.item) ? channel.item : [channel.item]
    const title = htmlText(channel.title)
    return { ok: true, format: 'rss', ...(title === undefined ? {} : { title }), entries: items.map(rssItem) }
  }
  if (isNode(document.feed)) {
    const feed = document.feed
    const entries = feed.entry === undefined ? [] : Array.isArray(feed.entry) ? feed.entry : [feed.entry]
    const title = text(feed.title)
    const feedAuthor = atomAuthor(feed.author)
    return { ok: true, format: 'atom', ...(title === undefined ? {} : { title: decodeEntities(title) }), entries: entries.map((e) => atomEntry(e, feedAuthor)) }
  }
  if (document.rss !== undefined || document.feed !== undefined) return { ok: false, reason: 'feed root element is empty' }
  return { ok: false, reason: `neither RSS 2.0 (<rss>) nor Atom (<feed>): root is <${Object.keys(document).filter((k) => !k.startsWith('?')).join(', ') || 'nothing'}>` }
}
