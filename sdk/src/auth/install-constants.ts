/** The `typ` of an install statement: the signed request of a tool to be installed in a group. */
export const INSTALL_JWT_TYP = 'cta-install+jwt'
/** The longest lifetime (`exp − iat`) of an install statement, in seconds. */
export const MAX_INSTALL_STATEMENT_LIFETIME = 600
/** Longest install statement accepted, in characters. */
export const MAX_INSTALL_STATEMENT_LENGTH = 8192
/** The discovery metadata member naming an authority's install endpoint. */
export const INSTALL_ENDPOINT_METADATA = 'cta_install_endpoint'
/** The scopes a tool may ask for when it is installed in a group (the group's policy). */
export const INSTALL_SCOPES: readonly string[] = Object.freeze([
  'openid',
  'profile',
  'cta:membership',
  'cta:roster',
])
