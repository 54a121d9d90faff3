import { ProtocolError } from '../errors.js'
import { fetchJson, type OutboundPolicy } from '../http/guarded-fetch.js'
import type { SigningKey } from '../keys/signing-key.js'
import { INSTALL_ENDPOINT_METADATA } from './install-constants.js'
import { installFetch } from './internal/install-http.js'
import { signInstallStatement } from './sign-install-statement.js'

/** Options of {@link requestInstallation}. */
export interface RequestInstallationOptions extends OutboundPolicy {
  /** The group's authority: its issuer URL (the group document's `authority`). */
  readonly authority: string
  /** This tool's origin: the `id` of its manifest. */
  readonly origin: string
  /** A signing key of this tool's manifest (`kid` `<origin>#…`): it signs the statement. */
  readonly key: SigningKey
  /** The group to be installed in (its IRI). */
  readonly group: string
  /** The scopes asked for, space-separated, e.g. `openid cta:membership cta:roster`. */
  readonly scope: string
  /** The event types this tool will emit or receive in the group. */
  readonly eventTypes: readonly string[]
  /** Where members come back after signing in; all on `origin`. */
  readonly redirectUris: readonly string[]
  /** This tool's name, shown to the group's admins. */
  readonly clientName: string
  /** "Now", for tests. */
  readonly now?: () => Date
}

/** A request to be installed that awaits an admin's decision: what {@link awaitInstallation} polls. */
export interface PendingInstallation {
  /** The authority's issuer URL. */
  readonly authority: string
  /** The group asked for. */
  readonly group: string
  /** Where the request's status is read (`GET`, with the request token). */
  readonly installRequest: string
  /** The bearer token for `installRequest`: keep it secret, it fetches the client secret. */
  readonly requestToken: string
  /** Where the group's admins approve the request, if the authority said. */
  readonly approvalUri?: string
}

/**
 * Asks a group's authority to install this tool in a group: discovers the authority's
 * `cta_install_endpoint` (from `/.well-known/openid-configuration`), signs an install statement
 * with a fresh `jti` and sends it. The authority answers `202` once it has checked the statement;
 * an admin of the group then approves or refuses, which {@link awaitInstallation} waits for.
 *
 * @param options `authority`, `origin`, `key`, `group`, `scope`, `eventTypes`, `redirectUris`,
 *   `clientName` (required); `now`; the outbound policy (`fetch`, `allowHttp`,
 *   `allowPrivateNetwork`, `timeout`).
 * @returns The pending installation.
 * @throws {ProtocolError} `ERR_ISSUER_NOT_AUTHORITY` when the discovery document names another
 *   issuer or no install endpoint on the authority's origin; the refusal's code (for example
 *   `ERR_GROUP_UNKNOWN`, `ERR_SCOPE_NOT_ALLOWED`, `ERR_REDIRECT_URI`); `ERR_FETCH_FAILED`,
 *   `ERR_ADDRESS_NOT_ALLOWED`.
 * @example
 * ```ts
 * const pending = await requestInstallation({
 *   authority: issuer, origin, key, group: group.id, scope: 'openid cta:membership cta:roster',
 *   eventTypes: [], redirectUris: [`${origin}/cta/callback`], clientName: 'Budgeting',
 * })
 * const { clientId, clientSecret } = await awaitInstallation(pending)
 * ```
 * @see {@link https://w3id.org/cta/spec/group-auth#AUTH-INST-001 AUTH-INST-001}
 */
export async function requestInstallation(
  options: RequestInstallationOptions,
): Promise<PendingInstallation> {
  const { authority } = options
  const discovery = (await fetchJson(
    `${authority.replace(/\/$/, '')}/.well-known/openid-configuration`,
    options,
    64 * 1024,
  )) as Record<string, unknown> | null
  const endpoint = discovery?.[INSTALL_ENDPOINT_METADATA]
  if (discovery?.['issuer'] !== authority) {
    throw new ProtocolError(
      'ERR_ISSUER_NOT_AUTHORITY',
      'the discovery document names another issuer',
    )
  }
  if (
    typeof endpoint !== 'string' ||
    !URL.canParse(endpoint) ||
    new URL(endpoint).origin !== new URL(authority).origin
  ) {
    throw new ProtocolError('ERR_ISSUER_NOT_AUTHORITY', 'the authority has no install endpoint')
  }
  const statement = await signInstallStatement(
    {
      iss: options.origin,
      aud: authority,
      client_name: options.clientName,
      redirect_uris: options.redirectUris,
      scope: options.scope,
      cta_group: options.group,
      cta_event_types: options.eventTypes,
    },
    options.key,
    options.now === undefined ? {} : { now: options.now },
  )
  const { body } = await installFetch(
    endpoint,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ software_statement: statement }),
    },
    options,
    [202],
  )
  const installRequest = body['install_request']
  const requestToken = body['request_token']
  const approvalUri = body['approval_uri']
  if (
    typeof installRequest !== 'string' ||
    !URL.canParse(installRequest) ||
    new URL(installRequest).origin !== new URL(authority).origin ||
    typeof requestToken !== 'string'
  ) {
    throw new ProtocolError(
      'ERR_FETCH_FAILED',
      'the install answer lacks install_request or request_token',
    )
  }
  return Object.freeze({
    authority,
    group: options.group,
    installRequest,
    requestToken,
    ...(typeof approvalUri === 'string' ? { approvalUri } : {}),
  })
}
