import type { IncomingMessage } from 'node:http'

/** What {@link readRequestBody} read: the whole body, or nothing because it passed the cap. */
export type RequestBody =
  { readonly kind: 'body'; readonly bytes: Buffer } | { readonly kind: 'too-large' }

/** Per connection: how many requests arrived, and after which one the connection closes. */
interface Connection {
  seen: number
  closeAfter: number
}

const connections = new WeakMap<object, Connection>()
const positions = new WeakMap<IncomingMessage, number>()

/**
 * Records a request's place on its connection. Called first thing in a request listener: Node
 * calls the listener once per request, in the order the (possibly pipelined) requests arrived.
 */
export function enterRequest(req: IncomingMessage): void {
  let connection = connections.get(req.socket)
  if (connection === undefined) {
    connection = { seen: 0, closeAfter: Number.POSITIVE_INFINITY }
    connections.set(req.socket, connection)
  }
  connection.seen += 1
  positions.set(req, connection.seen)
}

/** Marks the connection as closing after this request's answer: later requests on it are not run. */
export function closeAfter(req: IncomingMessage): void {
  const connection = connections.get(req.socket)
  const position = positions.get(req)
  if (connection !== undefined && position !== undefined) {
    connection.closeAfter = Math.min(connection.closeAfter, position)
  }
}

/**
 * Whether a request was pipelined behind one after which the connection closes: its answer could
 * never be sent, so it must not be processed (a sender would retry it and see a duplicate).
 */
export function isCancelled(req: IncomingMessage): boolean {
  const connection = connections.get(req.socket)
  const position = positions.get(req)
  return connection !== undefined && position !== undefined && position > connection.closeAfter
}

/**
 * Reads a request body up to `max` bytes. A body declared or streamed past the cap is not read
 * further: the request is paused (the socket stops reading once Node's buffer fills) and the
 * connection is marked to close after this request's answer. Answers already queued for earlier
 * pipelined requests on the same connection are still sent.
 *
 * @param req The request.
 * @param max The cap, in bytes.
 * @returns The body, or `too-large`.
 * @throws Error when the request ends early (the client hung up mid-body): the caller drops
 * the connection.
 */
export function readRequestBody(req: IncomingMessage, max: number): Promise<RequestBody> {
  return new Promise((resolve, reject) => {
    const tooLarge = (): void => {
      req.off('data', onData)
      req.pause()
      closeAfter(req)
      resolve({ kind: 'too-large' })
    }
    const declared = req.headers['content-length']
    if (declared !== undefined && Number(declared) > max) {
      closeAfter(req)
      resolve({ kind: 'too-large' })
      return
    }
    if (req.destroyed) {
      reject(new Error('the request was closed before its body was read'))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    function onData(chunk: Buffer): void {
      size += chunk.length
      if (size > max) {
        tooLarge()
        return
      }
      chunks.push(chunk)
    }
    req.on('data', onData)
    req.once('end', () => {
      resolve({ kind: 'body', bytes: Buffer.concat(chunks, size) })
    })
    req.once('error', reject)
    // A hang-up mid-body ends in `close` without `end` (and `error` only when someone listens).
    // Only while unread: `close` also follows every request read in full, and an `Error` (its
    // stack captured) per request was measurable under load.
    req.once('close', () => {
      if (!req.readableEnded) reject(new Error('the request was closed before its body was read'))
    })
  })
}
