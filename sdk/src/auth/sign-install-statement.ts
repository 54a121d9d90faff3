import { CompactSign } from 'jose'
import type { SigningKey } from '../keys/signing-key.js'
import { INSTALL_JWT_TYP } from './install-constants.js'

/** The claims of an install statement, as {@link signInstallStatement} takes them. */
export interface InstallStatementClaims {
  /** The tool's origin: the `id` of its manifest, whose key signs the statement. */
  readonly iss: string
  /** The authority's issuer URL. */
  readonly aud: string
  /** Issued at, in seconds since the epoch. Default: now. */
  readonly iat?: number
  /** Expires at, in seconds since the epoch (at most 600 after `iat`). Default: `iat` + 300. */
  readonly exp?: number
  /** The statement's unique id. Default: a random UUID. */
  readonly jti?: string
  /** The tool's name, shown to the group's admins. */
  readonly client_name: string
  /** Where the authority may send members back to the tool; all on the `iss` origin. */
  readonly redirect_uris: readonly string[]
  /** The scopes asked for, space-separated. */
  readonly scope: string
  /** The group the tool asks to be installed in (its IRI). */
  readonly cta_group: string
  /** The event types the tool will emit or receive in the group. */
  readonly cta_event_types: readonly string[]
}

const encoder = new TextEncoder()

/**
 * Signs an install statement: a compact JWS (`typ: cta-install+jwt`) with which a tool asks a
 * group's authority to install it in a group, signed with a key of the tool's manifest (`kid`
 * `<tool origin>#…`). {@link requestInstallation} makes and sends one; this is exported for tools
 * that send the request themselves and for conformance tests.
 *
 * @param claims The statement's claims; `iat`, `exp` and `jti` have defaults.
 * @param key The tool's signing key, published in its manifest's JWKS.
 * @param options `now`, for tests.
 * @returns The compact JWS.
 * @throws {TypeError} When `iss` is not an origin.
 * @example
 * ```ts
 * const statement = await signInstallStatement(
 *   {
 *     iss: origin, aud: issuer, client_name: 'Budgeting', redirect_uris: [`${origin}/cta/callback`],
 *     scope: 'openid cta:membership cta:roster', cta_group: group.id, cta_event_types: [],
 *   },
 *   key,
 * )
 * ```
 * @see {@link https://w3id.org/cta/spec/group-auth#AUTH-INST-001 AUTH-INST-001}
 */
export async function signInstallStatement(
  claims: InstallStatementClaims,
  key: SigningKey,
  options: { readonly now?: () => Date } = {},
): Promise<string> {
  if (!URL.canParse(claims.iss) || new URL(claims.iss).origin !== claims.iss) {
    throw new TypeError('iss must be the tool origin')
  }
  const iat = claims.iat ?? Math.floor((options.now?.() ?? new Date()).getTime() / 1000)
  const payload = {
    ...claims,
    iat,
    exp: claims.exp ?? iat + 300,
    jti: claims.jti ?? crypto.randomUUID(),
  }
  return new CompactSign(encoder.encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: INSTALL_JWT_TYP })
    .sign(key.privateKey)
}
