import type { Logger } from '@earshot/observability'
import {
  type IngestItem, type PollingConnector, type PollPage, SourceUnavailableError,
  type StreamContext, type StreamEvent, type StreamingConnector, type StreamMalformed,
} from '@earshot/ingest'
import type { XClient } from '@earshot/platform-x'
import { ETwitterStreamEvent, type TweetStream, type TweetV2SingleStreamResult } from 'twitter-api-v2'
import { normaliseTweet, usersById } from './normalise.js'
import { createXConnector, mapXError, tweetFields, userFields } from './x-connector.js'

/** One filtered-stream rule of one source, as configured. */
export interface XStreamRule {
  value: string
  tag: string
}

/** A stream source: which tenant and source its rules feed. */
export interface XStreamSource {
  tenantId: string
  sourceId: string
  rules: XStreamRule[]
}

/**
 * The tag X stores with a rule lists every `<tenantId>/<sourceId>/<tag>` that uses the rule's value,
 * space-separated: X refuses two rules with the same value, and one app has one stream connection,
 * so tenants sharing a query share the rule and each streamed tweet is routed by its matching rules' tags.
 */
export function ruleTag (owners: ReadonlyArray<{ tenantId: string, sourceId: string, tag: string }>): string {
  return [...new Set(owners.map((o) => `${o.tenantId}/${o.sourceId}/${o.tag}`))].sort().join(' ')
}

/** The `<tenantId>/<sourceId>` keys a rule tag routes to (tags not written by ruleTag route nowhere). */
export function ownersOfTag (tag: string | undefined): Array<{ tenantId: string, sourceId: string }> {
  const owners: Array<{ tenantId: string, sourceId: string }> = []
  for (const entry of (tag ?? '').split(' ')) {
    const [tenantId, sourceId, ruleName] = entry.split('/')
    if (tenantId !== undefined && sourceId !== undefined && ruleName !== undefined && tenantId !== '' && sourceId !== '') owners.push({ tenantId, sourceId })
  }
  return owners
}

/** The rules X should hold for these sources: one per distinct value, tagged with every owner. */
export function desiredRules (sources: readonly XStreamSource[]): Array<{ value: string, tag: string }> {
  const byValue = new Map<string, Array<{ tenantId: string, sourceId: string, tag: string }>>()
  for (const source of sources) {
    for (const rule of source.rules) {
      const owners = byValue.get(rule.value) ?? []
      owners.push({ tenantId: source.tenantId, sourceId: source.sourceId, tag: rule.tag })
      byValue.set(rule.value, owners)
    }
  }
  return [...byValue.entries()].map(([value, owners]) => ({ value, tag: ruleTag(owners) }))
}

export interface RuleChanges {
  /** Ids of rules X holds that the configuration does not (or holds with another tag). */
  remove: string[]
  add: Array<{ value: string, tag: string }>
}

/** What to delete and add so X's rules equal the configuration; rules are equal when value and tag are. */
export function diffRules (current: ReadonlyArray<{ id: string, value: string, tag?: string }>, desired: ReadonlyArray<{ value: string, tag: string }>): RuleChanges {
  const wanted = new Set(desired.map((r) => `${r.tag}\n${r.value}`))
  const kept = new Set<string>()
  const remove: string[] = []
  for (const rule of current) {
    const key = `${rule.tag ?? ''}\n${rule.value}`
    if (wanted.has(key) && !kept.has(key)) kept.add(key)
    else remove.push(rule.id)
  }
  return { remove, add: desired.filter((r) => !kept.has(`${r.tag}\n${r.value}`)) }
}

/** Makes X's stream rules equal the configuration: GET them, delete the stale, add the missing. */
export async function syncStreamRules (client: XClient, sources: readonly XStreamSource[], log: Logger, now: () => number = Date.now): Promise<RuleChanges> {
  try {
    const current = await client.v2.streamRules()
    const changes = diffRules(current.data ?? [], desiredRules(sources))
    if (changes.remove.length > 0) await client.v2.updateStreamRules({ delete: { ids: changes.remove } })
    if (changes.add.length > 0) {
      const added = await client.v2.updateStreamRules({ add: changes.add })
      const invalid = (added.meta.summary as { invalid?: number }).invalid ?? 0
      if (invalid > 0) log.error({ errors: added.errors }, `X refused ${invalid} stream rule(s)`)
    }
    log.info({ removed: changes.remove.length, added: changes.add.length }, 'stream rules synced')
    return changes
  } catch (err) {
    throw mapXError(err, now())
  }
}

export interface XStreamConnectorOptions {
  client: XClient
  sources: readonly XStreamSource[]
  logger: Logger
  now?: () => number
}

/** A queue from the library's events to an async iterator; `fail`/`end` finish it after what is queued. */
function eventQueue () {
  const queued: StreamEvent[] = []
  let finished: { error: unknown } | undefined
  let wake: (() => void) | undefined
  const notify = (): void => {
    const w = wake
    wake = undefined
    w?.()
  }
  return {
    push (event: StreamEvent): void {
      if (finished !== undefined) return
      queued.push(event)
      notify()
    },
    finish (error: unknown): void {
      finished ??= { error }
      notify()
    },
    async * drain (): AsyncGenerator<StreamEvent> {
      for (;;) {
        const event = queued.shift()
        if (event !== undefined) {
          yield event
          continue
        }
        if (finished !== undefined) {
          if (finished.error !== undefined) throw finished.error
          return
        }
        await new Promise<void>((resolve) => { wake = resolve })
      }
    },
  }
}

/**
 * X's filtered stream through twitter-api-v2 with the library's reconnects and keep-alive timer
 * off (StreamRunner owns both). Syncs the rules before the first connection; each streamed tweet
 * becomes one items event with a mention per tenant/source its matching rules' tags name, cursor = the
 * tweet id. In-band errors (operational-disconnect) are kept and reported when X closes the socket.
 */
export function createXStreamConnector (options: XStreamConnectorOptions): StreamingConnector {
  const { client, sources, logger } = options
  const now = options.now ?? Date.now
  const log = logger.child({ component: 'x-stream' })
  const served = new Set(sources.map((s) => `${s.tenantId}/${s.sourceId}`))
  let rulesSynced = false

  function toEvent (line: TweetV2SingleStreamResult): StreamEvent {
    const owners = new Map<string, { tenantId: string, sourceId: string }>()
    for (const rule of line.matching_rules ?? []) {
      for (const owner of ownersOfTag(rule.tag)) {
        const key = `${owner.tenantId}/${owner.sourceId}`
        if (served.has(key)) owners.set(key, owner)
      }
    }
    const tweet: unknown = line.data
    const nativeId = typeof line.data?.id === 'string' ? line.data.id : undefined
    const users = usersById(line.includes)
    const receivedAt = new Date(now()).toISOString()
    const items: IngestItem[] = []
    const malformed: StreamMalformed[] = []
    for (const owner of owners.values()) {
      const normalised = normaliseTweet(tweet, users, { ...owner, receivedAt })
      if (normalised.ok) items.push(normalised.item)
      else malformed.push({ reason: normalised.reason, ...owner, ...(normalised.nativeId === undefined ? {} : { nativeId: normalised.nativeId }) })
    }
    if (owners.size === 0) log.debug({ nativeId, matchingRules: line.matching_rules }, 'streamed tweet matches no configured source')
    return { kind: 'items', items, malformed, ...(nativeId === undefined || malformed.length > 0 ? {} : { cursor: nativeId }) }
  }

  return {
    async * stream ({ signal }: StreamContext): AsyncIterable<StreamEvent> {
      if (!rulesSynced) {
        await syncStreamRules(client, sources, log, now)
        rulesSynced = true
      }
      const queue = eventQueue()
      let problem: string | undefined
      const stream: TweetStream<TweetV2SingleStreamResult> = client.v2.searchStream({
        autoConnect: false,
        'tweet.fields': tweetFields as never,
        'user.fields': userFields as never,
        expansions: ['author_id'],
      })
      stream.on(ETwitterStreamEvent.Data, (line) => { queue.push(toEvent(line)) })
      stream.on(ETwitterStreamEvent.DataKeepAlive, () => { queue.push({ kind: 'heartbeat' }) })
      stream.on(ETwitterStreamEvent.DataError, (payload: { errors?: Array<{ title?: string, detail?: string }> }) => {
        problem = payload.errors?.map((e) => [e.title, e.detail].filter(Boolean).join(': ')).join('; ')
        log.warn({ errors: payload.errors }, 'X sent an in-band stream error')
      })
      stream.on(ETwitterStreamEvent.TweetParseError, (err: unknown) => { log.warn({ err }, 'X sent a stream line that is not JSON') })
      stream.on(ETwitterStreamEvent.ConnectionError, (err: unknown) => {
        queue.finish(new SourceUnavailableError(`X stream connection lost${problem === undefined ? '' : ` (${problem})`}: ${err instanceof Error ? err.message : String(err)}`, err))
      })
      stream.on(ETwitterStreamEvent.ConnectionClosed, () => {
        queue.finish(new SourceUnavailableError(`X closed the stream${problem === undefined ? '' : ` (${problem})`}`))
      })
      const close = (): void => {
        stream.destroy()
        queue.finish(undefined)
      }
      signal.addEventListener('abort', close, { once: true })
      try {
        try {
          await stream.connect({ autoReconnect: false, keepAliveTimeout: 'disable' })
        } catch (err) {
          throw mapXError(err, now(), { streamConnect: true })
        }
        // Aborted (watchdog or stop) while connecting: the socket opened after we stopped listening.
        if (signal.aborted) return
        yield { kind: 'connected' }
        yield * queue.drain()
      } finally {
        signal.removeEventListener('abort', close)
        stream.destroy()
      }
    },
  }
}

/**
 * What a stream source missed while disconnected: a recent search per rule value since the
 * checkpoint (the newest streamed or backfilled id). Pages carry the highest newest_id seen so far as
 * their cursor, so the poller stores the newest once every rule's pages are on the broker.
 */
export function createXBackfillConnector (options: { client: XClient, source: XStreamSource, maxResults: number, requestTimeoutMs: number, now?: () => number }): PollingConnector {
  const searches = [...new Set(options.source.rules.map((r) => r.value))].map((query) => createXConnector({
    client: options.client,
    tenantId: options.source.tenantId,
    sourceId: options.source.sourceId,
    settings: { kind: 'search', query },
    maxResults: Math.max(10, options.maxResults),
    requestTimeoutMs: options.requestTimeoutMs,
    ...(options.now === undefined ? {} : { now: options.now }),
  }))
  return {
    async * poll (context) {
      let newest: bigint | undefined
      for (const search of searches) {
        for await (const page of search.poll(context)) {
          if (page.cursor !== undefined && (newest === undefined || BigInt(page.cursor) > newest)) newest = BigInt(page.cursor)
          const result: PollPage = { ...page, ...(newest === undefined ? {} : { cursor: String(newest) }) }
          yield result
        }
      }
    },
  }
}
