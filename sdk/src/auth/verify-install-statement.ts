import { ProtocolError, type ProtocolErrorCode } from '../errors.js'
import { DEFAULT_CLOCK_TOLERANCE, MAX_HEADER_LENGTH } from '../events/constants.js'
import { compactJwsRules, verifyCompactJws } from '../internal/verify-compact-jws.js'
import type { ResolveKey } from '../keys/resolve-key.js'
import {
  INSTALL_JWT_TYP,
  INSTALL_SCOPES,
  MAX_INSTALL_STATEMENT_LENGTH,
  MAX_INSTALL_STATEMENT_LIFETIME,
} from './install-constants.js'

/** Options of {@link verifyInstallStatement}. */
export interface VerifyInstallStatementOptions {
  /** REQUIRED. The authority's issuer URL; `aud` must be exactly it. */
  readonly audience: string
  /**
   * REQUIRED. Finds a tool's key by `kid` through the tool's manifest (a manifest resolver's
   * `resolveKey`); the key's `source` must be the statement's `iss`.
   */
  readonly resolveKey: ResolveKey
  /** The scopes a tool may ask for. Default `openid profile cta:membership cta:roster`. */
  readonly allowedScopes?: readonly string[]
  /** Clock skew tolerated, in seconds. Default 60. */
  readonly clockTolerance?: number
  /** "Now", for tests. */
  readonly now?: () => Date
}

/** An install statement that verified: who asks to be installed where, and with what. */
export interface InstallStatement {
  /** The tool's origin (`iss`), whose manifest key signed the statement. */
  readonly tool: string
  /** The `kid` that signed it. */
  readonly kid: string
  /** The statement's unique id, and when it expires (seconds since the epoch). */
  readonly jti: string
  readonly exp: number
  readonly clientName: string
  readonly redirectUris: readonly string[]
  /** The scopes asked for. */
  readonly scope: readonly string[]
  /** The group's IRI (`cta_group`). */
  readonly group: string
  readonly eventTypes: readonly string[]
}

const RULES = compactJwsRules({
  typ: INSTALL_JWT_TYP,
  maxLength: MAX_INSTALL_STATEMENT_LENGTH,
  maxHeaderLength: MAX_HEADER_LENGTH,
  maxDepth: 3,
})

const reject = (code: ProtocolErrorCode, message: string): never => {
  throw new ProtocolError(code, message)
}

const isText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= max

function textList(value: unknown, name: string, max: number): string[] {
  if (!Array.isArray(value) || value.length > max || !value.every((v) => isText(v, 2048))) {
    return reject('ERR_STATEMENT_INVALID', `${name} must be an array of at most ${max} strings`)
  }
  return value
}

const originOf = (url: string): string | undefined =>
  URL.canParse(url) ? new URL(url).origin : undefined

/**
 * Verifies a tool's install statement (see {@link signInstallStatement}) through the SDK's one
 * JWS core, then its claims: `iss` is the origin of the manifest whose key signed it, `aud` is
 * this authority, `iat` and `exp` are integers with `exp − iat` at most 600 seconds and now
 * between them (with the tolerance), `jti`, `client_name` and `cta_group` are strings, every
 * redirect URI is on the `iss` origin, and every scope is allowed. The caller checks the rest:
 * that `jti` was not seen before (replay), and that the group is one it serves and not secret.
 *
 * @param jws The statement.
 * @param options `audience` and `resolveKey` (required), `allowedScopes`, `clockTolerance`, `now`.
 * @returns The verified statement.
 * @throws {ProtocolError} What the JWS core throws (`ERR_TYP_MISMATCH`, `ERR_KEY_UNRESOLVED`,
 *   `ERR_SIGNATURE_INVALID`, …); `ERR_SOURCE_MISMATCH` when the key is another tool's than `iss`;
 *   `ERR_AUDIENCE_MISMATCH`; `ERR_STATEMENT_INVALID` for a missing or malformed claim, a lifetime
 *   over 600 seconds, or a statement expired or not yet valid; `ERR_REDIRECT_URI`;
 *   `ERR_SCOPE_NOT_ALLOWED`.
 * @example
 * ```ts
 * declare const statement: string // the request's software_statement
 * const verified = await verifyInstallStatement(statement, { audience: issuer, resolveKey })
 * ```
 * @see {@link https://w3id.org/cta/spec/group-auth#AUTH-INST-002 AUTH-INST-002}
 */
export async function verifyInstallStatement(
  jws: string,
  options: VerifyInstallStatementOptions,
): Promise<InstallStatement> {
  const {
    kid,
    key,
    payload: claims,
  } = await verifyCompactJws(jws, RULES, {
    resolveKey: options.resolveKey,
  })
  const iss = claims['iss']
  if (typeof iss !== 'string' || originOf(iss) !== iss) {
    reject('ERR_STATEMENT_INVALID', 'iss must be the tool origin')
  }
  if (key.source !== iss) reject('ERR_SOURCE_MISMATCH', 'the statement is signed by another tool')
  if (claims['aud'] !== options.audience) {
    reject('ERR_AUDIENCE_MISMATCH', 'aud is not this authority')
  }
  const { iat, exp, jti } = claims
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) {
    reject('ERR_STATEMENT_INVALID', 'iat and exp must be integers')
  }
  const issuedAt = iat as number
  const expires = exp as number
  if (expires <= issuedAt || expires - issuedAt > MAX_INSTALL_STATEMENT_LIFETIME) {
    reject('ERR_STATEMENT_INVALID', `exp − iat must be from 1 to ${MAX_INSTALL_STATEMENT_LIFETIME}`)
  }
  const tolerance = options.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE
  const now = Math.floor((options.now?.() ?? new Date()).getTime() / 1000)
  if (now >= expires + tolerance) reject('ERR_STATEMENT_INVALID', 'the statement has expired')
  if (issuedAt > now + tolerance) reject('ERR_STATEMENT_INVALID', 'the statement is not yet valid')
  if (!isText(jti, 256)) reject('ERR_STATEMENT_INVALID', 'jti must be a string')
  const clientName = claims['client_name']
  if (!isText(clientName, 200)) reject('ERR_STATEMENT_INVALID', 'client_name must be a string')
  const group = claims['cta_group']
  if (!isText(group, 2048) || originOf(group) === undefined) {
    reject('ERR_STATEMENT_INVALID', 'cta_group must be a group IRI')
  }
  const redirectUris = textList(claims['redirect_uris'], 'redirect_uris', 10)
  const eventTypes = textList(claims['cta_event_types'], 'cta_event_types', 64)
  const scopeText = claims['scope']
  if (
    typeof scopeText !== 'string' ||
    !/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/.test(scopeText)
  ) {
    reject('ERR_STATEMENT_INVALID', 'scope must be space-separated scope tokens')
  }
  if (redirectUris.length === 0) reject('ERR_REDIRECT_URI', 'redirect_uris is empty')
  for (const uri of redirectUris) {
    if (originOf(uri) !== iss || new URL(uri).hash !== '') {
      reject('ERR_REDIRECT_URI', `redirect URI not on the tool origin: ${uri}`)
    }
  }
  const allowed = new Set(options.allowedScopes ?? INSTALL_SCOPES)
  const scope = [...new Set((scopeText as string).split(' '))]
  const beyond = scope.filter((s) => !allowed.has(s))
  if (beyond.length > 0) reject('ERR_SCOPE_NOT_ALLOWED', `not allowed: ${beyond.join(' ')}`)
  return Object.freeze({
    tool: iss as string,
    kid,
    jti: jti as string,
    exp: expires,
    clientName: clientName as string,
    redirectUris: Object.freeze(redirectUris),
    scope: Object.freeze(scope),
    group: group as string,
    eventTypes: Object.freeze(eventTypes),
  })
}
