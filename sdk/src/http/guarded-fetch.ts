import { ProtocolError, isProtocolError } from '../errors.js'
import { isNonPublicAddress } from '../net/address.js'
import { readBody } from './read-body.js'

/** How outgoing requests to URLs a peer supplied are guarded. */
export interface OutboundPolicy {
  /**
   * The fetch to use for URLs a peer supplied. In Node, pass `createSafeFetch()` from
   * `@cta-interop/sdk/node`: it refuses host names that resolve to non-public addresses and
   * connects to the address it checked. Elsewhere, pass a fetch that cannot reach the private
   * network (a browser's or an edge runtime's `globalThis.fetch`). Required unless
   * `allowPrivateNetwork` is `true`: without it a call that would send a request throws
   * `TypeError`, because the global `fetch` alone cannot check resolved addresses.
   */
  readonly fetch?: typeof fetch
  /**
   * Allow loopback, private and link-local addresses (tests, demos, private deployments). With
   * `true` and no `fetch`, the global `fetch` is used.
   */
  readonly allowPrivateNetwork?: boolean
  /** Allow `http:` URLs, not only `https:`. */
  readonly allowHttp?: boolean
  /** Time allowed for the whole request, in milliseconds. Default 5,000. */
  readonly timeout?: number
}

/**
 * Refuses a URL a peer supplied unless it is `https:` (or `http:` when allowed) and its host is
 * not a loopback, private or link-local address literal (nor `localhost`) unless allowed.
 * @throws {ProtocolError} `ERR_ADDRESS_NOT_ALLOWED`.
 * @internal
 */
export function assertOutboundUrl(url: string, policy: OutboundPolicy): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new ProtocolError('ERR_ADDRESS_NOT_ALLOWED', 'not a URL')
  }
  const scheme = parsed.protocol
  if (scheme !== 'https:' && !(scheme === 'http:' && policy.allowHttp === true)) {
    throw new ProtocolError('ERR_ADDRESS_NOT_ALLOWED', `scheme not allowed: ${scheme}`)
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new ProtocolError('ERR_ADDRESS_NOT_ALLOWED', 'credentials in URL')
  }
  // `localhost.` and `a.localhost.` are the same names as `localhost` and `a.localhost`.
  const host = parsed.hostname.toLowerCase().replace(/\.+$/, '')
  const local =
    host === '' || host === 'localhost' || host.endsWith('.localhost') || isNonPublicAddress(host)
  if (local && policy.allowPrivateNetwork !== true) {
    throw new ProtocolError('ERR_ADDRESS_NOT_ALLOWED', `address not allowed: ${host}`)
  }
  return parsed
}

/**
 * The fetch an outbound request uses: the caller's `fetch`, or the global one when the caller
 * allowed the private network (then there is no resolved address to check).
 * @throws {TypeError} When neither is given: the global `fetch` cannot check the address a host
 *   name resolves to, so it is not a safe default for URLs a peer supplied.
 * @see {@link https://w3id.org/cta/spec/security#SEC-SSRF-001 Spec: SEC-SSRF-001}
 * @internal
 */
export function outboundFetch(policy: OutboundPolicy): typeof fetch {
  if (policy.fetch !== undefined) return policy.fetch
  if (policy.allowPrivateNetwork === true) return globalThis.fetch
  throw new TypeError(
    'pass `fetch` for URLs peers supply (in Node: `createSafeFetch()` from @cta-interop/sdk/node), ' +
      'or `allowPrivateNetwork: true` for tests and private deployments',
  )
}

/**
 * GETs JSON from a URL a peer supplied: guarded address, no redirects, a timeout, and a cap on the
 * response size. `onHeaders` sees the headers of a `200` answer (its `Cache-Control`, for example).
 * @throws {ProtocolError} `ERR_ADDRESS_NOT_ALLOWED`, `ERR_FETCH_FAILED`, `ERR_TOO_LARGE`.
 * @internal
 */
export async function fetchJson(
  url: string,
  policy: OutboundPolicy,
  maxBytes: number,
  onHeaders?: (headers: Headers) => void,
): Promise<unknown> {
  assertOutboundUrl(url, policy)
  const doFetch = outboundFetch(policy)
  let response: Response
  try {
    response = await doFetch(url, {
      redirect: 'manual',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(policy.timeout ?? 5000),
    })
  } catch (err) {
    if (isProtocolError(err)) throw err // e.g. ERR_ADDRESS_NOT_ALLOWED from a safe fetch
    throw new ProtocolError('ERR_FETCH_FAILED', `could not fetch ${url}`, { cause: err })
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined)
    throw new ProtocolError('ERR_FETCH_FAILED', `${url} answered ${response.status}`)
  }
  onHeaders?.(response.headers)
  const text = await readBody(response.body, maxBytes)
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw new ProtocolError('ERR_FETCH_FAILED', `${url} did not return JSON`, { cause: err })
  }
}
