import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  DEFAULT_INBOX_MAX_BYTES,
  ProtocolError,
  createInboxReceiver,
  problemFor,
  type InboxOptions,
} from '@cta-interop/sdk'
import {
  closeAfter,
  enterRequest,
  isCancelled,
  readRequestBody,
} from './internal/read-request-body.js'

/** Strict UTF-8; stateless between calls (no `stream` option), so one serves every request. */
const UTF8 = new TextDecoder('utf-8', { fatal: true })

/**
 * An inbox as a `node:http` request listener: the same logic and answers as `createInbox`, without
 * building Fetch API objects for every request (about twice the throughput on Node 20). The body
 * is read from the socket only up to `maxBodyBytes`; past it the request is answered `413` and the
 * connection closed. A client that hangs up mid-body costs its connection and nothing else, and
 * pipelined requests are answered in order. Serve it with {@link createNodeServer}, whose timeouts
 * close slow connections.
 *
 * @param options The options of `createInbox` (`speaksFor` required: who may speak for a group).
 * @returns A listener for `http.createServer` or {@link createNodeServer}.
 * @example
 * ```ts
 * import { createInstallationCache, type InstallationCacheOptions } from '@cta-interop/sdk'
 * import {
 *   createNodeInbox, createNodeServer, createPostgresDeliveryStore, nodeSignatureVerifier,
 * } from '@cta-interop/sdk/node'
 * declare const authorityOf: InstallationCacheOptions['authority'] // the group's `authority`
 * declare const load: InstallationCacheOptions['load'] // readInstallations with a roster token
 * const { speaksFor } = createInstallationCache({ authority: authorityOf, load }) // who may speak for a group
 * createNodeServer(createNodeInbox({ resolveKey, speaksFor, dedupe, onEvent, verifySignature: nodeSignatureVerifier() }))
 *   .listen(8080, '127.0.0.1')
 * // Exactly once: the record of each event commits with what onEvent writes through `transaction`.
 * const store = await createPostgresDeliveryStore({ pool, schema: 'cta' })
 * createNodeInbox({ resolveKey, speaksFor, inbox: store.inbox, onEvent: (event, { transaction }) =>
 *   transaction.query('INSERT INTO seen (id) VALUES ($1)', [event.id]).then(() => undefined) })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#inbox Spec: the inbox}
 * @see {@link https://w3id.org/cta/spec/events#EVT-AUTHZ-001 Spec: who may speak for a group}
 * @throws {TypeError} When neither or both of `inbox` and `dedupe` are given, or no `speaksFor`.
 */
export function createNodeInbox<Tx = undefined>(
  options: InboxOptions<Tx>,
): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBytes = options.maxBodyBytes ?? DEFAULT_INBOX_MAX_BYTES
  const receive = createInboxReceiver(options)
  const text = async (req: IncomingMessage): Promise<string> => {
    const read = await readRequestBody(req, maxBytes)
    if (read.kind === 'too-large') {
      throw new ProtocolError('ERR_TOO_LARGE', `body larger than ${maxBytes} bytes`)
    }
    if (read.kind === 'bad-encoding') {
      throw new ProtocolError(
        'ERR_REQUEST_INVALID',
        'the body is not in a content coding read here',
      )
    }
    // Pipelined behind a request after which the connection closes: its answer could never be
    // sent, so the event must not be processed.
    if (isCancelled(req)) throw new Error('the connection closes before this request')
    try {
      return UTF8.decode(read.bytes)
    } catch {
      throw new ProtocolError('ERR_JSON_INVALID', 'body is not UTF-8')
    }
  }
  return (req, res) => {
    enterRequest(req)
    receive({
      method: req.method ?? 'GET',
      contentType: req.headers['content-type'] ?? null,
      text: () => text(req),
    })
      .then(
        (answer) => answer,
        (err: unknown) => {
          // The client hung up mid-body, or the request was cancelled: nothing can be answered.
          if (isCancelled(req) || (req.destroyed && !req.complete)) throw err
          const problem = problemFor(err)
          return {
            status: problem.status,
            headers: { 'content-type': 'application/problem+json' },
            body: JSON.stringify(problem),
          }
        },
      )
      .then((answer) => {
        if (isCancelled(req)) throw new Error('the connection closes before this request')
        // A body left unread (a 405, 415 or 413 answer) is drained by Node after the answer when
        // its declared length is within the cap, and the connection serves the next request; any
        // other is not read, and the connection closes after the answer.
        const declared = Number(req.headers['content-length'] ?? Number.NaN)
        const drained = req.complete || declared <= maxBytes
        if (!drained) closeAfter(req)
        res.writeHead(
          answer.status,
          drained ? answer.headers : { ...answer.headers, connection: 'close' },
        )
        res.end(answer.body ?? undefined)
      })
      .catch(() => {
        // Drops this connection once the answers queued before this one are sent.
        closeAfter(req)
        res.destroy()
      })
  }
}
