import http from 'node:http'

/**
 * Connection limits of {@link createNodeServer}. Every field is optional; each one left out takes
 * its value from {@link NODE_SERVER_DEFAULTS}. Times are in milliseconds.
 */
export interface NodeServerOptions {
  /**
   * Time a client has from connecting (or from the end of its previous request) until its request
   * headers are complete; past it the server answers `408` and closes the connection. This is what
   * closes slow-headers ("slowloris") connections. Default 10 s (Node's own: 60 s).
   */
  readonly headersTimeout?: number
  /**
   * Time a client has to send its whole request, headers and body; past it `408` and the
   * connection is closed. At least `headersTimeout`. Default 30 s (Node's own: 300 s).
   */
  readonly requestTimeout?: number
  /** How long an idle keep-alive connection stays open after an answer. Default 5 s. */
  readonly keepAliveTimeout?: number
  /**
   * How often the two timeouts above are checked: a slow connection is closed at most this long
   * after its timeout passed. Default 1 s (Node's own: 30 s).
   */
  readonly connectionsCheckingInterval?: number
  /** Largest size of a request's headers, in bytes; past it `431`. Default 16 KiB. */
  readonly maxHeaderSize?: number
  /** Most requests answered on one connection (`0`: no limit). Default 1,000. */
  readonly maxRequestsPerSocket?: number
}

/**
 * The connection limits {@link createNodeServer} applies unless told otherwise, in milliseconds
 * and bytes. Node's own defaults let a client hold a connection for 60 s without finishing its
 * headers and for 300 s without finishing its body, checked every 30 s: 2,000 such connections
 * stayed open on an otherwise idle server.
 *
 * @see {@link https://w3id.org/cta/spec/security#inbound-connections Spec: inbound connections}
 */
export const NODE_SERVER_DEFAULTS: Readonly<Required<NodeServerOptions>> = Object.freeze({
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
  maxHeaderSize: 16 * 1024,
  maxRequestsPerSocket: 1_000,
})

function checked(options: NodeServerOptions): Required<NodeServerOptions> {
  const limits = { ...NODE_SERVER_DEFAULTS, ...options }
  for (const [name, value] of Object.entries(limits)) {
    const zeroAllowed = name === 'maxRequestsPerSocket'
    if (!Number.isSafeInteger(value) || value < (zeroAllowed ? 0 : 1)) {
      throw new TypeError(`${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} integer`)
    }
  }
  if (limits.requestTimeout < limits.headersTimeout) {
    throw new TypeError('requestTimeout must be at least headersTimeout')
  }
  return limits
}

/**
 * Creates a `node:http` server whose timeouts close slow or idle connections, for the listeners
 * of this module ({@link toNodeListener}, {@link createNodeInbox}) or any other. Listen with
 * `server.listen(port, host)` as with `http.createServer`.
 *
 * | Limit | Default |
 * | --- | --- |
 * | `headersTimeout` | 10 s |
 * | `requestTimeout` | 30 s |
 * | `keepAliveTimeout` | 5 s |
 * | `connectionsCheckingInterval` | 1 s |
 * | `maxHeaderSize` | 16 KiB |
 * | `maxRequestsPerSocket` | 1,000 |
 *
 * @param listener The request listener, or `undefined` to add one with `server.on('request')`.
 * @param options Limits that replace the defaults in {@link NODE_SERVER_DEFAULTS}.
 * @returns The server, not yet listening.
 * @throws {TypeError} When a limit is not a positive integer (`maxRequestsPerSocket` may be `0`),
 * or `requestTimeout` is shorter than `headersTimeout`.
 * @example
 * ```ts
 * import { createNodeServer, toNodeListener } from '@cta-interop/sdk/node'
 * const server = createNodeServer(toNodeListener(inbox), { headersTimeout: 5_000 })
 * server.listen(8080, '127.0.0.1')
 * ```
 * @see {@link https://w3id.org/cta/spec/security#inbound-connections Spec: inbound connections}
 */
export function createNodeServer(
  listener?: http.RequestListener,
  options: NodeServerOptions = {},
): http.Server {
  const limits = checked(options)
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeout,
      requestTimeout: limits.requestTimeout,
      keepAliveTimeout: limits.keepAliveTimeout,
      connectionsCheckingInterval: limits.connectionsCheckingInterval,
      maxHeaderSize: limits.maxHeaderSize,
    },
    listener,
  )
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket
  return server
}
