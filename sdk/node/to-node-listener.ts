import type { IncomingMessage, ServerResponse } from 'node:http'
import { ProtocolError, problemResponse } from '@cta-interop/sdk'
import {
  closeAfter,
  enterRequest,
  isCancelled,
  readRequestBody,
} from './internal/read-request-body.js'

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

/** Framing headers Node sets itself for the buffered body; a handler's copy could desync the connection. */
const FRAMING = new Set(['content-length', 'transfer-encoding'])

/**
 * The request's URL on `origin`: only the path and query of the request target count, so a target
 * such as `//other.example/x` or `http://other.example/x` cannot change the host a handler sees.
 */
function requestUrl(req: IncomingMessage, origin: string): URL {
  const target = req.url ?? '/'
  const path = target.startsWith('/')
    ? target
    : /^https?:\/\//i.test(target)
      ? ((u) => `${u.pathname}${u.search}`)(new URL(target))
      : '/'
  return new URL(`${new URL(origin).origin}${path}`)
}

/**
 * The Fetch API request for a Node request, or `undefined` when it cannot be represented (a Host
 * that is no host, a method Fetch forbids such as `TRACE`, a header value Fetch refuses).
 */
function toRequest(req: IncomingMessage, origin: string, body: Buffer | null): Request | undefined {
  try {
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) {
      // The body was decoded (DLV-LIM-001): its coding and length no longer describe it.
      if (name === 'content-encoding' || (name === 'content-length' && body !== null)) continue
      if (Array.isArray(value)) for (const v of value) headers.append(name, v)
      else if (value !== undefined) headers.set(name, value)
    }
    return new Request(requestUrl(req, origin), {
      method: req.method ?? 'GET',
      headers,
      ...(body === null ? {} : { body: new Uint8Array(body) }),
    })
  } catch {
    return undefined
  }
}

/** `500` `ERR_INTERNAL`, which tells the client nothing about the failure. */
const internalError = (): Response => problemResponse(undefined)

/** Runs one request to its answer; rejects only when the connection must be dropped. */
async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  handler: (request: Request) => Promise<Response> | Response,
  options: NodeListenerOptions,
): Promise<void> {
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  const read = hasBody
    ? await readRequestBody(req, options.maxBodyBytes ?? 64 * 1024)
    : ({ kind: 'body', bytes: null } as const)
  // Pipelined behind a request after which the connection closes: no answer could reach the
  // client, so the handler must not act on it.
  if (isCancelled(req)) throw new Error('the connection closes before this request')
  let response: Response
  if (read.kind === 'too-large') {
    response = problemResponse(
      new ProtocolError('ERR_TOO_LARGE', 'the request body is too large'),
      { connection: 'close' },
    )
  } else if (read.kind === 'bad-encoding') {
    response = problemResponse(
      new ProtocolError('ERR_REQUEST_INVALID', 'the body is not in a content coding read here'),
      { connection: 'close', 'accept-encoding': 'gzip, deflate, br' },
    )
  } else {
    const origin = options.origin ?? `http://${req.headers.host ?? 'localhost'}`
    const request = toRequest(req, origin, read.bytes)
    if (request === undefined) {
      response = problemResponse(
        new ProtocolError('ERR_REQUEST_INVALID', 'the request cannot be represented'),
      )
    } else {
      try {
        response = await handler(request)
      } catch {
        response = internalError()
      }
    }
  }
  let body: Buffer | undefined
  try {
    body = response.body === null ? undefined : Buffer.from(await response.arrayBuffer())
  } catch {
    // The handler's body stream failed before anything was sent: answer that instead.
    response = internalError()
    body = Buffer.from(await response.arrayBuffer())
  }
  res.statusCode = response.status
  // `Headers` iterates each Set-Cookie as its own entry, and `setHeader` replaces what an
  // earlier call set, so cookies go over as one array to keep every one of them.
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie' && !FRAMING.has(name)) res.setHeader(name, value)
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) res.setHeader('set-cookie', cookies)
  if (response.headers.get('connection')?.toLowerCase() === 'close') closeAfter(req)
  res.end(body)
}

/**
 * Adapts a Fetch API handler (such as an inbox from `createInbox`) to a `node:http` request
 * listener. The body is read up to `maxBodyBytes` at the socket, so an oversized request never
 * reaches the handler.
 *
 * No request can stop the server: a client that hangs up mid-body, a request the Fetch API
 * cannot represent (answered `400` `ERR_REQUEST_INVALID`), a handler that throws (`500`
 * `ERR_INTERNAL`) or a response that cannot be sent each end that request alone; where no
 * answer can be sent, the connection is dropped once the answers queued before it are sent.
 * Pipelined requests are answered in order. Serve it with {@link createNodeServer}, whose
 * timeouts close slow connections.
 *
 * @param handler `(request: Request) => Promise<Response>`.
 * @param options `origin`, the base URL of requests; `maxBodyBytes`.
 * @returns A listener for `http.createServer` or {@link createNodeServer}.
 * @example
 * ```ts
 * import { createInbox } from '@cta-interop/sdk'
 * import { createNodeServer, toNodeListener } from '@cta-interop/sdk/node'
 * const inbox = createInbox({ resolveKey, dedupe, speaksFor: installations.speaksFor, onEvent })
 * createNodeServer(toNodeListener(inbox)).listen(8080, '127.0.0.1')
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#inbox Spec: the inbox}
 */
export function toNodeListener(
  handler: (request: Request) => Promise<Response> | Response,
  options: NodeListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    enterRequest(req)
    serve(req, res, handler, options).catch(() => {
      // Nothing can be answered (the client hung up mid-body, or the answer itself failed):
      // drop this connection, after the answers queued before this one, and keep serving.
      closeAfter(req)
      res.destroy()
    })
  }
}
