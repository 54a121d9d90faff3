import type { DedupeStore, SignatureVerifier } from '../events/verify-event.js'
import { ACCESS_TOKEN_TYPE, JWT_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT_TYPE } from './constants.js'
import type { DiscoveredAuthority } from './discover-authority.js'
import { tokenRequestFailure } from './internal/oauth.js'
import { openidClient } from './internal/openid-client.js'
import { verifyGroupAssertion, type VerifyGroupAssertionResult } from './verify-group-assertion.js'

/** Options of {@link exchangeForAssertion}. */
export interface ExchangeForAssertionOptions {
  /** Remembers accepted assertions by `(iss, jti)`; see {@link verifyGroupAssertion}. */
  readonly replay?: DedupeStore
  /** Verifies signatures: `nodeSignatureVerifier()` in Node. */
  readonly verifySignature?: SignatureVerifier
  /** Clock skew tolerated, in seconds. Default 60. */
  readonly clockTolerance?: number
  /** "Now", for tests. */
  readonly currentDate?: Date
}

/** What {@link exchangeForAssertion} returns: the verified assertion and the JWT itself. */
export interface ExchangeForAssertionResult extends VerifyGroupAssertionResult {
  /** The compact JWT, for a tool that forwards it to a service of its own. */
  readonly assertion: string
}

/**
 * Exchanges a member's access token for a group membership assertion (RFC 8693 token exchange at
 * the authority's token endpoint, `resource` = the group, `audience` = this tool), and verifies the
 * assertion with {@link verifyGroupAssertion} against the group, this tool and the authority.
 *
 * @param authority The group's authority, from {@link discoverAuthority}.
 * @param accessToken The member's access token from {@link finishSignIn}.
 * @param options `replay`, `verifySignature`, `clockTolerance`, `currentDate`.
 * @returns The verified claims, the `kid`, and the JWT.
 * @throws {ProtocolError} `ERR_EXCHANGE_REFUSED` when the authority refuses with an OAuth error
 *   (the member is not an active member, the tool is not installed in the group, the token is not
 *   this tool's); `ERR_FETCH_FAILED` when it cannot answer now (no answer, a `5xx` or `429`, an
 *   answer that is no OAuth error), which is no refusal: try again later; and every code of
 *   {@link verifyGroupAssertion}.
 * @example
 * ```ts
 * const { claims } = await exchangeForAssertion(authority, accessToken, { replay })
 * members.admit(claims)
 * ```
 * @see {@link https://w3id.org/cta/spec/group-auth#token-exchange Spec: token exchange}
 */
export async function exchangeForAssertion(
  authority: DiscoveredAuthority,
  accessToken: string,
  options: ExchangeForAssertionOptions = {},
): Promise<ExchangeForAssertionResult> {
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new TypeError('accessToken is required')
  }
  let assertion: string
  try {
    const { genericGrantRequest } = await openidClient()
    const response = await genericGrantRequest(authority.configuration, TOKEN_EXCHANGE_GRANT_TYPE, {
      subject_token: accessToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      requested_token_type: JWT_TOKEN_TYPE,
      audience: authority.clientId,
      resource: authority.group.id,
    })
    assertion = response.access_token
  } catch (err) {
    throw tokenRequestFailure(err, 'ERR_EXCHANGE_REFUSED', 'token exchange refused')
  }
  const verified = await verifyGroupAssertion(assertion, {
    group: authority.group.id,
    audience: authority.clientId,
    authority: authority.issuer,
    resolveKey: authority.resolveKey,
    ...options,
  })
  return { ...verified, assertion }
}
