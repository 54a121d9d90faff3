import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** A real HTTP server on a loopback address that counts the connections it accepts. */
export interface Listener {
  readonly port: number
  /** Connections accepted on the server socket. */
  readonly connections: () => number
  /** Requests seen, as `METHOD /path`. */
  readonly requests: string[]
  close(): Promise<void>
}

/** Starts a listener on `host` (default 127.0.0.1) answering every request with `answer`. */
export async function listen(
  answer: http.RequestListener = (_req, res) => res.end('{}'),
  host = '127.0.0.1',
): Promise<Listener> {
  const requests: string[] = []
  let connections = 0
  const server = http.createServer((req, res) => {
    requests.push(`${req.method ?? ''} ${req.url ?? ''}`)
    answer(req, res)
  })
  server.on('connection', () => {
    connections++
  })
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
}

/** A `lookup` for `createSafeFetch` that resolves the names given and no others. */
export function lookupOf(
  names: Record<string, readonly { address: string; family: number }[]>,
): (hostname: string) => Promise<readonly { address: string; family: number }[]> {
  return (hostname) => {
    const found = names[hostname]
    if (found === undefined) {
      return Promise.reject(
        Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
      )
    }
    return Promise.resolve(found)
  }
}
