import { CompactSign } from 'jose'
import type { SigningKey } from './signing-key.js'

/** The `typ` of a key revocation: a compact JWS, signed with the key it revokes. */
export const KEY_REVOCATION_TYP = 'cta-key-revocation+jws'

const encoder = new TextEncoder()

/**
 * Signs the revocation of a key with that key itself: a compact JWS whose protected header is
 * exactly `{ alg, kid, typ: "cta-key-revocation+jws" }` and whose payload is
 * `{ "revoked": "<kid>" }`. Only whoever holds the key can revoke it, so a thief who holds one key
 * of a tool cannot revoke the tool's others. POST it to every inbox the tool delivers to
 * (`application/jose`, like an event); each refuses the key from then on (`ERR_KEY_REVOKED`).
 * Remove the key from the JWKS first ({@link createKeyRing} does both).
 *
 * @param key The key that must no longer be trusted.
 * @returns The compact JWS.
 * @example
 * ```ts
 * declare const leakedKey: import('@cta-interop/sdk').SigningKey
 * declare const inboxUrl: string // an inbox the key signed events for
 * const jws = await signKeyRevocation(leakedKey)
 * await fetch(inboxUrl, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: jws })
 * ```
 * @see {@link https://w3id.org/cta/spec/events#EVT-REV-001 Spec: EVT-REV-001}
 */
export function signKeyRevocation(key: SigningKey): Promise<string> {
  return new CompactSign(encoder.encode(JSON.stringify({ revoked: key.kid })))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: KEY_REVOCATION_TYP })
    .sign(key.privateKey)
}
