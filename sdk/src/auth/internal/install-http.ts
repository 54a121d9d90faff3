import { ProtocolError, type ProtocolErrorCode } from '../../errors.js'
import { assertOutboundUrl, outboundFetch, type OutboundPolicy } from '../../http/guarded-fetch.js'
import { PROBLEM_STATUS } from '../../http/problem.js'
import { readBody } from '../../http/read-body.js'

/** Largest answer of an install endpoint read, in bytes. */
const MAX_ANSWER_BYTES = 16 * 1024

/**
 * Sends one request of the install exchange through the outbound guard and reads its JSON answer.
 * A problem document's registered `code` becomes the thrown {@link ProtocolError}'s; any other
 * failure answer is `ERR_INSTALL_REFUSED` (4xx) or `ERR_FETCH_FAILED`.
 * @internal
 */
export async function installFetch(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  policy: OutboundPolicy,
  expect: readonly number[],
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  assertOutboundUrl(url, policy)
  let response: Response
  try {
    response = await outboundFetch(policy)(url, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(policy.timeout ?? 5000),
    })
  } catch (err) {
    if (err instanceof ProtocolError) throw err
    throw new ProtocolError('ERR_FETCH_FAILED', `could not reach ${url}`, { cause: err })
  }
  const text = await readBody(response.body, MAX_ANSWER_BYTES)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  const object =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined
  if (expect.includes(response.status) && object !== undefined) {
    return { status: response.status, headers: response.headers, body: object }
  }
  const code = object?.['code']
  if (typeof code === 'string' && Object.hasOwn(PROBLEM_STATUS, code)) {
    const detail = typeof object?.['detail'] === 'string' ? object['detail'] : code
    throw new ProtocolError(code as ProtocolErrorCode, `the authority refused: ${detail}`)
  }
  throw new ProtocolError(
    response.status >= 400 && response.status < 500 ? 'ERR_INSTALL_REFUSED' : 'ERR_FETCH_FAILED',
    `${url} answered ${response.status}`,
  )
}
