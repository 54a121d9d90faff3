import { timingSafeEqual, randomUUID } from 'node:crypto'
import { ProtocolError, isProtocolError, problemFor, problemResponse } from '@cta-interop/sdk'

/** Where the control API is mounted unless told otherwise. */
export const CONTROL_BASE_PATH = '/__cta-conformance'

/** The problem type of an action the tool does not support (`501`). */
export const CONTROL_UNSUPPORTED = 'https://w3id.org/cta/conformance/v1/control#unsupported-action'

/** A member the tool created for a session. */
export interface ControlMember {
  /** The member's IRI at the group's authority. */
  readonly id: string
  readonly name: string
}

/** What the conformance suite asks for when it opens a session. */
export interface ControlSessionRequest {
  /** The suite's tool origin: trust it as a peer (install it in the group, accept its events). */
  readonly peer: string
  /** Names of members to create (an authority) or expect (a relying tool). */
  readonly members: readonly string[]
  /**
   * When the suite is the group's authority (testing a relying tool): its issuer, the group it
   * holds, and the client secret it registered for this tool (`client_id` = the tool's origin).
   */
  readonly authority?: {
    readonly issuer: string
    readonly group: string
    readonly clientSecret: string
  }
  /**
   * `false`: know the suite's tool (resolve its manifest, authenticate its requests) but do NOT
   * install it in the session's group, so that the cases proving "only for an installed tool" can
   * run. Default `true`. A tool that cannot set this up throws {@link ControlUnsupportedError}.
   */
  readonly install?: boolean
  /**
   * `true`: set the session up in a group of its own, different from the group of every other
   * open session, so that the cases proving "only to that group" can run. A tool that serves only
   * one group throws {@link ControlUnsupportedError}.
   */
  readonly separateGroup?: boolean
}

/**
 * Thrown by `createSession` or an action when the tool cannot do what the suite asked: answered
 * `501` with the problem type {@link CONTROL_UNSUPPORTED}, so the suite counts the cases that need
 * it as untested, never as passed.
 */
export class ControlUnsupportedError extends Error {
  override readonly name = 'ControlUnsupportedError'
}

/** What a tool set up for a session. */
export interface ControlSessionSetup {
  /** The group the session's events, members and intents belong to. */
  readonly group: string
  readonly members: readonly ControlMember[]
  /** When the tool is an authority: the OAuth client it registered for the suite. */
  readonly client?: { readonly client_id: string; readonly client_secret: string }
}

/** A session, as actions see it. */
export interface ControlSession extends ControlSessionSetup {
  readonly id: string
  readonly peer: string
  readonly authority?: ControlSessionRequest['authority']
  /** Whether the suite's tool is installed in the session's group (`install` was not `false`). */
  readonly installed: boolean
}

/** An event the tool accepted, reported to the suite. */
export interface ControlObservation {
  readonly source: string
  readonly id: string
  readonly type: string
  /** When it was accepted (ISO 8601). */
  readonly at: string
}

/** One action: what it does is the tool's; its parameters and result are JSON objects. */
export type ControlAction = (
  session: ControlSession,
  params: Readonly<Record<string, unknown>>,
) => Promise<Record<string, unknown>> | Record<string, unknown>

/** Options of {@link createControlHandler}. */
export interface ControlHandlerOptions {
  /**
   * The bearer token the suite must present: at least 32 characters and an estimated 128 bits of
   * entropy, such as 32 random bytes in base64url (`openssl rand -base64 32 | tr '+/' '-_'` or
   * `randomBytes(32).toString('base64url')`). Without one there is no control API: pass it only
   * from test or demo configuration, never in production.
   */
  readonly token: string
  /** The path prefix. Default {@link CONTROL_BASE_PATH}. */
  readonly basePath?: string
  /** Sets up a session: trust the peer, create or find the group and members. */
  readonly createSession: (
    request: ControlSessionRequest,
  ) => Promise<ControlSessionSetup> | ControlSessionSetup
  /** Tears a session down. Optional. */
  readonly deleteSession?: (session: ControlSession) => Promise<void> | void
  /**
   * The actions the tool supports, by name: `emit`, `add-member`, `remove-member`,
   * `arm-sign-in`, `start-sign-in`, `access`, `publish-request`, `poll-open`, `contribute`, …
   * (see the OpenAPI document). Others are answered `501`. An action that throws a
   * `ProtocolError` is answered `422` `application/problem+json` with the code's registry type
   * (the tool's rules refused it: `ERR_POLL_CLOSED`, `ERR_BUDGET_OVERDRAWN`, …), except
   * `ERR_REQUEST_INVALID` (`400`) and `ERR_NOT_FOUND` (`404`), the caller's mistakes.
   */
  readonly actions: Readonly<Record<string, ControlAction>>
  /** Largest request body, in bytes. Default 16 KiB. */
  readonly maxBodyBytes?: number
}

/** The control API: a Fetch API handler, and the hook that records accepted events. */
export interface ControlHandler {
  /** Answers requests under the base path; `undefined` for any other path. */
  readonly handle: (request: Request) => Promise<Response | undefined>
  /** Records an event the tool accepted, for each open session whose peer sent it. */
  readonly observe: (event: {
    readonly source: string
    readonly id: string
    readonly type: string
  }) => void
  /** The open sessions. */
  readonly sessions: () => readonly ControlSession[]
}

/** Codes an action throws for the caller's mistake (bad params, an unknown IRI): their own status. */
const CALLER_ERRORS: ReadonlySet<string> = new Set(['ERR_REQUEST_INVALID', 'ERR_NOT_FOUND'])

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

const sameToken = (given: string, expected: Uint8Array): boolean => {
  const bytes = new TextEncoder().encode(given)
  return bytes.length === expected.length && timingSafeEqual(bytes, expected)
}

const unsupported = (detail: string): Response =>
  new Response(
    JSON.stringify({ type: CONTROL_UNSUPPORTED, title: 'Unsupported action', status: 501, detail }),
    { status: 501, headers: { 'content-type': 'application/problem+json' } },
  )

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function parseSessionRequest(body: unknown): ControlSessionRequest {
  if (!isObject(body) || typeof body['peer'] !== 'string') {
    throw new ProtocolError('ERR_REQUEST_INVALID', 'a session needs "peer", the suite origin')
  }
  let peer: URL
  try {
    peer = new URL(body['peer'])
  } catch {
    throw new ProtocolError('ERR_REQUEST_INVALID', '"peer" must be an origin')
  }
  if (peer.origin !== body['peer']) {
    throw new ProtocolError('ERR_REQUEST_INVALID', '"peer" must be an origin')
  }
  const members = body['members'] ?? []
  if (
    !Array.isArray(members) ||
    !members.every((m) => typeof m === 'string') ||
    members.length > 20
  ) {
    throw new ProtocolError('ERR_REQUEST_INVALID', '"members" must be at most 20 names')
  }
  const authority = body['authority']
  if (
    authority !== undefined &&
    !(
      isObject(authority) &&
      typeof authority['issuer'] === 'string' &&
      typeof authority['group'] === 'string' &&
      typeof authority['clientSecret'] === 'string'
    )
  ) {
    throw new ProtocolError(
      'ERR_REQUEST_INVALID',
      '"authority" needs "issuer", "group" and "clientSecret"',
    )
  }
  for (const flag of ['install', 'separateGroup'] as const) {
    if (body[flag] !== undefined && typeof body[flag] !== 'boolean') {
      throw new ProtocolError('ERR_REQUEST_INVALID', `"${flag}" must be a boolean`)
    }
  }
  return {
    peer: peer.origin,
    members: members,
    ...(body['install'] === undefined ? {} : { install: body['install'] as boolean }),
    ...(body['separateGroup'] === undefined
      ? {}
      : { separateGroup: body['separateGroup'] as boolean }),
    ...(authority === undefined
      ? {}
      : { authority: authority as unknown as NonNullable<ControlSessionRequest['authority']> }),
  }
}

/** The shortest control token accepted. */
const MIN_TOKEN_LENGTH = 32
/** The least estimated entropy of a control token, in bits. */
const MIN_TOKEN_BITS = 128

/**
 * An upper estimate of a token's entropy from its own character frequencies (its length times the
 * Shannon entropy of its characters): 0 for `aaaa…`, about 4.6 bits a character for random
 * base64url. It cannot see that a phrase is guessable, so it rejects only what has too little
 * variety; the documentation asks for random bytes.
 */
function estimatedBits(token: string): number {
  const counts = new Map<string, number>()
  let length = 0
  for (const c of token) {
    counts.set(c, (counts.get(c) ?? 0) + 1)
    length++
  }
  let bits = 0
  for (const n of counts.values()) bits -= n * Math.log2(n / length)
  return bits
}

/**
 * The test-only control API that lets the conformance suite drive a tool unattended in live mode:
 * open a session (trust the suite as a peer, set up a group and members), trigger actions, and
 * read which of the suite's events the tool accepted. Every request needs
 * `Authorization: Bearer <token>`; a wrong or missing token is `401` (`ERR_UNAUTHORIZED`). Mount it
 * only when a token is configured for tests or a demo: it lets the bearer act as the tool.
 *
 * @param options `token`, `createSession` and `actions` (required), `basePath`, `deleteSession`,
 *   `maxBodyBytes`.
 * @returns `handle` (a Fetch API handler that answers `undefined` outside the base path),
 *   `observe` (call it from the inbox's `onEvent`) and `sessions`.
 * @throws {TypeError} When `token` is missing, shorter than 32 characters or of too little
 *   variety: its characters' frequencies estimate less than 128 bits (16 repeated letters, a
 *   short phrase).
 * @example
 * ```ts
 * import { createControlHandler } from '@cta-interop/sdk/node'
 * declare const trusted: Set<string> // the peers the tool accepts requests from
 * declare const emitSomething: () => Promise<string> // emits an event; its id
 * const token = process.env.CTA_CONFORMANCE_TOKEN
 * const control = token === undefined ? undefined : createControlHandler({
 *   token,
 *   createSession: ({ peer }) => { trusted.add(peer); return { group, members: [] } },
 *   actions: { emit: async () => ({ id: await emitSomething() }) },
 * })
 * // in the server: (await control?.handle(request)) ?? otherRoutes(request)
 * // in the inbox: onEvent: (event) => { control?.observe(event); … }
 * ```
 * @see {@link https://w3id.org/cta/spec/index#conformance Spec: conformance}
 */
export function createControlHandler(options: ControlHandlerOptions): ControlHandler {
  if (
    typeof options.token !== 'string' ||
    options.token.length < MIN_TOKEN_LENGTH ||
    estimatedBits(options.token) < MIN_TOKEN_BITS
  ) {
    throw new TypeError(
      'the control API needs a random token: at least 32 characters and 128 bits, ' +
        "such as randomBytes(32).toString('base64url')",
    )
  }
  const expected = new TextEncoder().encode(options.token)
  const base = (options.basePath ?? CONTROL_BASE_PATH).replace(/\/$/, '')
  const maxBytes = options.maxBodyBytes ?? 16 * 1024
  const open = new Map<string, { session: ControlSession; observed: ControlObservation[] }>()

  const readJson = async (request: Request): Promise<unknown> => {
    const text = await request.text()
    if (new TextEncoder().encode(text).length > maxBytes) {
      throw new ProtocolError('ERR_TOO_LARGE', `body larger than ${maxBytes} bytes`)
    }
    try {
      return JSON.parse(text) as unknown
    } catch {
      throw new ProtocolError('ERR_REQUEST_INVALID', 'the body is not JSON')
    }
  }

  const sessionOf = (id: unknown) => {
    const entry = typeof id === 'string' ? open.get(id) : undefined
    if (entry === undefined) throw new ProtocolError('ERR_NOT_FOUND', 'no such session')
    return entry
  }

  const route = async (request: Request, path: string): Promise<Response> => {
    const auth = request.headers.get('authorization') ?? ''
    if (!auth.startsWith('Bearer ') || !sameToken(auth.slice(7), expected)) {
      return problemResponse(new ProtocolError('ERR_UNAUTHORIZED', 'a bearer token is required'), {
        'www-authenticate': 'Bearer',
      })
    }
    if (path === '/sessions' && request.method === 'POST') {
      const sessionRequest = parseSessionRequest(await readJson(request))
      const setup = await options.createSession(sessionRequest)
      const session: ControlSession = {
        id: randomUUID(),
        peer: sessionRequest.peer,
        installed: sessionRequest.install !== false,
        ...(sessionRequest.authority === undefined ? {} : { authority: sessionRequest.authority }),
        ...setup,
      }
      open.set(session.id, { session, observed: [] })
      return json(
        {
          session: session.id,
          group: setup.group,
          members: setup.members,
          ...(setup.client === undefined ? {} : { client: setup.client }),
        },
        201,
      )
    }
    const sessionPath = /^\/sessions\/([^/]+)$/.exec(path)
    if (sessionPath !== null && request.method === 'DELETE') {
      const entry = sessionOf(decodeURIComponent(sessionPath[1] ?? ''))
      await options.deleteSession?.(entry.session)
      open.delete(entry.session.id)
      return new Response(null, { status: 204 })
    }
    if (path === '/actions' && request.method === 'POST') {
      const body = await readJson(request)
      if (!isObject(body) || typeof body['action'] !== 'string') {
        throw new ProtocolError('ERR_REQUEST_INVALID', 'an action needs "session" and "action"')
      }
      const { session } = sessionOf(body['session'])
      const name = body['action']
      const action = Object.hasOwn(options.actions, name) ? options.actions[name] : undefined
      if (action === undefined) {
        return unsupported(`this tool does not support the action "${name}"`)
      }
      const params = isObject(body['params']) ? body['params'] : {}
      try {
        return json(await action(session, params))
      } catch (err) {
        if (!isProtocolError(err) || CALLER_ERRORS.has(err.code)) throw err
        // A refusal by the tool's rules (a stance on a closed poll, an over-allocation): 422
        // with the code's registry type, whatever status the code has on an inbox.
        return new Response(JSON.stringify({ ...problemFor(err), status: 422 }), {
          status: 422,
          headers: { 'content-type': 'application/problem+json' },
        })
      }
    }
    if (path === '/observations' && request.method === 'GET') {
      const entry = sessionOf(new URL(request.url).searchParams.get('session'))
      return json({ session: entry.session.id, accepted: entry.observed })
    }
    return problemResponse(new ProtocolError('ERR_NOT_FOUND', 'no such control endpoint'))
  }

  return {
    async handle(request) {
      const path = new URL(request.url).pathname
      if (path !== base && !path.startsWith(`${base}/`)) return undefined
      try {
        return await route(request, path.slice(base.length))
      } catch (err) {
        if (err instanceof ControlUnsupportedError) return unsupported(err.message)
        return problemResponse(err)
      }
    },
    observe(event) {
      const at = new Date().toISOString()
      for (const entry of open.values()) {
        if (entry.session.peer === event.source) {
          entry.observed.push({ source: event.source, id: event.id, type: event.type, at })
        }
      }
    },
    sessions: () => [...open.values()].map((e) => e.session),
  }
}
