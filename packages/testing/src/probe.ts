import { connect } from 'node:net'

export interface HostPort { host: string, port: number }

export function parseHostPort (value: string, defaultPort: number): HostPort {
  const trimmed = value.trim().replace(/^[a-z]+:\/\//, '')
  const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(trimmed)
  if (match === null || match[1] === undefined) throw new TypeError(`not a host:port: "${value}"`)
  return { host: match[1], port: match[2] === undefined ? defaultPort : Number(match[2]) }
}

/** Resolves when a TCP connection opens; rejects with the socket error (ECONNREFUSED, timeout). */
export async function probeTcp ({ host, port }: HostPort, timeoutMs = 3000): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.end()
      resolve()
    })
    socket.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
  })
}

/** Sends a RESP PING and expects +PONG, so a Redis URL pointing at something else fails clearly. */
export async function probeRedis (url: string, timeoutMs = 3000): Promise<void> {
  const parsed = new URL(url)
  const host = parsed.hostname.replace(/^\[|\]$/g, '')
  const port = parsed.port === '' ? 6379 : Number(parsed.port)
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port })
    let reply = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no PONG from ${host}:${port} within ${timeoutMs} ms`))
    }, timeoutMs)
    const finish = (err?: Error): void => {
      clearTimeout(timer)
      socket.destroy()
      if (err === undefined) resolve()
      else reject(err)
    }
    socket.once('connect', () => {
      const auth = parsed.password === '' ? '' : `AUTH ${parsed.username === '' ? '' : decodeURIComponent(parsed.username) + ' '}${decodeURIComponent(parsed.password)}\r\n`
      socket.write(`${auth}PING\r\n`)
    })
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8')
      if (reply.includes('+PONG')) finish()
      else if (reply.startsWith('-')) finish(new Error(`Redis answered ${reply.trim()}`))
    })
    socket.once('error', (err) => finish(err))
  })
}
