import type { ClientAuth, Configuration } from 'openid-client'
import { ProtocolError } from '../errors.js'
import { assertOutboundUrl, fetchJson, type OutboundPolicy } from '../http/guarded-fetch.js'
import type { ResolveKey } from '../keys/resolve-key.js'
import type { Group } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import { TOKEN_EXCHANGE_GRANT_TYPE } from './constants.js'
import { authorityKeys } from './internal/authority-keys.js'
import { guardedFetch, oauthFailure } from './internal/oauth.js'
import { openidClient } from './internal/openid-client.js'

/** Options of {@link discoverAuthority}. */
export interface DiscoverAuthorityOptions extends OutboundPolicy {
  /** This tool's OAuth client id at the authority: its origin, the `id` of its tool manifest. */
  readonly clientId: string
  /** This tool's client secret (sent with HTTP Basic), unless `clientAuthentication` is given. */
  readonly clientSecret?: string
  /** How this tool authenticates at the token endpoint, as an `openid-client` `ClientAuth`. */
  readonly clientAuthentication?: ClientAuth
  /**
   * The authorities this tool trusts (issuer URLs). A group held by any other authority is
   * refused with `ERR_ISSUER_NOT_AUTHORITY`. Default: any.
   */
  readonly trustedAuthorities?: readonly string[]
  /**
   * The longest the authority's keys are used, in seconds; a shorter `Cache-Control: max-age` of
   * its JWKS answer shortens it (never below 10). Default 300; from 10 to 3,600 (AUTH-VER-003).
   */
  readonly keysTtl?: number
}

/** A group's authority as a tool sees it once discovered: what the other auth functions take. */
export interface DiscoveredAuthority {
  /** The group's document (validated). */
  readonly group: Group
  /** The authority's issuer URL: the group's `authority`, confirmed by its discovery document. */
  readonly issuer: string
  /** This tool's client id (the `aud` of the assertions it receives). */
  readonly clientId: string
  /** The `openid-client` configuration for the authority. */
  readonly configuration: Configuration
  /** Finds the authority's signing keys (its `jwks_uri`), with caching. */
  readonly resolveKey: ResolveKey
  /** Whether the authority advertises RFC 8693 token exchange. */
  readonly tokenExchange: boolean
}

/**
 * Finds a group's authority from the group's document: its `authority` is an OpenID Provider's
 * issuer URL, whose discovery document (`/.well-known/openid-configuration`) must name exactly
 * that issuer. Given the group's IRI instead of its document, it fetches the document first and
 * checks that its `id` is that IRI. Every request passes the outbound guard.
 *
 * @param group The group's document, or its IRI.
 * @param options `clientId` (required), `clientSecret` or `clientAuthentication`,
 *   `trustedAuthorities`, and the outbound policy (`fetch`, `allowHttp`, `allowPrivateNetwork`,
 *   `timeout`).
 * @returns The discovered authority.
 * @throws {ProtocolError} `ERR_ISSUER_NOT_AUTHORITY` (an untrusted authority, or a discovery
 *   document for another issuer), `ERR_SCHEMA_INVALID`, `ERR_NOT_FOUND` (a group document whose
 *   `id` is not its URL), `ERR_FETCH_FAILED`, `ERR_ADDRESS_NOT_ALLOWED`.
 * @throws {TypeError} When `clientId` is missing, or `keysTtl` is outside 10–3,600.
 * @example
 * ```ts
 * const authority = await discoverAuthority('https://decisions.example/g/harbour-commons', {
 *   clientId: 'https://budgeting.example', clientSecret, trustedAuthorities: ['https://decisions.example'],
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/group-auth#discovery Spec: discovering the authority}
 */
export async function discoverAuthority(
  group: Group | string,
  options: DiscoverAuthorityOptions,
): Promise<DiscoveredAuthority> {
  if (typeof options.clientId !== 'string') throw new TypeError('options.clientId is required')
  let document: Group
  if (typeof group === 'string') {
    document = assertValid(await fetchJson(group, options, 64 * 1024), { kind: 'Group' })
    if (document.id !== group) {
      throw new ProtocolError('ERR_NOT_FOUND', 'the group document has another id')
    }
  } else {
    document = assertValid(group, { kind: 'Group' })
  }
  const issuer = document.authority
  if (options.trustedAuthorities !== undefined && !options.trustedAuthorities.includes(issuer)) {
    throw new ProtocolError('ERR_ISSUER_NOT_AUTHORITY', `not a trusted authority: ${issuer}`)
  }
  assertOutboundUrl(issuer, options)
  const oidc = await openidClient()
  const { ClientSecretBasic, customFetch, discovery } = oidc
  const authentication =
    options.clientAuthentication ??
    (options.clientSecret === undefined ? undefined : ClientSecretBasic(options.clientSecret))
  let configuration: Configuration
  try {
    configuration = await discovery(new URL(issuer), options.clientId, undefined, authentication, {
      [customFetch]: guardedFetch(options),
      // Plain http only where the caller allowed it (tests, private deployments).
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated only to stand out
      ...(options.allowHttp === true ? { execute: [oidc.allowInsecureRequests] } : {}),
      ...(options.timeout === undefined ? {} : { timeout: Math.ceil(options.timeout / 1000) }),
    })
  } catch (err) {
    // openid-client refuses a discovery document naming another issuer (OIDC Discovery §4.3).
    const mismatch = (err as { code?: unknown }).code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED'
    throw oauthFailure(
      err,
      mismatch ? 'ERR_ISSUER_NOT_AUTHORITY' : 'ERR_FETCH_FAILED',
      'discovery failed',
    )
  }
  const metadata = configuration.serverMetadata()
  if (metadata.issuer !== issuer) {
    throw new ProtocolError(
      'ERR_ISSUER_NOT_AUTHORITY',
      'the discovery document names another issuer',
    )
  }
  if (metadata.jwks_uri === undefined) {
    throw new ProtocolError('ERR_FETCH_FAILED', 'the authority publishes no jwks_uri')
  }
  return Object.freeze({
    group: document,
    issuer,
    clientId: options.clientId,
    configuration,
    resolveKey: authorityKeys(metadata.jwks_uri, issuer, {
      ...options,
      ...(options.keysTtl === undefined ? {} : { ttl: options.keysTtl }),
    }),
    tokenExchange: metadata.grant_types_supported?.includes(TOKEN_EXCHANGE_GRANT_TYPE) ?? false,
  })
}
