import { ProtocolError } from '../errors.js'
import { isNonPublicAddress } from '../net/address.js'
import { readBody } from './read-body.js'

/** How outgoing requests to URLs a peer supplied are guarded. */
export interface OutboundPolicy {
  /** The fetch to use. In Node, pass `createSafeFetch()` from `@cta-interop/sdk/node` to also
   * refuse host names that resolve to non-public addresses. Default: the global `fetch`. */
  readonly fetch?: typeof fetch
  /** Allow loopback, private and link-local addresses (tests, demos, private deployments). */
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
  const host = parsed.hostname.toLowerCase()
  const local = host === 'localhost' || host.endsWith('.localhost') || isNonPublicAddress(host)
  if (local && policy.allowPrivateNetwork !== true) {
    throw new ProtocolError('ERR_ADDRESS_NOT_ALLOWED', `address not allowed: ${host}`)
  }
  return parsed
}

/**
 * GETs JSON from a URL a peer supplied: guarded address, no redirects, a timeout, and a cap on the
 * response size.
 * @throws {ProtocolError} `ERR_ADDRESS_NOT_ALLOWED`, `ERR_FETCH_FAILED`, `ERR_TOO_LARGE`.
 * @internal
 */
export async function fetchJson(
  url: string,
  policy: OutboundPolicy,
  maxBytes: number,
): Promise<unknown> {
  assertOutboundUrl(url, policy)
  const doFetch = policy.fetch ?? globalThis.fetch
  let response: Response
  try {
    response = await doFetch(url, {
      redirect: 'manual',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(policy.timeout ?? 5000),
    })
  } catch (err) {
    if (err instanceof ProtocolError) throw err
    throw new ProtocolError('ERR_FETCH_FAILED', `could not fetch ${url}`, { cause: err })
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined)
    throw new ProtocolError('ERR_FETCH_FAILED', `${url} answered ${response.status}`)
  }
  const text = await readBody(response.body, maxBytes)
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw new ProtocolError('ERR_FETCH_FAILED', `${url} did not return JSON`, { cause: err })
  }
}
