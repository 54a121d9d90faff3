import { CompactSign } from 'jose'
import { uuidv7 } from '../internal/uuidv7.js'
import type { SigningKey } from '../keys/signing-key.js'
import type { CoreRole, MembershipAssertionClaims, Permission } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import { MAX_ASSERTION_LIFETIME, MEMBERSHIP_JWT_TYP } from './constants.js'

/** What an assertion says about a member: the input of {@link issueGroupAssertion}. */
export interface GroupAssertionSubject {
  /** The member's IRI at the authority (becomes `sub`). */
  readonly sub: string
  /** The one group the assertion is about (becomes `groups: [group]`). */
  readonly group: string
  /** The member's core roles in the group. */
  readonly roles: readonly CoreRole[]
  /** The permissions the member's roles grant. */
  readonly entitlements: readonly Permission[]
  /** The membership's IRI (`cta_membership`). */
  readonly membership?: string
  /** The member's display name, only when the member consented to the `profile` scope. */
  readonly name?: string
}

/** Options of {@link issueGroupAssertion}. */
export interface IssueGroupAssertionOptions {
  /** The authority's issuer URL (`iss`), the `authority` of the group's document. */
  readonly issuer: string
  /** The tool the assertion is for: its OAuth `client_id`, its origin (`aud` and `client_id`). */
  readonly audience: string
  /** Seconds from `iat` to `exp`: at most 300, the default. */
  readonly lifetime?: number
  /** "Now", for tests. */
  readonly currentDate?: Date
  /** The assertion's id; default a new UUIDv7. */
  readonly jti?: string
  /**
   * The re-check period to state (`cta_recheck`), in seconds: an integer from 1 to 3600. Default:
   * none stated, so relying tools re-check every 900 seconds.
   */
  readonly recheck?: number
  /**
   * Scopes the assertion grants beyond membership (its `scope` claim, space-separated), e.g.
   * `cta:export` for a member's export (EXP-AUTH-001). Default: none.
   */
  readonly scope?: string
}

const encoder = new TextEncoder()

/**
 * Issues a group membership assertion: a JWT with `typ: cta-membership+jwt` about one member of
 * exactly one group, for exactly one tool, living at most 300 seconds, with the RFC 9068 claim
 * names `groups`, `roles` and `entitlements`. The claims are validated before signing, so an
 * authority cannot issue what relying tools reject.
 *
 * @param subject The member, the group and what the member may do there.
 * @param key The authority's signing key; its public key is in the JWKS at the authority's
 *   `jwks_uri`.
 * @param options `issuer` and `audience` (required), `lifetime`, `currentDate`, `jti`, `recheck`.
 * @returns The compact JWT.
 * @throws {TypeError} When `issuer` or `audience` is missing, `lifetime` is not an integer from 1
 *   to 300, or `recheck` is not an integer from 1 to 3600.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the claims would not validate.
 * @example
 * ```ts
 * const jwt = await issueGroupAssertion(
 *   { sub: 'https://decisions.example/u/aroha', group: 'https://decisions.example/g/harbour-commons',
 *     roles: ['member'], entitlements: ['read', 'participate'] },
 *   authorityKey,
 *   { issuer: 'https://decisions.example', audience: 'https://budgeting.example' },
 * )
 * ```
 * @see {@link https://w3id.org/cta/spec/group-auth#the-assertion Spec: the assertion}
 * @see {@link https://w3id.org/cta/spec/group-auth#AUTH-END-004 Spec: the re-check period}
 */
export async function issueGroupAssertion(
  subject: GroupAssertionSubject,
  key: SigningKey,
  options: IssueGroupAssertionOptions,
): Promise<string> {
  if (typeof options.issuer !== 'string') throw new TypeError('options.issuer is required')
  if (typeof options.audience !== 'string') throw new TypeError('options.audience is required')
  const lifetime = options.lifetime ?? MAX_ASSERTION_LIFETIME
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_ASSERTION_LIFETIME) {
    throw new TypeError(`lifetime must be an integer from 1 to ${MAX_ASSERTION_LIFETIME}`)
  }
  const recheck = options.recheck
  if (recheck !== undefined && (!Number.isInteger(recheck) || recheck < 1 || recheck > 3600)) {
    throw new TypeError('recheck must be an integer from 1 to 3600')
  }
  const now = options.currentDate ?? new Date()
  const iat = Math.floor(now.getTime() / 1000)
  const claims: MembershipAssertionClaims = {
    iss: options.issuer,
    sub: subject.sub,
    aud: options.audience,
    client_id: options.audience,
    iat,
    exp: iat + lifetime,
    jti: options.jti ?? uuidv7(now.getTime()),
    cta_ver: '1',
    groups: [subject.group],
    roles: [...subject.roles],
    entitlements: [...subject.entitlements],
    ...(subject.membership === undefined ? {} : { cta_membership: subject.membership }),
    cta_status: 'active',
    ...(recheck === undefined ? {} : { cta_recheck: recheck }),
    ...(subject.name === undefined ? {} : { name: subject.name }),
    ...(options.scope === undefined ? {} : { scope: options.scope }),
  }
  assertValid(claims, { kind: 'MembershipAssertionClaims' })
  return new CompactSign(encoder.encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: MEMBERSHIP_JWT_TYP })
    .sign(key.privateKey)
}
