import { ROSTER_SCOPE } from '../auth/constants.js'
import { CONTEXT } from '../constants.js'
import { ProtocolError, isProtocolError } from '../errors.js'
import { problemResponse } from '../http/problem.js'
import type { Group, RosterPage, ToolInstallation } from '../schemas/index.js'
import type { MembershipStore } from './membership-store.js'

/** Options of {@link createGroupHandler}. */
export interface GroupHandlerOptions {
  /** Where the groups, memberships and installations are. */
  readonly store: MembershipStore
  /**
   * Finds which tool sent a request: its origin (the `tool` of its installations, its OAuth
   * `client_id`), or `undefined` when the request carries no credentials. Throw
   * `ProtocolError('ERR_UNAUTHORIZED')` for credentials that do not verify, and
   * `ProtocolError('ERR_INSUFFICIENT_SCOPE')` for a valid token without `cta:roster`. The authority plugin
   * of `@cta-interop/sdk/authority` accepts client-credentials tokens with scope `cta:roster`.
   */
  readonly authenticate: (request: Request) => Promise<string | undefined> | string | undefined
  /** Memberships per roster page unless the request asks for fewer. Default 100, at most 1,000. */
  readonly pageSize?: number
}

/** The largest roster page an authority serves. */
export const MAX_ROSTER_PAGE = 1000

const NUMBER = /^(0|[1-9]\d{0,15})$/
const LIMIT = /^[1-9]\d{0,6}$/
const QUERY = new Set(['after', 'snapshot', 'since', 'limit'])

const json = (body: unknown): Response =>
  new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  })

function embedded(installation: ToolInstallation): Omit<ToolInstallation, '@context'> {
  const { '@context': _context, ...rest } = installation
  return rest
}

interface RosterQuery {
  readonly after?: number
  readonly snapshot?: number
  readonly since?: number
  readonly limit?: number
}

function parseQuery(url: URL): RosterQuery {
  const query: Record<string, number> = {}
  for (const [name, value] of url.searchParams) {
    if (!QUERY.has(name) || name in query || !(name === 'limit' ? LIMIT : NUMBER).test(value)) {
      throw new ProtocolError('ERR_REQUEST_INVALID', `not a roster query: ${name}`)
    }
    query[name] = Number(value)
  }
  if (query['since'] !== undefined && (query['after'] ?? query['snapshot']) !== undefined) {
    throw new ProtocolError('ERR_REQUEST_INVALID', 'since cannot be combined with after')
  }
  if ((query['after'] === undefined) !== (query['snapshot'] === undefined)) {
    throw new ProtocolError('ERR_REQUEST_INVALID', 'after and snapshot go together')
  }
  return query
}

/**
 * The RFC 6750 §3 challenge for a refused request: `invalid_token` when a bearer token was sent
 * and is not valid, no error when none was sent, `insufficient_scope` when it lacks the scope.
 */
function bearerChallenge(code: string, authorization: string | null): string | undefined {
  if (code === 'ERR_INSUFFICIENT_SCOPE') {
    return `Bearer error="insufficient_scope", scope="${ROSTER_SCOPE}"`
  }
  if (code !== 'ERR_UNAUTHORIZED') return undefined
  return /^Bearer /i.test(authorization ?? '') ? 'Bearer error="invalid_token"' : 'Bearer'
}

/**
 * Creates the authority's group endpoints, a Fetch API handler for `GET` on a group's IRI (its
 * `Group` document), on its `memberships` (the roster, one {@link RosterPage} at a time) and on its
 * `tools` (its tool installations, an `OrderedCollection`), where the group document names them
 * `<group IRI>/memberships` and `<group IRI>/tools`.
 *
 * The roster is paged in the order memberships last changed. A full read starts at `memberships`
 * and follows `next`; every page carries `differences`, a cursor URL that later returns only the
 * memberships that changed since the read began, ended ones included with their final status.
 * Reading a roster needs an authenticated tool: without a valid bearer token the answer is `401`
 * (`ERR_UNAUTHORIZED`, `WWW-Authenticate: Bearer`, with `error="invalid_token"` when a token was
 * sent), and with a token that `authenticate` finds without the `cta:roster` scope (it throws
 * `ERR_INSUFFICIENT_SCOPE`) `403` with `error="insufficient_scope"`. Unless the group's `rosterVisibility` is `public`,
 * only a tool with an active installation in the group may read it (`ERR_NOT_INSTALLED`
 * otherwise). A `secret` group's document is shown only to its installed tools.
 *
 * @param options `store`, `authenticate`, `pageSize`.
 * @returns The handler; it answers `404` (`ERR_NOT_FOUND`) for URLs that are none of these.
 * @throws {TypeError} When `pageSize` is not an integer from 1 to 1,000.
 * @example
 * ```ts
 * declare const toolOf: (request: Request) => Promise<string | undefined> // the calling tool, from its token
 * const groups = createGroupHandler({ store, authenticate: (request) => toolOf(request) })
 * const response = await groups(new Request('https://decisions.example/g/harbour-commons/memberships'))
 * ```
 * @see {@link https://w3id.org/cta/spec/membership#the-roster Spec: the roster}
 */
export function createGroupHandler(
  options: GroupHandlerOptions,
): (request: Request) => Promise<Response> {
  const pageSize = options.pageSize ?? 100
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_ROSTER_PAGE) {
    throw new TypeError(`pageSize must be an integer from 1 to ${MAX_ROSTER_PAGE}`)
  }
  const { store } = options

  const installed = async (group: Group, tool: string | undefined): Promise<boolean> =>
    tool !== undefined &&
    (await store.getInstallation(group.id, tool))?.installationStatus === 'active'

  const requireTool = async (request: Request): Promise<string> => {
    const tool = await options.authenticate(request)
    if (tool === undefined) throw new ProtocolError('ERR_UNAUTHORIZED', 'credentials required')
    return tool
  }

  const roster = async (group: Group, url: URL): Promise<RosterPage> => {
    const query = parseQuery(url)
    const limit = Math.min(query.limit ?? pageSize, MAX_ROSTER_PAGE)
    const head = await store.lastChange(group.id)
    const base = group.memberships
    const withLimit = query.limit === undefined ? '' : `&limit=${query.limit}`
    if (query.since !== undefined) {
      if (query.since > head) throw new ProtocolError('ERR_REQUEST_INVALID', 'unknown cursor')
      const slice = await store.listMemberships(group.id, {
        after: query.since,
        limit,
        current: false,
      })
      const cursor = `${base}?since=${slice.last}${withLimit}`
      return {
        '@context': [...CONTEXT],
        id: url.href,
        type: 'RosterPage',
        organization: group.id,
        members: [...slice.items],
        ...(slice.more ? { next: cursor } : {}),
        differences: cursor,
      }
    }
    const snapshot = query.snapshot ?? head
    const after = query.after ?? 0
    if (snapshot > head || after > head) {
      throw new ProtocolError('ERR_REQUEST_INVALID', 'unknown cursor')
    }
    const slice = await store.listMemberships(group.id, { after, limit, current: true })
    return {
      '@context': [...CONTEXT],
      id: url.href,
      type: 'RosterPage',
      organization: group.id,
      members: [...slice.items],
      ...(slice.more
        ? { next: `${base}?after=${slice.last}&snapshot=${snapshot}${withLimit}` }
        : {}),
      differences: `${base}?since=${snapshot}${withLimit}`,
    }
  }

  const route = async (request: Request): Promise<Response> => {
    if (request.method !== 'GET') {
      return new Response(null, { status: 405, headers: { allow: 'GET' } })
    }
    const url = new URL(request.url)
    const path = `${url.origin}${url.pathname}`
    const group = await store.getGroup(path)
    if (group !== undefined) {
      // Not even whether a secret group exists is shown to a tool that is not installed in it.
      if (
        group.visibility === 'secret' &&
        !(await installed(group, await options.authenticate(request)))
      ) {
        throw new ProtocolError('ERR_NOT_FOUND', 'no such group')
      }
      if (url.search !== '') throw new ProtocolError('ERR_REQUEST_INVALID', 'no query expected')
      return json(group)
    }
    const slash = path.lastIndexOf('/')
    const owner = await store.getGroup(path.slice(0, slash))
    if (owner !== undefined && owner.memberships === path) {
      const tool = await requireTool(request)
      if (owner.rosterVisibility !== 'public' && !(await installed(owner, tool))) {
        throw new ProtocolError('ERR_NOT_INSTALLED', 'the tool is not installed in this group')
      }
      return json(await roster(owner, url))
    }
    if (owner !== undefined && owner.tools === path) {
      const tool = await requireTool(request)
      if (!(await installed(owner, tool))) {
        throw new ProtocolError('ERR_NOT_INSTALLED', 'the tool is not installed in this group')
      }
      const installations = await store.listInstallations(owner.id)
      return json({
        '@context': [...CONTEXT],
        id: path,
        type: 'OrderedCollection',
        totalItems: installations.length,
        orderedItems: installations.map(embedded),
      })
    }
    throw new ProtocolError('ERR_NOT_FOUND', 'no such resource')
  }

  return async (request) => {
    try {
      return await route(request)
    } catch (err) {
      if (!isProtocolError(err)) throw err
      const response = problemResponse(err)
      const challenge = bearerChallenge(err.code, request.headers.get('authorization'))
      if (challenge !== undefined) response.headers.set('www-authenticate', challenge)
      return response
    }
  }
}
