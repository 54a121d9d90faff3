import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /** The public origin the server is reached at, used to build request URLs. Default from the Host header. */
  readonly origin?: string
}

/**
 * Adapts a Fetch API handler (such as an inbox from `createInbox`) to a `node:http` request
 * listener. The request body is streamed to the handler, which enforces its own size cap.
 *
 * @param handler `(request: Request) => Promise<Response>`.
 * @param options `origin`, the base URL of requests.
 * @returns A listener for `http.createServer`.
 * @example
 * ```ts
 * import http from 'node:http'
 * http.createServer(toNodeListener(createInbox({ resolveKey, dedupe, onEvent }))).listen(8080, '127.0.0.1')
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#inbox Spec: the inbox}
 */
export function toNodeListener(
  handler: (request: Request) => Promise<Response> | Response,
  options: NodeListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const origin = options.origin ?? `http://${req.headers.host ?? 'localhost'}`
      const headers = new Headers()
      for (const [name, value] of Object.entries(req.headers)) {
        if (Array.isArray(value)) for (const v of value) headers.append(name, v)
        else if (value !== undefined) headers.set(name, value)
      }
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
      const request = new Request(new URL(req.url ?? '/', origin), {
        method: req.method ?? 'GET',
        headers,
        ...(hasBody
          ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' }
          : {}),
      })
      let response: Response
      try {
        response = await handler(request)
      } catch {
        response = new Response(
          JSON.stringify({
            type: 'https://w3id.org/cta/errors#ERR_INTERNAL',
            title: 'Internal error',
            status: 500,
            code: 'ERR_INTERNAL',
          }),
          { status: 500, headers: { 'content-type': 'application/problem+json' } },
        )
      }
      res.statusCode = response.status
      response.headers.forEach((value, name) => {
        res.setHeader(name, value)
      })
      if (response.body === null) {
        res.end()
      } else {
        const body = Buffer.from(await response.arrayBuffer())
        res.end(body)
      }
      // Stop reading a body the handler did not consume (for example one past the size cap).
      if (!req.complete) req.destroy()
    })()
  }
}
