import { ProtocolError, ROSTER_SCOPE } from '@cta-interop/sdk'
import type { ProviderContext, ProviderLike } from '../provider-types.js'

/**
 * The tool behind a request to the group endpoints: the client of a valid client-credentials
 * token with scope `cta:roster`, sent as `Authorization: Bearer`.
 * @throws {ProtocolError} `ERR_INSUFFICIENT_SCOPE` for a valid token without `cta:roster` (answered
 *   `403`, RFC 6750 `insufficient_scope`), `ERR_UNAUTHORIZED` for any other credentials.
 * @see {@link https://w3id.org/cta/spec/membership#MEM-ROS-001 MEM-ROS-001}
 */
export async function bearerTool(
  provider: ProviderLike,
  request: Request,
): Promise<string | undefined> {
  const header = request.headers.get('authorization')
  if (header === null) return undefined
  const match = /^Bearer ([\x21-\x7e]{1,4096})$/i.exec(header)
  const token = match === null ? undefined : await provider.ClientCredentials.find(match[1] ?? '')
  if (token === undefined || token.isExpired) {
    throw new ProtocolError('ERR_UNAUTHORIZED', 'not a valid client credentials token')
  }
  if (!(token.scope ?? '').split(' ').includes(ROSTER_SCOPE)) {
    throw new ProtocolError('ERR_INSUFFICIENT_SCOPE', `the token lacks the ${ROSTER_SCOPE} scope`)
  }
  return token.clientId
}

/** Koa middleware: `GET` under `base` goes to the group endpoints, everything else to the provider. */
export async function serveGroups(
  ctx: ProviderContext,
  next: () => Promise<unknown>,
  base: string,
  groups: (request: Request) => Promise<Response>,
): Promise<unknown> {
  const origin = new URL(base).origin
  const url = `${origin}${ctx.path}${ctx.querystring === '' ? '' : `?${ctx.querystring}`}`
  if (!url.startsWith(base)) return next()
  const authorization = ctx.get('authorization')
  const response = await groups(
    new Request(url, {
      method: ctx.method,
      headers: authorization === '' ? {} : { authorization },
    }),
  )
  ctx.status = response.status
  response.headers.forEach((value, name) => {
    ctx.set(name, value)
  })
  ctx.body = await response.text()
  return undefined
}
