import { calculateJwkThumbprint, type JWK } from 'jose'

/**
 * A private RSA key for `RS256` ID tokens, the algorithm OpenID Connect Discovery §3 requires an
 * OpenID Provider to list and every OpenID library verifies: its `kid` is its RFC 7638 thumbprint,
 * `key_ops` and `ext` are dropped (as for the authority's other keys).
 * @see {@link https://w3id.org/cta/spec/group-auth#AUTH-OIDC-003 AUTH-OIDC-003}
 */
export async function generateIdTokenKey(): Promise<JWK> {
  const pair = await crypto.subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    true,
    ['sign', 'verify'],
  )
  const exported = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JWK
  const { key_ops: _keyOps, ext: _ext, ...jwk } = exported
  return { ...jwk, alg: 'RS256', use: 'sig', kid: await calculateJwkThumbprint(jwk) }
}
