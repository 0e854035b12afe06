import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ListeningServer {
  port: number
  /** The asked-for port was taken, so the OS picked this one. */
  fellBack: boolean
  close (): Promise<void>
}

async function listenOn (server: Server, host: string, port: number): Promise<number> {
  return await new Promise((resolve, reject) => {
    const onError = (err: Error): void => { server.off('listening', onListening); reject(err) }
    const onListening = (): void => { server.off('error', onError); resolve((server.address() as AddressInfo).port) }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, host)
  })
}

/** Listens on `port`; if another program holds it, on a free port instead (the caller says so). */
export async function listenWithFallback (handler: RequestListener, host: string, port: number): Promise<ListeningServer> {
  const server = createServer(handler)
  server.requestTimeout = 30_000
  server.headersTimeout = 10_000
  server.keepAliveTimeout = 5_000
  let bound: number
  let fellBack = false
  try {
    bound = await listenOn(server, host, port)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw err
    bound = await listenOn(server, host, 0)
    fellBack = true
  }
  return {
    port: bound,
    fellBack,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err === undefined ? resolve() : reject(err)))
        server.closeAllConnections()
      })
    },
  }
}
