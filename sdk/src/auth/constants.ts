/** The `typ` of a group membership assertion (a JWT). */
export const MEMBERSHIP_JWT_TYP = 'cta-membership+jwt'
/** The longest lifetime (`exp − iat`) of a membership assertion, in seconds. */
export const MAX_ASSERTION_LIFETIME = 300
/** Longest membership assertion accepted, in characters. */
export const MAX_ASSERTION_LENGTH = 8192
/** The OAuth scope that lets a tool learn a member's membership of the one group they disclose. */
export const MEMBERSHIP_SCOPE = 'cta:membership'
/** The OAuth scope of a tool's client-credentials token for reading rosters and installations. */
export const ROSTER_SCOPE = 'cta:roster'
/** The authorization request parameter naming the group whose membership is to be disclosed. */
export const GROUP_PARAMETER = 'cta_group'
/** The RFC 8693 token exchange grant type. */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange'
/** RFC 8693 token type of an OAuth access token (the `subject_token_type` of an exchange). */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'
/** RFC 8693 token type of a JWT (the `requested_token_type` and `issued_token_type`). */
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt'
