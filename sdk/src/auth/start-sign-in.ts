import { GROUP_PARAMETER, MEMBERSHIP_SCOPE } from './constants.js'
import type { DiscoveredAuthority } from './discover-authority.js'
import { openidClient } from './internal/openid-client.js'

/** Options of {@link startSignIn}. */
export interface StartSignInOptions {
  /** Where the authority sends the member back: one of this tool's registered redirect URIs. */
  readonly redirectUri: string
  /**
   * Further scopes to ask for besides `openid cta:membership`, such as `profile` for the member's
   * name. Ask only for what the tool needs: each scope discloses more.
   */
  readonly scopes?: readonly string[]
}

/**
 * What a tool keeps in the member's browser session between {@link startSignIn} and
 * {@link finishSignIn}: plain JSON, secret, used once.
 */
export interface PendingSignIn {
  readonly group: string
  readonly redirectUri: string
  readonly state: string
  readonly nonce: string
  readonly codeVerifier: string
}

/** What {@link startSignIn} returns. */
export interface StartSignInResult {
  /** Send the member's browser here. */
  readonly url: string
  /** Keep in the member's session until the authority redirects back. */
  readonly pending: PendingSignIn
}

/**
 * Starts "sign in with your group": an authorization code request with PKCE (S256), `state` and
 * `nonce`, for the scopes `openid cta:membership` and the group named in `cta_group`, so that the
 * member is asked to disclose their membership of that one group and no other.
 *
 * @param authority The group's authority, from {@link discoverAuthority}.
 * @param options `redirectUri` (required) and further `scopes`.
 * @returns The authorization URL and the pending sign-in to keep in the session.
 * @throws {TypeError} When `redirectUri` is missing.
 * @example
 * ```ts
 * const { url, pending } = await startSignIn(authority, { redirectUri: 'https://budgeting.example/cb' })
 * session.pending = pending
 * const redirect = Response.redirect(url, 303) // the handler's answer
 * ```
 * @see {@link https://w3id.org/cta/spec/group-auth#signing-in Spec: signing in}
 */
export async function startSignIn(
  authority: DiscoveredAuthority,
  options: StartSignInOptions,
): Promise<StartSignInResult> {
  if (typeof options.redirectUri !== 'string')
    throw new TypeError('options.redirectUri is required')
  const {
    buildAuthorizationUrl,
    calculatePKCECodeChallenge,
    randomNonce,
    randomPKCECodeVerifier,
    randomState,
  } = await openidClient()
  const codeVerifier = randomPKCECodeVerifier()
  const state = randomState()
  const nonce = randomNonce()
  const scope = [...new Set(['openid', MEMBERSHIP_SCOPE, ...(options.scopes ?? [])])].join(' ')
  const url = buildAuthorizationUrl(authority.configuration, {
    redirect_uri: options.redirectUri,
    response_type: 'code',
    scope,
    state,
    nonce,
    code_challenge: await calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    [GROUP_PARAMETER]: authority.group.id,
  })
  return {
    url: url.href,
    pending: {
      group: authority.group.id,
      redirectUri: options.redirectUri,
      state,
      nonce,
      codeVerifier,
    },
  }
}
