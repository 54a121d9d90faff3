import { CompactSign } from 'jose'
import type { SigningKey } from '../keys/signing-key.js'
import { REQUEST_JWS_TYP } from './constants.js'

/** Options of {@link signRequestToken}. */
export interface SignRequestTokenOptions {
  /** "Now", for tests. */
  readonly currentDate?: Date
  /** The single-use token id. Default: a random UUID. */
  readonly jti?: string
}

const encoder = new TextEncoder()

/**
 * Signs a request token, which authenticates one request of a tool to another (listing, reading
 * or deleting subscriptions, reading a feed). Like a DPoP proof (RFC 9449), it is a compact JWS
 * (`typ: cta-request+jws`) over `{ htm, htu, iat, jti }`: the method, the URL without query or
 * fragment, when, and a single-use id. Send it as `Authorization: CTA-JWS <token>`; make a new one
 * for every request.
 *
 * @param request The method and URL of the request it authenticates.
 * @param key The calling tool's signing key (`kid` `<tool origin>#…`).
 * @param options `currentDate`, `jti`.
 * @returns The token.
 * @throws {TypeError} When `url` is not an absolute URL.
 * @example
 * ```ts
 * const token = await signRequestToken({ method: 'GET', url: feedUrl }, key)
 * await fetch(`${feedUrl}?group=${encodeURIComponent(group)}`, {
 *   headers: { authorization: `CTA-JWS ${token}` },
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#request-tokens Spec: request tokens}
 */
export async function signRequestToken(
  request: { readonly method: string; readonly url: string },
  key: SigningKey,
  options: SignRequestTokenOptions = {},
): Promise<string> {
  if (!URL.canParse(request.url)) throw new TypeError('url must be an absolute URL')
  const url = new URL(request.url)
  const payload = {
    htm: request.method.toUpperCase(),
    htu: `${url.origin}${url.pathname}`,
    iat: Math.floor((options.currentDate ?? new Date()).getTime() / 1000),
    jti: options.jti ?? crypto.randomUUID(),
  }
  return new CompactSign(encoder.encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: REQUEST_JWS_TYP })
    .sign(key.privateKey)
}
