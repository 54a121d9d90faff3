import type { authorizationCodeGrant } from 'openid-client'
import { ProtocolError } from '../errors.js'
import type { DiscoveredAuthority } from './discover-authority.js'
import { oauthFailure } from './internal/oauth.js'
import { openidClient } from './internal/openid-client.js'
import type { PendingSignIn } from './start-sign-in.js'

/** What {@link finishSignIn} returns: the member, and the token to exchange for assertions. */
export interface SignInResult {
  /** The member's IRI at the authority (the ID token's `sub`). */
  readonly sub: string
  /** The group the member disclosed. */
  readonly group: string
  /** The member's access token at the authority, for this tool only: keep it server-side. */
  readonly accessToken: string
  /** Seconds until the access token expires, if the authority said. */
  readonly expiresIn?: number
  /** The validated ID token claims. */
  readonly claims: Readonly<Record<string, unknown>>
}

/**
 * Finishes "sign in with your group" when the authority redirects back: checks `state`, `iss`
 * (RFC 9207, when the authority sends it), exchanges the code with the PKCE verifier, validates
 * the ID token (signature, `iss`, `aud`, `nonce`, times), and checks that its `groups` claim names
 * exactly the one group the sign-in asked for.
 *
 * @param authority The group's authority, from {@link discoverAuthority}.
 * @param callbackUrl The full URL the authority redirected the member's browser to.
 * @param pending What {@link startSignIn} returned, from the member's session.
 * @returns The member, the group, and the access token.
 * @throws {ProtocolError} `ERR_SIGN_IN_FAILED` (a refused or tampered response: wrong `state`, a
 *   code without its verifier, a bad ID token, an error from the authority), `ERR_GROUP_MISMATCH`
 *   (the ID token names no group, or another, or more than one).
 * @example
 * ```ts
 * const { sub, accessToken } = await finishSignIn(authority, request.url, session.pending)
 * ```
 * @see {@link https://w3id.org/cta/spec/group-auth#signing-in Spec: signing in}
 */
export async function finishSignIn(
  authority: DiscoveredAuthority,
  callbackUrl: string | URL,
  pending: PendingSignIn,
): Promise<SignInResult> {
  if (pending.group !== authority.group.id) {
    throw new TypeError('the pending sign-in is for another group')
  }
  let tokens: Awaited<ReturnType<typeof authorizationCodeGrant>>
  try {
    const oidc = await openidClient()
    tokens = await oidc.authorizationCodeGrant(
      authority.configuration,
      new URL(callbackUrl),
      {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      },
      { redirect_uri: pending.redirectUri },
    )
  } catch (err) {
    throw oauthFailure(err, 'ERR_SIGN_IN_FAILED', 'sign-in failed')
  }
  const claims = tokens.claims()
  if (claims === undefined) throw new ProtocolError('ERR_SIGN_IN_FAILED', 'no ID token')
  const groups = claims['groups']
  if (!Array.isArray(groups) || groups.length !== 1 || groups[0] !== pending.group) {
    throw new ProtocolError('ERR_GROUP_MISMATCH', 'the ID token does not name exactly this group')
  }
  return {
    sub: claims.sub,
    group: pending.group,
    accessToken: tokens.access_token,
    ...(tokens.expires_in === undefined ? {} : { expiresIn: tokens.expires_in }),
    claims: Object.freeze({ ...claims }),
  }
}
