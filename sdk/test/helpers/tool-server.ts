import http from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  TOOL_MANIFEST_PATH,
  createToolManifest,
  generateSigningKey,
  toJwks,
  type SigningKey,
} from '../../src/index.js'

export interface ToolServer {
  readonly origin: string
  readonly key: SigningKey
  /** Requests the server saw, by path. */
  readonly hits: Map<string, number>
  /** Replace the keys it publishes (rotation). */
  setKeys(keys: SigningKey[]): void
  close(): Promise<void>
}

/** A real HTTP server on 127.0.0.1 that serves a tool manifest and JWKS, and optional routes. */
export async function startToolServer(
  routes: Record<string, http.RequestListener> = {},
): Promise<ToolServer> {
  const hits = new Map<string, number>()
  let keys: SigningKey[] = []
  const state: { manifest?: unknown } = {}
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    hits.set(path, (hits.get(path) ?? 0) + 1)
    const route = routes[path]
    if (route !== undefined) {
      route(req, res)
      return
    }
    res.setHeader('content-type', 'application/json')
    if (path === TOOL_MANIFEST_PATH) res.end(JSON.stringify(state.manifest))
    else if (path === '/jwks.json') res.end(JSON.stringify(toJwks(keys)))
    else {
      res.statusCode = 404
      res.end('{}')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const key = await generateSigningKey({ origin })
  keys = [key]
  state.manifest = createToolManifest({
    id: origin,
    name: 'Test tool',
    jwks_uri: `${origin}/jwks.json`,
    inbox: `${origin}/inbox`,
    profiles: ['core', 'emitter'],
  })
  return {
    origin,
    key,
    hits,
    setKeys(next) {
      keys = next
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
      }),
  }
}
