import { SourceUnavailableError, type StreamContext, type StreamEvent, type StreamingConnector } from '@earshot/ingest'
import type { MastodonClient } from './mastodon-client.js'
import { createItemNormaliser, type MastodonConnectorOptions } from './mastodon-connector.js'
import { createSseParser } from './sse.js'

export interface MastodonStreamOptions extends Pick<MastodonConnectorOptions, 'tenantId' | 'sourceId' | 'settings' | 'brandAccounts' | 'onFiltered' | 'now'> {
  client: MastodonClient
}

/** The streaming path for a source: the user stream's mention notifications, or a hashtag's public statuses. */
export function streamPath (settings: MastodonStreamOptions['settings']): string {
  return settings.kind === 'notifications' ? '/api/v1/streaming/user' : `/api/v1/streaming/hashtag?tag=${encodeURIComponent(settings.hashtag)}`
}

/**
 * Mastodon's server-sent-event streaming API as a StreamingConnector. On the user stream only
 * `notification` events of type mention count (home-timeline `update`s are not mentions); on a
 * hashtag stream every `update`. Each item event carries its notification (or status) id as the
 * cursor — the same id space the paired poller's min_id uses, so a runner can backfill the gap
 * after a reconnect. It yields `connected` once the server accepted the connection and a heartbeat
 * for every `:thump` (and for events that are not mentions), so StreamRunner's watchdog sees a live
 * connection; it throws SourceUnavailableError when the server closes the stream or the socket
 * drops, and ends quietly when `signal` aborts.
 */
export function createMastodonStreamConnector (options: MastodonStreamOptions): StreamingConnector {
  const now = options.now ?? Date.now
  const wanted = options.settings.kind === 'notifications' ? 'notification' : 'update'
  const normalise = createItemNormaliser({ ...options, instanceHost: options.client.instanceHost })
  const owner = { tenantId: options.tenantId, sourceId: options.sourceId }

  return {
    async * stream ({ signal }: StreamContext): AsyncIterable<StreamEvent> {
      const body = await options.client.openStream(streamPath(options.settings), signal)
      yield { kind: 'connected' }
      const reader = body.getReader()
      const decoder = new TextDecoder()
      const parser = createSseParser()
      try {
        for (;;) {
          let chunk: Awaited<ReturnType<typeof reader.read>>
          try {
            chunk = await reader.read()
          } catch (err) {
            if (signal.aborted) return
            throw new SourceUnavailableError(`stream dropped: ${err instanceof Error ? err.message : String(err)}`, err)
          }
          if (chunk.done) {
            if (signal.aborted) return
            throw new SourceUnavailableError('stream closed by the server')
          }
          let heartbeat = false
          for (const message of parser.push(decoder.decode(chunk.value, { stream: true }))) {
            if (message.type === 'comment' || message.event !== wanted) {
              heartbeat = true
              continue
            }
            let payload: unknown
            try {
              payload = JSON.parse(message.data)
            } catch {
              yield { kind: 'items', items: [], malformed: [{ reason: `${message.event} event data is not JSON`, ...owner }] }
              continue
            }
            const { item, malformed } = normalise(payload, new Date(now()).toISOString())
            if (item === undefined && malformed === undefined) {
              heartbeat = true
              continue
            }
            const id = typeof payload === 'object' && payload !== null ? (payload as { id?: unknown }).id : undefined
            const cursor = typeof id === 'string' && /^[0-9]{1,20}$/.test(id) ? id : undefined
            yield {
              kind: 'items',
              items: item === undefined ? [] : [item],
              ...(malformed === undefined ? {} : { malformed: [{ ...malformed, ...owner }] }),
              ...(cursor === undefined ? {} : { cursor }),
            }
          }
          if (heartbeat) yield { kind: 'heartbeat' }
        }
      } finally {
        reader.cancel().catch(() => {})
      }
    },
  }
}
