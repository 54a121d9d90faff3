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
  return async (url, options) => {
    assertOutboundUrl(url, policy)
    try {
      return await doFetch(url, { ...options, redirect: 'manual' } as RequestInit)
    } catch (err) {
      // No answer at all (refused, reset, timed out): the authority is unreachable, not refusing.
      if (isProtocolError(err)) throw err
      throw new ProtocolError('ERR_FETCH_FAILED', `could not reach ${url}`, { cause: err })
    }
  }
}

/**
 * What a failed token request at the authority means for the caller: `refused` (an OAuth error
 * answer with a `4xx` status other than `429`: the authority said no) becomes a {@link
 * ProtocolError} with that code; a `5xx` or `429` answer, an answer that is no OAuth error, and no
 * answer at all become `ERR_FETCH_FAILED` (transient: try again later). Our own protocol errors
 * (`ERR_ADDRESS_NOT_ALLOWED`) pass through.
 * @internal
 */
export function tokenRequestFailure(
  err: unknown,
  refused: ProtocolErrorCode,
  what: string,
): unknown {
  const coded = oauthFailure(err, refused, what)
  if (!isProtocolError(coded) || coded.code !== refused) return coded
  const oidc = loadedOpenidClient()
  const status = (err as { status?: unknown }).status
  const answered =
    oidc !== undefined &&
    (err instanceof oidc.ResponseBodyError || err instanceof oidc.WWWAuthenticateChallengeError) &&
    typeof status === 'number' &&
    status >= 400 &&
    status < 500 &&
    status !== 429
  if (answered) return coded
  return new ProtocolError('ERR_FETCH_FAILED', `${what}: the authority could not answer now`, {
    cause: err,
  })
}
