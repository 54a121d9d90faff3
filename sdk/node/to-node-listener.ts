import type { IncomingMessage, ServerResponse } from 'node:http'

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /** The public origin the server is reached at, used to build request URLs. Default from the Host header. */
  readonly origin?: string
  /**
   * Largest request body read from the socket, in bytes; past it the request is answered `413`
   * (`ERR_TOO_LARGE`) and the connection closed, before the handler runs. Default 64 KiB.
   */
  readonly maxBodyBytes?: number
}

const problem = (status: number, code: string): { status: number; body: string } => ({
  status,
  body: JSON.stringify({ type: `https://w3id.org/cta/errors#${code}`, title: code, status, code }),
})

/** Reads a request body up to a cap; `undefined` when the cap is passed. */
function readCapped(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > max) {
        req.off('data', onData)
        resolve(undefined)
        return
      }
      chunks.push(chunk)
    }
    req.on('data', onData)
    req.on('end', () => {
      resolve(Buffer.concat(chunks, size))
    })
    req.on('error', reject)
  })
}

/**
 * Adapts a Fetch API handler (such as an inbox from `createInbox`) to a `node:http` request
 * listener. The body is read up to `maxBodyBytes` at the socket, so an oversized request never
 * reaches the handler.
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
      const max = options.maxBodyBytes ?? 64 * 1024
      const body = hasBody ? await readCapped(req, max) : null
      let response: Response
      if (body === undefined) {
        const { status, body: text } = problem(413, 'ERR_TOO_LARGE')
        response = new Response(text, {
          status,
          headers: { 'content-type': 'application/problem+json', connection: 'close' },
        })
      } else {
        const request = new Request(new URL(req.url ?? '/', origin), {
          method: req.method ?? 'GET',
          headers,
          ...(body === null ? {} : { body: new Uint8Array(body) }),
        })
        try {
          response = await handler(request)
        } catch {
          const { status, body: text } = problem(500, 'ERR_INTERNAL')
          response = new Response(text, {
            status,
            headers: { 'content-type': 'application/problem+json' },
          })
        }
      }
      res.statusCode = response.status
      // `Headers` iterates each Set-Cookie as its own entry, and `setHeader` replaces what an
      // earlier call set, so cookies go over as one array to keep every one of them.
      response.headers.forEach((value, name) => {
        if (name !== 'set-cookie') res.setHeader(name, value)
      })
      const cookies = response.headers.getSetCookie()
      if (cookies.length > 0) res.setHeader('set-cookie', cookies)
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
