export type SseMessage =
  | { type: 'comment', text: string }
  | { type: 'event', event: string, data: string }

/**
 * An incremental text/event-stream parser (the WHATWG rules ingest needs): lines end in LF, CRLF
 * or CR; `:` starts a comment (Mastodon's `:thump` heartbeat); `event:` names the event and each
 * `data:` line appends to its data; a blank line dispatches. Chunks may split anywhere.
 */
export function createSseParser () {
  let buffer = ''
  let event = ''
  let data: string[] = []

  function line (text: string, out: SseMessage[]): void {
    if (text === '') {
      if (data.length > 0) out.push({ type: 'event', event: event === '' ? 'message' : event, data: data.join('\n') })
      event = ''
      data = []
      return
    }
    if (text.startsWith(':')) {
      out.push({ type: 'comment', text: text.slice(1) })
      return
    }
    const colon = text.indexOf(':')
    const field = colon === -1 ? text : text.slice(0, colon)
    let value = colon === -1 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') event = value
    else if (field === 'data') data.push(value)
  }

  return {
    push (chunk: string): SseMessage[] {
      buffer += chunk
      const out: SseMessage[] = []
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer)
        // A lone CR at the very end may be the first half of a CRLF split across chunks.
        if (match === null || (match[0] === '\r' && match.index === buffer.length - 1)) break
        line(buffer.slice(0, match.index), out)
        buffer = buffer.slice(match.index + match[0].length)
      }
      return out
    },
  }
}
