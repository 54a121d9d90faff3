import type { CustomFetch } from 'openid-client'
import { ProtocolError, isProtocolError, type ProtocolErrorCode } from '../../errors.js'
import { assertOutboundUrl, outboundFetch, type OutboundPolicy } from '../../http/guarded-fetch.js'
import { loadedOpenidClient } from './openid-client.js'

/**
 * Turns what `openid-client` throws for a bad answer from the authority into a coded protocol
 * error, keeping it as `cause`. Caller bugs (`TypeError`) and our own protocol errors pass through.
 * @internal
 */
export function oauthFailure(err: unknown, code: ProtocolErrorCode, what: string): unknown {
  if (isProtocolError(err) || err instanceof TypeError) return err
  // A refusal of our own guarded fetch (ERR_ADDRESS_NOT_ALLOWED), wrapped by openid-client.
  for (let e = (err as { cause?: unknown } | null)?.cause, depth = 0; depth < 4; depth++) {
    if (isProtocolError(e)) return e
    if (typeof e !== 'object' || e === null) break
    e = (e as { cause?: unknown }).cause
  }
  const oidc = loadedOpenidClient()
  if (oidc === undefined) return err
  const {
    AuthorizationResponseError,
    ClientError,
    ResponseBodyError,
    WWWAuthenticateChallengeError,
  } = oidc
  if (
    err instanceof ClientError ||
    err instanceof ResponseBodyError ||
    err instanceof AuthorizationResponseError ||
    err instanceof WWWAuthenticateChallengeError
  ) {
    const detail =
      err instanceof ResponseBodyError || err instanceof AuthorizationResponseError
        ? `${err.error}${err.error_description === undefined ? '' : `: ${err.error_description}`}`
        : err.message
    return new ProtocolError(code, `${what}: ${detail}`, { cause: err })
  }
  return err
}

/**
 * The `fetch` that `openid-client` uses for one authority: every URL passes the outbound guard
 * first (scheme, credentials, non-public address literals).
 * @internal
 */
export function guardedFetch(policy: OutboundPolicy): CustomFetch {
  const doFetch = outboundFetch(policy)
  return (url, options) => {
    assertOutboundUrl(url, policy)
    return doFetch(url, { ...options, redirect: 'manual' } as RequestInit)
  }
}
