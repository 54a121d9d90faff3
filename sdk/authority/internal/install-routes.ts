import { ProtocolError, INSTALL_ENDPOINT_METADATA, problemFor } from '@cta-interop/sdk'
import type { ProviderContext } from '../provider-types.js'
import type { GroupInstallsInternal } from './create-group-installs.js'

/** Largest install request body read, in bytes. */
const MAX_BODY_BYTES = 16 * 1024

/** The RFC 7591 §3.2.2 `error` of each refusal. */
const RFC7591_ERROR: Readonly<Record<string, string>> = {
  ERR_REDIRECT_URI: 'invalid_redirect_uri',
  ERR_SCOPE_NOT_ALLOWED: 'invalid_client_metadata',
  ERR_GROUP_UNKNOWN: 'invalid_client_metadata',
  ERR_REQUEST_INVALID: 'invalid_client_metadata',
}

/** Codes that are not the statement's fault: answered with their own status. */
const OWN_STATUS = new Set(['ERR_FETCH_FAILED', 'ERR_UNAUTHORIZED', 'ERR_INTERNAL'])

function answer(ctx: ProviderContext, status: number, body: unknown, headers = {}): void {
  ctx.status = status
  for (const [name, value] of Object.entries(headers)) ctx.set(name, value as string)
  ctx.set('cache-control', 'no-store')
  ctx.set('content-type', 'application/json')
  ctx.body = JSON.stringify(body)
}

/** A refusal as `application/problem+json`, with the RFC 7591 `error` for the install request. */
function refuse(ctx: ProviderContext, err: unknown): void {
  const problem = problemFor(err)
  const status = OWN_STATUS.has(problem.code) ? problem.status : 400
  const error = RFC7591_ERROR[problem.code] ?? 'invalid_software_statement'
  const retryAfter = (err as { retryAfter?: unknown }).retryAfter
  answer(
    ctx,
    status,
    { ...problem, status, ...(status === 400 ? { error } : {}) },
    typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : {},
  )
  ctx.set('content-type', 'application/problem+json')
}

async function readJson(ctx: ProviderContext): Promise<unknown> {
  if (!/^application\/json\s*(;|$)/i.test(ctx.get('content-type'))) {
    throw new ProtocolError('ERR_REQUEST_INVALID', 'the request body must be application/json')
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of ctx.req) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) throw new ProtocolError('ERR_TOO_LARGE', 'the body is too large')
    chunks.push(Buffer.from(chunk))
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown
  } catch {
    throw new ProtocolError('ERR_REQUEST_INVALID', 'the body is not JSON')
  }
}

/**
 * Koa middleware: `POST <issuer>/install`, `GET <issuer>/install/<id>`, and the install endpoint
 * in the discovery document; everything else goes to the provider.
 * @internal
 */
export async function serveInstalls(
  ctx: ProviderContext,
  next: () => Promise<unknown>,
  issuer: string,
  installs: GroupInstallsInternal,
  approvalUri: ((id: string) => string) | undefined,
): Promise<unknown> {
  const base = new URL(issuer).pathname.replace(/\/$/, '')
  const endpoint = `${issuer.replace(/\/$/, '')}/install`
  if (ctx.path === `${base}/.well-known/openid-configuration`) {
    await next()
    if (typeof ctx.body === 'object' && ctx.body !== null && ctx.status === 200) {
      ctx.body = { ...ctx.body, [INSTALL_ENDPOINT_METADATA]: endpoint }
    }
    return undefined
  }
  if (ctx.path === `${base}/install`) {
    if (ctx.method !== 'POST') {
      ctx.set('allow', 'POST')
      answer(ctx, 405, { error: 'invalid_request' })
      return undefined
    }
    try {
      const body = await readJson(ctx)
      const statement = (body as { software_statement?: unknown } | null)?.software_statement
      if (typeof statement !== 'string') {
        throw new ProtocolError('ERR_STATEMENT_INVALID', 'software_statement is required')
      }
      const { request, requestToken } = await installs.receive(statement)
      const location = `${endpoint}/${request.id}`
      answer(
        ctx,
        202,
        {
          status: 'pending',
          install_request: location,
          ...(approvalUri === undefined ? {} : { approval_uri: approvalUri(request.id) }),
          request_token: requestToken,
        },
        { location },
      )
    } catch (err) {
      refuse(ctx, err)
    }
    return undefined
  }
  const match = ctx.path.startsWith(`${base}/install/`)
    ? /^[A-Za-z0-9_-]{1,64}$/.exec(ctx.path.slice(`${base}/install/`.length))
    : null
  if (match === null) return next()
  if (ctx.method !== 'GET') {
    ctx.set('allow', 'GET')
    answer(ctx, 405, { error: 'invalid_request' })
    return undefined
  }
  try {
    const bearer = /^Bearer ([A-Za-z0-9_-]{1,128})$/.exec(ctx.get('authorization'))
    if (bearer === null) throw new ProtocolError('ERR_UNAUTHORIZED', 'the request token is missing')
    answer(ctx, 200, await installs.status(match[0], bearer[1] ?? ''))
  } catch (err) {
    refuse(ctx, err)
    if (ctx.status === 401) ctx.set('www-authenticate', 'Bearer')
  }
  return undefined
}
