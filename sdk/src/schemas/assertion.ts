import { Type, type Static } from '@sinclair/typebox'
import { Iri, LIMITS, Name, schemaId } from './common.js'
import { CoreRole, MembershipStatus, Permission } from './group.js'

/** A JWT NumericDate: whole seconds since the epoch, bounded to the year 2100. */
export const NumericDate = Type.Integer({ minimum: 0, maximum: 4_102_444_800 })

/**
 * A member IRI as it is written in `sub`: in its URI form (RFC 3987 §3.1, non-ASCII characters
 * percent-encoded as UTF-8), at most 255 ASCII characters, the limit OpenID Connect Core §2 sets
 * for `sub`.
 * @see {@link https://w3id.org/cta/spec/group-auth#AUTH-SUB-001 AUTH-SUB-001}
 */
export const Subject = Type.String({ format: 'iri', maxLength: 255, pattern: '^[!-~]+$' })

/**
 * The claims of a group membership assertion (a JWT with `typ: cta-membership+jwt`), using the
 * RFC 9068 names `groups`, `roles` and `entitlements`. Exactly one group per assertion.
 * Unknown claims are allowed and ignored (RFC 7519 §4).
 * @see {@link https://w3id.org/cta/spec/documents#membership-assertion-claims Spec: assertion claims}
 */
export const MembershipAssertionClaims = Type.Object(
  {
    iss: Iri,
    sub: Subject,
    aud: Iri,
    client_id: Iri,
    iat: NumericDate,
    exp: NumericDate,
    nbf: Type.Optional(NumericDate),
    jti: Type.String({ minLength: 1, maxLength: LIMITS.token }),
    groups: Type.Array(Iri, { minItems: 1, maxItems: 1 }),
    roles: Type.Array(CoreRole, { minItems: 1, maxItems: 4, uniqueItems: true }),
    entitlements: Type.Array(Permission, { maxItems: LIMITS.shortList, uniqueItems: true }),
    cta_ver: Type.Literal('1'),
    cta_membership: Type.Optional(Iri),
    cta_status: MembershipStatus,
    /** Seconds a tool may rely on this membership before re-establishing it (AUTH-END-004). */
    cta_recheck: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
    name: Type.Optional(Name),
    /** Scopes the assertion grants beyond membership, space-separated (RFC 8693 §4.2): `cta:export`. */
    scope: Type.Optional(
      Type.String({ maxLength: 1024, pattern: '^[!#-\\[\\]-~]+( [!#-\\[\\]-~]+)*$' }),
    ),
  },
  {
    $id: schemaId('membership-assertion-claims'),
    additionalProperties: true,
    title: 'MembershipAssertionClaims',
    description:
      'Claims of a group membership assertion (JWT, typ cta-membership+jwt): one group, one audience, a short life.',
  },
)
export type MembershipAssertionClaims = Static<typeof MembershipAssertionClaims>
