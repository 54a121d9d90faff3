import type { SignatureVerifier } from '../../events/verify-event.js'
import { MAX_HEADER_LENGTH } from '../../events/constants.js'
import {
  compactJwsRules,
  verifyCompactJws,
  type CompactJwsRules,
} from '../../internal/verify-compact-jws.js'
import type { ResolveKey } from '../../keys/resolve-key.js'
import { SIZE_LIMITS } from '../../http/size-limits.js'
import { REQUEST_JWS_TYP, SUBSCRIPTION_JWS_TYP } from '../constants.js'

/**
 * Longest tool token accepted (a subscription request or request token), in characters: the
 * subscription request's limit (DLV-LIM-002); a request token is held to 4 KiB before (DLV-LIM-003).
 * @internal
 */
export const MAX_TOOL_JWS_LENGTH = SIZE_LIMITS.subscriptionRequest

const rulesFor = (typ: string): CompactJwsRules =>
  compactJwsRules({
    typ,
    maxLength: MAX_TOOL_JWS_LENGTH,
    maxHeaderLength: MAX_HEADER_LENGTH,
    maxDepth: 4,
  })

const RULES: Readonly<Record<string, CompactJwsRules>> = {
  [SUBSCRIPTION_JWS_TYP]: rulesFor(SUBSCRIPTION_JWS_TYP),
  [REQUEST_JWS_TYP]: rulesFor(REQUEST_JWS_TYP),
}

/** A verified tool token: who signed it (the tool origin whose manifest holds the key) and what. @internal */
export interface VerifiedToolJws {
  readonly kid: string
  /** The origin of the tool that signed it. */
  readonly origin: string
  readonly payload: Record<string, unknown>
}

/**
 * Verifies a compact JWS that a tool signed with its key (a subscription request or a request
 * token) through the shared core, with the same checks and order as events: at most 8 KiB, a
 * payload nested at most 4 deep.
 * @throws {ProtocolError} `ERR_TOO_LARGE`, `ERR_JWS_MALFORMED`, `ERR_HEADER_NOT_ALLOWED`,
 *   `ERR_TYP_MISMATCH`, `ERR_ALG_NOT_ALLOWED`, `ERR_KEY_UNRESOLVED`, `ERR_SIGNATURE_INVALID`,
 *   `ERR_JSON_INVALID`.
 * @internal
 */
export async function verifyToolJws(
  jws: string,
  typ: typeof SUBSCRIPTION_JWS_TYP | typeof REQUEST_JWS_TYP,
  resolveKey: ResolveKey,
  verifySignature?: SignatureVerifier,
): Promise<VerifiedToolJws> {
  const rules = RULES[typ] ?? rulesFor(typ)
  const { kid, key, payload } = await verifyCompactJws(jws, rules, { resolveKey, verifySignature })
  return { kid, origin: key.source, payload }
}
