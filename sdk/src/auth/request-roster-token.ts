import { ROSTER_SCOPE } from './constants.js'
import type { DiscoveredAuthority } from './discover-authority.js'
import { oauthFailure } from './internal/oauth.js'
import { openidClient } from './internal/openid-client.js'

/** What {@link requestRosterToken} returns. */
export interface RosterToken {
  /** The bearer token for the authority's group endpoints. */
  readonly accessToken: string
  /** Seconds until it expires, if the authority said. */
  readonly expiresIn?: number
}

/**
 * Obtains this tool's own access token at a group's authority (client credentials grant, scope
 * `cta:roster`), with which it reads the rosters and tool installations of the groups it is
 * installed in.
 *
 * @param authority The group's authority, from {@link discoverAuthority}.
 * @returns The access token and its lifetime.
 * @throws {ProtocolError} `ERR_UNAUTHORIZED` when the authority refuses the grant.
 * @example
 * ```ts
 * const { accessToken } = await requestRosterToken(authority)
 * const { state } = await syncRoster(authority.group, { accessToken })
 * ```
 * @see {@link https://w3id.org/cta/spec/membership#reading-the-roster Spec: reading the roster}
 */
export async function requestRosterToken(authority: DiscoveredAuthority): Promise<RosterToken> {
  try {
    const { clientCredentialsGrant } = await openidClient()
    const tokens = await clientCredentialsGrant(authority.configuration, { scope: ROSTER_SCOPE })
    return {
      accessToken: tokens.access_token,
      ...(tokens.expires_in === undefined ? {} : { expiresIn: tokens.expires_in }),
    }
  } catch (err) {
    throw oauthFailure(err, 'ERR_UNAUTHORIZED', 'client credentials refused')
  }
}
