import { SourceUnavailableError, type StreamEvent } from '@earshot/ingest'
import type { MastodonClient } from './mastodon-client.js'
import { createMastodonStreamConnector, streamPath } from './mastodon-stream.js'
import { parseMastodonSourceSettings } from './sources.js'

const notifications = parseMastodonSourceSettings({ kind: 'notifications', instanceUrl: 'https://mastodon.example', accessTokenEnv: 'T' }, 's')
const hashtag = parseMastodonSourceSettings({ kind: 'hashtag', hashtag: 'acme', instanceUrl: 'https://mastodon.example', accessTokenEnv: 'T' }, 's')

const status = (id: string) => ({ id, created_at: '2026-03-02T08:00:00.000Z', content: `<p>@acme ${id}</p>`, account: { id: '1', acct: 'ann' } })

/** A client whose stream body is the given chunks, then ends (as when the server closes it). */
function streamingClient (chunks: string[]) {
  const opened: string[] = []
  const client: MastodonClient = {
    instanceHost: 'mastodon.example',
    getPage: async () => { throw new Error('not polling') },
    openStream: async (path) => {
      opened.push(path)
      const encoder = new TextEncoder()
      return new ReadableStream<Uint8Array>({
        start (controller) {
          for (const chunk of chunks) controller.enqueue(encoder.encode(chunk))
          controller.close()
        },
      })
    },
  }
  return { client, opened }
}

async function drain (iterable: AsyncIterable<StreamEvent>): Promise<{ events: StreamEvent[], error: unknown }> {
  const events: StreamEvent[] = []
  try {
    for await (const event of iterable) events.push(event)
  } catch (error) {
    return { events, error }
  }
  return { events, error: undefined }
}

test('the user stream yields mention notifications with their id as cursor; heartbeats and other events keep it alive', async () => {
  const { client, opened } = streamingClient([
    ':)\n',
    `event: notification\ndata: ${JSON.stringify({ id: '1001', type: 'mention', status: status('77') })}\n\n`,
    `event: update\ndata: ${JSON.stringify(status('78'))}\n\n:thump\n`,
    `event: notification\ndata: ${JSON.stringify({ id: '1002', type: 'favourite' })}\n\n`,
    'event: notification\ndata: {"id": "10\n\n',
  ])
  const { events, error } = await drain(createMastodonStreamConnector({ client, tenantId: 'acme-rail', sourceId: 's', settings: notifications }).stream({ signal: new AbortController().signal }))
  expect(opened).toEqual(['/api/v1/streaming/user'])
  expect(events[0]).toEqual({ kind: 'connected' })
  expect(events[1]).toEqual({ kind: 'heartbeat' })
  expect(events[2]).toMatchObject({ kind: 'items', cursor: '1001', items: [{ mention: { nativeId: 'mastodon.example/77', text: '@acme 77' } }] })
  expect(events.slice(3)).toEqual([
    { kind: 'heartbeat' },
    { kind: 'heartbeat' },
    { kind: 'items', items: [], malformed: [{ reason: 'notification event data is not JSON', tenantId: 'acme-rail', sourceId: 's' }] },
  ])
  // The server ending the response is a drop the runner reconnects from.
  expect(error).toBeInstanceOf(SourceUnavailableError)
  expect((error as Error).message).toBe('stream closed by the server')
})

test('a hashtag stream yields each update with the status id as cursor', async () => {
  const { client, opened } = streamingClient([`event: update\ndata: ${JSON.stringify(status('90'))}\n\n`])
  const { events } = await drain(createMastodonStreamConnector({ client, tenantId: 'acme-rail', sourceId: 's', settings: hashtag }).stream({ signal: new AbortController().signal }))
  expect(opened).toEqual(['/api/v1/streaming/hashtag?tag=acme'])
  expect(events[1]).toMatchObject({ kind: 'items', cursor: '90', items: [{ mention: { nativeId: 'mastodon.example/90' } }] })
  expect(streamPath(hashtag)).toBe('/api/v1/streaming/hashtag?tag=acme')
})
