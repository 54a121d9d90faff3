import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  DEFAULT_INBOX_MAX_BYTES,
  ProtocolError,
  createInboxReceiver,
  problemFor,
  type InboxOptions,
} from '@cta-interop/sdk'

/**
 * An inbox as a `node:http` request listener: the same logic and answers as `createInbox`, without
 * building Fetch API objects for every request (about twice the throughput on Node 20). The body
 * is read from the socket only up to `maxBodyBytes`; past it the request is answered `413` and the
 * connection closed.
 *
 * @param options The options of `createInbox`.
 * @returns A listener for `http.createServer`.
 * @example
 * ```ts
 * import http from 'node:http'
 * import { createNodeInbox, nodeSignatureVerifier } from '@cta-interop/sdk/node'
 * http.createServer(createNodeInbox({ resolveKey, dedupe, onEvent, verifySignature: nodeSignatureVerifier() }))
 *   .listen(8080, '127.0.0.1')
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#inbox Spec: the inbox}
 */
export function createNodeInbox(
  options: InboxOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBytes = options.maxBodyBytes ?? DEFAULT_INBOX_MAX_BYTES
  const receive = createInboxReceiver(options)
  const text = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const declared = Number(req.headers['content-length'] ?? '0')
      if (declared > maxBytes) {
        reject(new ProtocolError('ERR_TOO_LARGE', `body larger than ${maxBytes} bytes`))
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      req.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBytes) {
          req.removeAllListeners('data')
          reject(new ProtocolError('ERR_TOO_LARGE', `body larger than ${maxBytes} bytes`))
          return
        }
        chunks.push(chunk)
      })
      req.on('end', () => {
        const bytes = Buffer.concat(chunks, size)
        try {
          resolve(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
        } catch {
          reject(new ProtocolError('ERR_JSON_INVALID', 'body is not UTF-8'))
        }
      })
      req.on('error', reject)
    })
  return (req, res) => {
    receive({
      method: req.method ?? 'GET',
      contentType: req.headers['content-type'] ?? null,
      text: () => text(req),
    })
      .catch((err: unknown) => {
        const problem = problemFor(err)
        return {
          status: problem.status,
          headers: { 'content-type': 'application/problem+json' },
          body: JSON.stringify(problem),
        }
      })
      .then((answer) => {
        res.writeHead(answer.status, answer.headers)
        res.end(answer.body ?? undefined)
        if (!req.complete) req.destroy()
      })
      .catch(() => {
        res.destroy()
      })
  }
}
