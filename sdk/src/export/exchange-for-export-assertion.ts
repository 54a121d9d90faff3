import { ACCESS_TOKEN_TYPE, JWT_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT_TYPE } from '../auth/constants.js'
import type { DiscoveredAuthority } from '../auth/discover-authority.js'
import { tokenRequestFailure } from '../auth/internal/oauth.js'
import { openidClient } from '../auth/internal/openid-client.js'
import {
  verifyGroupAssertion,
  type VerifyGroupAssertionResult,
} from '../auth/verify-group-assertion.js'
import { ProtocolError } from '../errors.js'
import { EXPORT_SCOPE } from './constants.js'

/** What {@link exchangeForExportAssertion} returns: the assertion to present, and its claims. */
export interface ExportAssertion extends VerifyGroupAssertionResult {
  /** The compact JWT, for `Authorization: Bearer` at the tool's export endpoint. */
  readonly assertion: string
}

/**
 * Exchanges a member's access token (from their sign-in to this client) for a membership
 * assertion with the scope `cta:export`, for the tool `audience` installed in the same group:
 * what a client acting for the member presents at that tool's export endpoint. The assertion is
 * verified (issuer, group, `aud` = `audience`, lifetime) and must carry `cta:export`.
 *
 * @param authority The group's authority, discovered by this client.
 * @param accessToken The member's access token, issued to this client.
 * @param audience The tool to export from (its origin); this client's own origin for itself.
 * @returns The assertion and its verified claims.
 * @throws {ProtocolError} `ERR_EXCHANGE_REFUSED` when the authority refuses (another tool not
 *   installed in the group, a member no longer active…); `ERR_INSUFFICIENT_SCOPE` when the
 *   assertion lacks `cta:export`; the codes of `verifyGroupAssertion`.
 * @example
 * ```ts
 * const { assertion } = await exchangeForExportAssertion(authority, accessToken, 'https://decisions.example')
 * ```
 * @see {@link https://w3id.org/cta/spec/export#EXP-AUTH-003 Spec: EXP-AUTH-003}
 */
export async function exchangeForExportAssertion(
  authority: DiscoveredAuthority,
  accessToken: string,
  audience: string,
): Promise<ExportAssertion> {
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new TypeError('accessToken is required')
  }
  if (typeof audience !== 'string' || audience === '') throw new TypeError('audience is required')
  let assertion: string
  try {
    const { genericGrantRequest } = await openidClient()
    const response = await genericGrantRequest(authority.configuration, TOKEN_EXCHANGE_GRANT_TYPE, {
      subject_token: accessToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      requested_token_type: JWT_TOKEN_TYPE,
      audience,
      resource: authority.group.id,
      scope: EXPORT_SCOPE,
    })
    assertion = response.access_token
  } catch (err) {
    throw tokenRequestFailure(err, 'ERR_EXCHANGE_REFUSED', 'token exchange refused')
  }
  const verified = await verifyGroupAssertion(assertion, {
    group: authority.group.id,
    audience,
    authority: authority.issuer,
    resolveKey: authority.resolveKey,
  })
  const scope = (verified.claims as { scope?: unknown }).scope
  if (typeof scope !== 'string' || !scope.split(' ').includes(EXPORT_SCOPE)) {
    throw new ProtocolError(
      'ERR_INSUFFICIENT_SCOPE',
      `the assertion does not carry ${EXPORT_SCOPE}`,
    )
  }
  return { assertion, ...verified }
}
