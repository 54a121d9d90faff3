import { ProtocolError } from '../errors.js'
import type { OutboundPolicy } from '../http/guarded-fetch.js'
import { installFetch } from './internal/install-http.js'
import type { PendingInstallation } from './request-installation.js'

/** What an approved installation gives the tool: its OAuth client at the group's authority. */
export interface ClientCredentials {
  /** The client id: the tool's origin. */
  readonly clientId: string
  /** The client secret. Store it as a secret. */
  readonly clientSecret: string
  /** How the secret is sent at the token endpoint (`client_secret_basic` or `client_secret_post`). */
  readonly tokenEndpointAuthMethod: string
  /** The group's ToolInstallation IRI. */
  readonly installation: string
}

/** Where a request to be installed stands, as {@link pollInstallation} reads it. */
export type InstallationStatus =
  | { readonly status: 'pending' }
  | { readonly status: 'refused' }
  | ({ readonly status: 'approved' } & ClientCredentials)

/** Options of {@link awaitInstallation}. */
export interface AwaitInstallationOptions extends OutboundPolicy {
  /** Stops waiting (rejects with the signal's reason). */
  readonly signal?: AbortSignal
  /** Milliseconds between two polls. Default 2,000. */
  readonly interval?: number
}

/**
 * Reads once where a request to be installed stands (`GET` on its `installRequest`, with the
 * request token as bearer).
 *
 * @param pending From {@link requestInstallation}.
 * @param policy The outbound policy (`fetch`, `allowHttp`, `allowPrivateNetwork`, `timeout`).
 * @returns `pending`, `refused`, or `approved` with the client credentials.
 * @throws {ProtocolError} `ERR_UNAUTHORIZED` when the authority does not accept the request token,
 *   `ERR_FETCH_FAILED` for a malformed answer.
 * @example
 * ```ts
 * declare const pending: import('@cta-interop/sdk').PendingInstallation
 * const { status } = await pollInstallation(pending)
 * ```
 * @see {@link https://w3id.org/cta/spec/group-auth#AUTH-INST-005 AUTH-INST-005}
 */
export async function pollInstallation(
  pending: PendingInstallation,
  policy: OutboundPolicy = {},
): Promise<InstallationStatus> {
  const { body } = await installFetch(
    pending.installRequest,
    {
      method: 'GET',
      headers: { accept: 'application/json', authorization: `Bearer ${pending.requestToken}` },
    },
    policy,
    [200],
  )
  const status = body['status']
  if (status === 'pending' || status === 'refused') return { status }
  const { client_id: clientId, client_secret: clientSecret, installation } = body
  const method = body['token_endpoint_auth_method'] ?? 'client_secret_basic'
  if (
    status !== 'approved' ||
    typeof clientId !== 'string' ||
    typeof clientSecret !== 'string' ||
    typeof installation !== 'string' ||
    typeof method !== 'string'
  ) {
    throw new ProtocolError('ERR_FETCH_FAILED', 'not an install status')
  }
  return { status, clientId, clientSecret, tokenEndpointAuthMethod: method, installation }
}

/**
 * Waits until a group's admin decides on this tool's request to be installed, polling its
 * `installRequest`; on approval, returns the tool's OAuth client at the authority.
 *
 * @param pending From {@link requestInstallation}.
 * @param options `signal`, `interval` (ms, default 2,000) and the outbound policy.
 * @returns The client credentials.
 * @throws {ProtocolError} `ERR_INSTALL_REFUSED` when an admin refused; what
 *   {@link pollInstallation} throws.
 * @example
 * ```ts
 * declare const pending: import('@cta-interop/sdk').PendingInstallation
 * const credentials = await awaitInstallation(pending, { signal: AbortSignal.timeout(600_000) })
 * ```
 * @see {@link https://w3id.org/cta/spec/group-auth#AUTH-INST-005 AUTH-INST-005}
 */
export async function awaitInstallation(
  pending: PendingInstallation,
  options: AwaitInstallationOptions = {},
): Promise<ClientCredentials> {
  const { signal, interval = 2000, ...policy } = options
  for (;;) {
    signal?.throwIfAborted()
    const answer = await pollInstallation(pending, policy)
    if (answer.status === 'refused') {
      throw new ProtocolError(
        'ERR_INSTALL_REFUSED',
        'an admin of the group refused the installation',
      )
    }
    if (answer.status === 'approved') {
      const { status: _status, ...credentials } = answer
      return credentials
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer)
        reject(signal?.reason as Error)
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, interval)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }
}
