import { isProtocolError } from '../errors.js'
import type { KeyRevocationList } from './create-key-revocation-list.js'
import type { VerifyKeyRevocationOptions } from './verify-key-revocation.js'

/**
 * What an inbox answers to a token it refused as no event because of its `typ`, when that token
 * is a key revocation: `202` for a new one, `200` for a key already revoked. `undefined` when it
 * is no key revocation either (the inbox keeps its `ERR_TYP_MISMATCH`).
 * @throws {ProtocolError} Why a key revocation is refused (see `verifyKeyRevocation`).
 * @see {@link https://w3id.org/cta/spec/events#EVT-REV-002 Spec: EVT-REV-002}
 * @internal
 */
export async function answerKeyRevocation(
  list: KeyRevocationList,
  jws: string,
  options: VerifyKeyRevocationOptions,
): Promise<{ status: 200 | 202; body: { status: 'revoked' | 'known' } } | undefined> {
  try {
    const outcome = await list.receive(jws, options)
    return { status: outcome === 'revoked' ? 202 : 200, body: { status: outcome } }
  } catch (err) {
    if (isProtocolError(err) && err.code === 'ERR_TYP_MISMATCH') return undefined
    throw err
  }
}
