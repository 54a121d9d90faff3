import type { IncomingMessage } from 'node:http'
import type { Transform } from 'node:stream'
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'

/**
 * What {@link readRequestBody} read: the whole body (decoded), nothing because it passed the cap,
 * or nothing because its `Content-Encoding` is not one it decodes or the body is not valid in it.
 */
export type RequestBody =
  | { readonly kind: 'body'; readonly bytes: Buffer }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'bad-encoding' }

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

/** The content codings a request body may carry; any other is refused (`bad-encoding`). */
const DECODERS: Readonly<Record<string, (() => Transform) | undefined>> = {
  gzip: () => createGunzip(),
  'x-gzip': () => createGunzip(),
  deflate: () => createInflate(),
  br: () => createBrotliDecompress(),
}

/**
 * Reads a request body up to `max` bytes. A body declared or streamed past the cap is not read
 * further: the request is paused (the socket stops reading once Node's buffer fills) and the
 * connection is marked to close after this request's answer. Answers already queued for earlier
 * pipelined requests on the same connection are still sent.
 *
 * A body with a `Content-Encoding` of `gzip`, `deflate` or `br` is decoded as it arrives, and the
 * cap holds both for the bytes received and for the bytes decoded: a small body that inflates past
 * the cap is `too-large` as soon as its decoded bytes pass it, without decoding the rest
 * (DLV-LIM-001). Another coding, or a body that is not valid in its coding, is `bad-encoding`.
 *
 * @param req The request.
 * @param max The cap, in bytes.
 * @returns The (decoded) body, `too-large` or `bad-encoding`.
 * @throws Error when the request ends early (the client hung up mid-body): the caller drops
 * the connection.
 * @see {@link https://w3id.org/cta/spec/delivery#DLV-LIM-001 Spec: DLV-LIM-001}
 */
export function readRequestBody(req: IncomingMessage, max: number): Promise<RequestBody> {
  return new Promise((resolve, reject) => {
    let decoder: Transform | undefined
    const tooLarge = (): void => {
      req.off('data', onData)
      req.pause()
      closeAfter(req)
      decoder?.destroy()
      resolve({ kind: 'too-large' })
    }
    const declared = req.headers['content-length']
    if (declared !== undefined && Number(declared) > max) {
      closeAfter(req)
      resolve({ kind: 'too-large' })
      return
    }
    const coding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase()
    if (coding !== 'identity' && coding !== '') {
      const create = Object.hasOwn(DECODERS, coding) ? DECODERS[coding] : undefined
      if (create === undefined) {
        closeAfter(req)
        resolve({ kind: 'bad-encoding' })
        return
      }
      decoder = create()
    }
    if (req.destroyed) {
      reject(new Error('the request was closed before its body was read'))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let received = 0
    const keep = (chunk: Buffer): void => {
      size += chunk.length
      if (size > max) {
        tooLarge()
        return
      }
      chunks.push(chunk)
    }
    function onData(chunk: Buffer): void {
      if (decoder === undefined) {
        keep(chunk)
        return
      }
      received += chunk.length
      if (received > max) {
        tooLarge()
        return
      }
      decoder.write(chunk)
    }
    const done = (): void => {
      resolve({ kind: 'body', bytes: Buffer.concat(chunks, size) })
    }
    if (decoder !== undefined) {
      const active = decoder
      active.on('data', keep)
      active.once('end', done)
      active.once('error', () => {
        req.off('data', onData)
        req.pause()
        closeAfter(req)
        resolve({ kind: 'bad-encoding' })
      })
    }
    req.on('data', onData)
    req.once('end', () => {
      if (decoder === undefined) done()
      else decoder.end()
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
