import { SchemaInvalid } from '../errors.js'
import type { SignatureVerifier } from '../events/verify-event.js'
import { MAX_HEADER_LENGTH } from '../events/constants.js'
import { compactJwsRules, verifyCompactJws } from '../internal/verify-compact-jws.js'
import type { ResolveKey } from './resolve-key.js'
import { KEY_REVOCATION_TYP } from './sign-key-revocation.js'

/** Options of {@link verifyKeyRevocation}. */
export interface VerifyKeyRevocationOptions {
  /** Finds the public key for the `kid`: the key being revoked, as its tool still publishes it. */
  readonly resolveKey: ResolveKey
  /** Verifies the signature bytes (see `verifyEvent`). */
  readonly verifySignature?: SignatureVerifier | undefined
}

/** A verified key revocation. */
export interface KeyRevocation {
  /** The revoked `kid`. */
  readonly kid: string
  /** The origin of the tool whose key it is. */
  readonly source: string
}

const RULES = compactJwsRules({
  typ: KEY_REVOCATION_TYP,
  maxLength: 4096,
  maxHeaderLength: MAX_HEADER_LENGTH,
  maxDepth: 2,
})

/**
 * Verifies a key revocation ({@link signKeyRevocation}): the checks every compact JWS of the
 * protocol gets, in the same order (size, shape, header, `typ`, algorithm, key, signature, strict
 * JSON), then a payload of exactly `{ "revoked": "<kid>" }` naming the key that signed it.
 *
 * @param jws The compact JWS, as received.
 * @param options `resolveKey` (required) and `verifySignature`.
 * @returns The revoked `kid` and its tool's origin.
 * @throws {ProtocolError} `ERR_TOO_LARGE`, `ERR_JWS_MALFORMED`, `ERR_HEADER_NOT_ALLOWED`,
 *   `ERR_TYP_MISMATCH`, `ERR_ALG_NOT_ALLOWED`, `ERR_KEY_UNRESOLVED`, `ERR_KEY_REVOKED`,
 *   `ERR_FETCH_FAILED`, `ERR_SIGNATURE_INVALID`, `ERR_JSON_INVALID`, `ERR_SCHEMA_INVALID`.
 * @example
 * ```ts
 * const { kid } = await verifyKeyRevocation(body, { resolveKey })
 * ```
 * @see {@link https://w3id.org/cta/spec/events#EVT-REV-002 Spec: EVT-REV-002}
 */
export async function verifyKeyRevocation(
  jws: string,
  options: VerifyKeyRevocationOptions,
): Promise<KeyRevocation> {
  const { kid, key, payload } = await verifyCompactJws(jws, RULES, {
    resolveKey: options.resolveKey,
    verifySignature: options.verifySignature,
  })
  const names = Object.keys(payload)
  if (names.length !== 1 || payload['revoked'] !== kid) {
    throw new SchemaInvalid([
      {
        instancePath: names.length === 1 && names[0] === 'revoked' ? '/revoked' : '',
        keyword: 'const',
        message: 'a key revocation is exactly { "revoked": <the kid that signs it> }',
      },
    ])
  }
  return { kid, source: key.source }
}
