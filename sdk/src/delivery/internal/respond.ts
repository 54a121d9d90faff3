import { isProtocolError } from '../../errors.js'
import { problemResponse } from '../../http/problem.js'
import type { Subscription } from '../../stores/delivery-store.js'
import { REQUEST_AUTH_SCHEME } from '../constants.js'

/** A JSON response that is never cached. @internal */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  })
}

/**
 * The problem response for a protocol error, with `WWW-Authenticate` on a 401 so the caller
 * learns the scheme. Anything else is a bug of ours, and is rethrown.
 * @internal
 */
export function rejection(err: unknown): Response {
  if (!isProtocolError(err)) throw err
  const response = problemResponse(err)
  if (response.status === 401) response.headers.set('www-authenticate', REQUEST_AUTH_SCHEME)
  return response
}

/** A subscription as the Subscriptions API shows it (CloudEvents field names). @internal */
export function subscriptionJson(s: Subscription): Record<string, unknown> {
  return {
    id: s.id,
    protocol: 'HTTP',
    sink: s.sink,
    ...(s.types === undefined ? {} : { types: s.types }),
    filters: [{ exact: { group: s.group } }],
    subscriber: s.subscriber,
    status: s.status,
    created: s.created,
    ...(s.expires === undefined ? {} : { expires: s.expires }),
    ...(s.ended === undefined ? {} : { ended: s.ended }),
    ...(s.reason === undefined ? {} : { reason: s.reason }),
  }
}

/** The path of a public URL without a trailing slash. @internal */
export function basePath(url: string): string {
  if (!URL.canParse(url)) throw new TypeError('url must be the absolute public URL of the endpoint')
  return new URL(url).pathname.replace(/\/+$/, '')
}
