import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { Readable, type Transform } from 'node:stream'
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'
import { ProtocolError, isNonPublicAddress } from '@cta-interop/sdk'

/** One address a host name resolves to, as {@link SafeFetchOptions.lookup} returns it. */
export interface ResolvedAddress {
  /** The address as text, e.g. `93.184.216.34` or `2606:4700::1111`. */
  readonly address: string
  /** `4` or `6`. */
  readonly family: number
}

/** Options of {@link createSafeFetch}. */
export interface SafeFetchOptions {
  /** Allow loopback, private and link-local addresses (tests, demos, private deployments). */
  readonly allowPrivateNetwork?: boolean
  /** Time allowed to connect, in milliseconds. Default 5,000. */
  readonly connectTimeout?: number
  /**
   * Resolves a host name to all its addresses. Default: the operating system's resolver
   * (`dns.lookup` with `all: true`). Every address it returns is checked.
   */
  readonly lookup?: (hostname: string) => Promise<readonly ResolvedAddress[]>
}

/** The content codings an answer is decoded from; the reader's cap then counts decoded bytes. */
const DECODERS: Readonly<Record<string, (() => Transform) | undefined>> = {
  gzip: () => createGunzip(),
  'x-gzip': () => createGunzip(),
  deflate: () => createInflate(),
  br: () => createBrotliDecompress(),
}

function refusal(address: string): ProtocolError {
  return new ProtocolError('ERR_ADDRESS_NOT_ALLOWED', `address not allowed: ${address}`)
}

function systemLookup(hostname: string): Promise<readonly ResolvedAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (err, addresses: LookupAddress[]) => {
      if (err) reject(err)
      else resolve(addresses)
    })
  })
}

/**
 * A `fetch` for URLs that peers supply, for Node. It refuses an address literal that is loopback,
 * private, link-local or otherwise non-public ({@link isNonPublicAddress}), resolves a host name
 * itself and refuses it when any of its addresses is non-public (unless allowed), and connects to
 * the address it checked, so a DNS answer cannot change between the check and the connection. It
 * never follows redirects. Pass it as `fetch` to every SDK function that calls a URL a peer
 * supplied; without one they throw `TypeError` unless `allowPrivateNetwork` is `true`.
 *
 * @param options `allowPrivateNetwork`, `connectTimeout`, and `lookup` (a resolver, for tests).
 * @returns A function with the signature of `fetch`. It rejects with a `ProtocolError`
 *   `ERR_ADDRESS_NOT_ALLOWED` for a refused address, before connecting.
 * @example
 * ```ts
 * import { createManifestResolver } from '@cta-interop/sdk'
 * import { createSafeFetch } from '@cta-interop/sdk/node'
 * const resolver = createManifestResolver({ fetch: createSafeFetch() })
 * ```
 * @see {@link https://w3id.org/cta/spec/security#SEC-SSRF-002 Spec: SEC-SSRF-002}
 */
export function createSafeFetch(options: SafeFetchOptions = {}): typeof fetch {
  const resolveAll = options.lookup ?? systemLookup
  const allowPrivate = options.allowPrivateNetwork === true
  const guardedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolveAll(hostname).then(
      (found) => {
        // Every address the name has is checked, not only the one connected to.
        const refused = found.find((a) => isNonPublicAddress(a.address))
        if (refused !== undefined && !allowPrivate) {
          callback(refusal(refused.address), '', 4)
          return
        }
        const family =
          lookupOptions.family === 'IPv4'
            ? 4
            : lookupOptions.family === 'IPv6'
              ? 6
              : lookupOptions.family
        const addresses = found.filter((a) => !family || a.family === family)
        const first = addresses[0]
        if (first === undefined) {
          callback(new Error(`no address for ${hostname}`), '', 4)
          return
        }
        if (lookupOptions.all === true)
          callback(
            null,
            addresses.map((a) => ({ ...a })),
          )
        else callback(null, first.address, first.family)
      },
      (err: unknown) => {
        callback(err instanceof Error ? err : new Error(String(err)), '', 4)
      },
    )
  }

  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input))
      const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined
      if (client === undefined) {
        reject(new TypeError(`unsupported scheme: ${url.protocol}`))
        return
      }
      // Node connects to an address literal without calling `lookup`: check it here.
      const literal = url.hostname.replace(/^\[|\]$/g, '')
      if (isIP(literal) !== 0 && isNonPublicAddress(literal) && !allowPrivate) {
        reject(refusal(literal))
        return
      }
      const headers = new Headers(init.headers)
      const request = client.request(url, {
        method: init.method ?? 'GET',
        headers: Object.fromEntries(headers.entries()),
        lookup: guardedLookup,
        timeout: options.connectTimeout ?? 5000,
        signal: init.signal ?? undefined,
      })
      request.on('timeout', () => request.destroy(new Error('connect timeout')))
      request.on('error', reject)
      request.on('response', (res) => {
        const responseHeaders = new Headers()
        for (const [name, value] of Object.entries(res.headers)) {
          if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v)
          else if (value !== undefined) responseHeaders.set(name, value)
        }
        const status = res.statusCode ?? 502
        // Decoded as it is read, as `fetch` does: a reader's size cap (DLV-LIM-001) then counts
        // decoded bytes and stops a small body that inflates past it, decoding no further.
        const coding = (res.headers['content-encoding'] ?? '').trim().toLowerCase()
        const decode = Object.hasOwn(DECODERS, coding) ? DECODERS[coding] : undefined
        let stream: Readable = res
        if (decode !== undefined) {
          const decoder = decode()
          res.on('error', (err) => decoder.destroy(err))
          stream = res.pipe(decoder)
          responseHeaders.delete('content-encoding')
          responseHeaders.delete('content-length')
        }
        const body =
          status === 204 || status === 304 || init.method === 'HEAD'
            ? null
            : (Readable.toWeb(stream) as ReadableStream<Uint8Array>)
        if (body === null) res.resume()
        resolve(
          new Response(body, {
            status,
            statusText: res.statusMessage ?? '',
            headers: responseHeaders,
          }),
        )
      })
      const body = init.body
      if (body === undefined || body === null) request.end()
      else if (typeof body === 'string' || body instanceof Uint8Array) request.end(body)
      else reject(new TypeError('createSafeFetch sends string or Uint8Array bodies only'))
    })
}
