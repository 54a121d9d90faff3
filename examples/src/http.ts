import type http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createNodeServer, toNodeListener, type NodeServerOptions } from '@cta-interop/sdk/node'

/** A Fetch API handler, as every SDK endpoint is. */
export type Handler = (request: Request) => Promise<Response> | Response

/** A `node:http` request listener, as `oidc-provider`'s `provider.callback()` is. */
export type NodeListener = (req: http.IncomingMessage, res: http.ServerResponse) => void

/** An HTTP server on 127.0.0.1 whose handler is set once the origin is known. */
export interface Listening {
  /** `http://127.0.0.1:<port>`: the tool's origin, the `id` of its manifest. */
  readonly origin: string
  readonly port: number
  /** Sets the Fetch API handler: it answers every request no mounted listener takes. */
  handle(handler: Handler): void
  /**
   * Sends the requests whose path `match`es to a Node listener, untouched (body unread), before
   * the Fetch handler sees them: how a tool serves `oidc-provider` on its own origin. Mounts are
   * tried in the order they were added.
   */
  mount(match: (path: string) => boolean, listener: NodeListener): void
  close(): Promise<void>
}

/**
 * Listens on 127.0.0.1 (an ephemeral port unless `port` is given). A tool needs its origin before
 * it can build its manifest and key, so the handlers come afterwards. The server is the SDK's
 * `createNodeServer`, whose timeouts close slow connections (`limits` overrides them): every
 * example tool serves through it.
 */
export async function listen(port = 0, limits: NodeServerOptions = {}): Promise<Listening> {
  let listener: NodeListener = (_req, res) => {
    res.statusCode = 503
    res.end()
  }
  const mounts: { match: (path: string) => boolean; listener: NodeListener }[] = []
  const server = createNodeServer((req, res) => {
    // A target that is no URL (`http://[`) matches no mount: the Fetch handler refuses it.
    const target = req.url ?? '/'
    const base = 'http://127.0.0.1'
    const path = URL.canParse(target, base) ? new URL(target, base).pathname : undefined
    const mounted = path === undefined ? undefined : mounts.find((m) => m.match(path))
    try {
      ;(mounted?.listener ?? listener)(req, res)
    } catch {
      // A listener that throws ends its request, not the tool.
      res.destroy()
    }
  }, limits)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  const actual = (server.address() as AddressInfo).port
  return {
    origin: `http://127.0.0.1:${actual}`,
    port: actual,
    handle(handler) {
      listener = toNodeListener(handler)
    },
    mount(match, mounted) {
      mounts.push({ match, listener: mounted })
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
}

/** A JSON answer. */
export const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/** An HTML answer. */
export const html = (body: string, status = 200): Response =>
  new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } })

/** Escapes text for HTML. */
export function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

/** Waits until `check` holds, polling; throws after `timeout` ms with `what` in the message. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeout = 10_000,
): Promise<void> {
  const end = Date.now() + timeout
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
