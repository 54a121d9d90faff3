/**
 * What the group-authority cases share: the suite as a relying tool of the authority under test,
 * for the run's session or for an extra session a case opens (a group of its own, with or without
 * the suite's installation). Each session's group is discovered with that session's OAuth client.
 */
import {
  discoverAuthority,
  finishSignIn,
  requestRosterToken,
  signRequestToken,
  signSubscriptionRequest,
  startSignIn,
  verifyEvent,
  type DiscoveredAuthority,
  type Event,
} from '@cta-interop/sdk'
import type { LiveContext } from '../case.js'
import { check, Untested, waitUntil } from '../case.js'
import type { Session } from '../control.js'
import { problemType } from './suite-events.js'

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'

/** A session with the OAuth client the authority registered for the suite. */
export interface ClientSession extends Session {
  readonly client: { readonly client_id: string; readonly client_secret: string }
}

/** The run's session, with its client. */
export function mainSession(ctx: LiveContext): ClientSession {
  const session = ctx.session
  if (session === undefined || session.client === undefined) {
    throw new Untested('the control API registered no OAuth client for the suite')
  }
  return session as ClientSession
}

/**
 * Opens an extra session in a group of its own (`separateGroup`), runs `body`, then closes it.
 * `install: false` asks that the suite's tool be known but not installed in that group.
 */
export async function withSession<T>(
  ctx: LiveContext,
  options: { readonly install?: boolean; readonly members?: readonly string[] },
  body: (session: ClientSession) => Promise<T>,
): Promise<T> {
  if (ctx.control === undefined) throw new Untested('needs the control API')
  const session = await ctx.control.openSession({
    peer: ctx.peer.origin,
    members: options.members ?? ['Ana', 'Ben'],
    separateGroup: true,
    ...(options.install === false ? { install: false } : {}),
  })
  try {
    if (session.client === undefined) {
      throw new Untested('the control API registered no OAuth client for the suite')
    }
    check(
      session.group !== mainSession(ctx).group,
      'a session opened with separateGroup shares the group of the run’s session',
      { group: `not ${mainSession(ctx).group}` },
      { group: session.group },
    )
    return await body(session as ClientSession)
  } finally {
    await ctx.control.closeSession(session).catch(() => undefined)
  }
}

const discovered = new WeakMap<ClientSession, Promise<DiscoveredAuthority>>()

/** The authority of the session's group, as the suite's tool (that session's client) sees it. */
export function discover(
  ctx: LiveContext,
  session: ClientSession = mainSession(ctx),
): Promise<DiscoveredAuthority> {
  let pending = discovered.get(session)
  if (pending === undefined) {
    pending = discoverAuthority(session.group, {
      clientId: session.client.client_id,
      clientSecret: session.client.client_secret,
      allowHttp: true,
      allowPrivateNetwork: true,
      fetch: ctx.wire.fetch,
    })
    discovered.set(session, pending)
  }
  return pending
}

export const redirectUri = (ctx: LiveContext): string => `${ctx.peer.origin}/cta/callback`

const signedIn = new WeakMap<
  ClientSession,
  Map<string, Promise<{ accessToken: string; groups: unknown }>>
>()

/** Signs the session's `index`-th member in (once per session) and returns their access token. */
export function signIn(
  ctx: LiveContext,
  index: number,
  session: ClientSession = mainSession(ctx),
): Promise<{ accessToken: string; groups: unknown }> {
  let byMember = signedIn.get(session)
  if (byMember === undefined) {
    byMember = new Map()
    signedIn.set(session, byMember)
  }
  const member = session.members[index]
  if (member === undefined) throw new Untested(`the session has no member ${index + 1}`)
  let pending = byMember.get(member.id)
  if (pending === undefined) {
    pending = (async () => {
      const authority = await discover(ctx, session)
      if (ctx.control === undefined) throw new Untested('needs the control API')
      await ctx.control.act(session, 'arm-sign-in', { member: member.id })
      const { url, pending: started } = await startSignIn(authority, {
        redirectUri: redirectUri(ctx),
      })
      const visit = await ctx.newBrowser().visit(url, { stopAt: redirectUri(ctx) })
      check(
        visit.stopped,
        'the authority did not redirect back to the suite',
        { redirect: redirectUri(ctx) },
        { url: visit.url, status: visit.response?.status },
      )
      const result = await finishSignIn(authority, visit.url, started)
      check(
        result.sub === member.id,
        'the authority signed in someone other than the member the control API armed',
        { sub: member.id },
        { sub: result.sub },
      )
      return { accessToken: result.accessToken, groups: result.claims['groups'] }
    })()
    byMember.set(member.id, pending)
  }
  return pending
}

/** What the token endpoint answered a raw request. */
export interface TokenAnswer {
  readonly status: number
  readonly error: string | undefined
  readonly issued: boolean
  readonly accessToken?: string
  /** The granted scope, when the answer states it. */
  readonly scope?: string
}

/** A raw request to the token endpoint, authenticated as the session's client. */
export async function tokenRequest(
  ctx: LiveContext,
  params: Record<string, string>,
  session: ClientSession = mainSession(ctx),
): Promise<TokenAnswer> {
  const authority = await discover(ctx, session)
  const endpoint = authority.configuration.serverMetadata().token_endpoint
  if (endpoint === undefined) throw new Error('the discovery document has no token_endpoint')
  const c = session.client
  const basic = Buffer.from(
    `${encodeURIComponent(c.client_id)}:${encodeURIComponent(c.client_secret)}`,
  ).toString('base64')
  const response = await ctx.wire.fetch(endpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(params).toString(),
  })
  const body = (await response.json().catch(() => ({}))) as {
    error?: string
    access_token?: string
    scope?: unknown
  }
  return {
    status: response.status,
    error: body.error,
    issued: typeof body.access_token === 'string',
    ...(typeof body.access_token === 'string' ? { accessToken: body.access_token } : {}),
    ...(typeof body.scope === 'string' ? { scope: body.scope } : {}),
  }
}

/** A raw token exchange request (RFC 8693), for the refusals. */
export const exchange = (
  ctx: LiveContext,
  params: Record<string, string>,
  session: ClientSession = mainSession(ctx),
): Promise<TokenAnswer> =>
  tokenRequest(
    ctx,
    { grant_type: TOKEN_EXCHANGE, subject_token_type: ACCESS_TOKEN_TYPE, ...params },
    session,
  )

/** Fails unless the token endpoint refused with exactly this OAuth error (`400`). */
export function expectOAuthError(answer: TokenAnswer, error: string, message: string) {
  const expected = { status: 400, error }
  const actual = { status: answer.status, error: answer.error, issued: answer.issued }
  check(
    answer.status === 400 && answer.error === error && !answer.issued,
    message,
    expected,
    actual,
  )
  return { expected, actual }
}

/** The suite's roster token at the session's authority (client credentials, `cta:roster`). */
export async function rosterToken(
  ctx: LiveContext,
  session: ClientSession = mainSession(ctx),
): Promise<string> {
  return (await requestRosterToken(await discover(ctx, session))).accessToken
}

/** What a group endpoint answered. */
export interface GroupAnswer {
  readonly status: number
  readonly type: string | undefined
  readonly body: unknown
  readonly text: string
  /** The `WWW-Authenticate` header, if any. */
  readonly challenge: string | null
}

/** A `GET` of a group endpoint (`memberships`, `tools`, a cursor) with this `Authorization`. */
export async function getGroupResource(
  ctx: LiveContext,
  url: string,
  authorization?: string,
): Promise<GroupAnswer> {
  const response = await ctx.wire.fetch(url, {
    headers: authorization === undefined ? {} : { authorization },
  })
  const text = await response.text()
  let body: unknown
  try {
    body = JSON.parse(text) as unknown
  } catch {
    body = undefined
  }
  const type =
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { type?: unknown }).type === 'string'
      ? (body as { type: string }).type
      : undefined
  return {
    status: response.status,
    type,
    body,
    text,
    challenge: response.headers.get('www-authenticate'),
  }
}

/** Fails unless the answer is `status` with the registry's problem type for `code`. */
export function expectProblem(answer: GroupAnswer, status: number, code: string, what: string) {
  const expected = { status, type: problemType(code) }
  const actual = { status: answer.status, type: answer.type }
  check(
    answer.status === status && answer.type === problemType(code),
    `${what}: expected ${status} ${code}, got ${answer.status} ${String(answer.type)}`,
    expected,
    actual,
  )
  return { expected, actual }
}

/** Subscribes the suite's inbox to every event of `group`; `false` when the tool has no endpoint. */
export async function subscribeTo(ctx: LiveContext, group: string): Promise<boolean> {
  const url = ctx.manifest.subscriptions
  if (url === undefined) return false
  const body = await signSubscriptionRequest(
    { sink: `${ctx.peer.origin}/cta/inbox`, group },
    ctx.peer.key,
    { audience: ctx.sut.endpoints.origin },
  )
  const response = await ctx.wire.fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/jose' },
    body,
  })
  await response.body?.cancel()
  check(
    response.status === 201,
    `subscribing to the session's group was answered ${response.status}`,
    { status: 201 },
    { status: response.status },
  )
  return true
}

/** Every JWS the tool's feed holds for `group` (empty when it has no feed or refuses the suite). */
export async function readFeed(ctx: LiveContext, group: string): Promise<string[]> {
  const feed = ctx.manifest.feed
  if (feed === undefined) return []
  const items: string[] = []
  let after: string | null = null
  for (let page = 0; page < 50; page++) {
    const url = `${feed}?group=${encodeURIComponent(group)}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`
    const token = await signRequestToken({ method: 'GET', url: feed }, ctx.peer.key)
    const response = await ctx.wire.fetch(url, { headers: { authorization: `CTA-JWS ${token}` } })
    if (response.status !== 200) {
      await response.body?.cancel()
      break
    }
    const body = (await response.json()) as { items?: string[]; next?: string | null }
    items.push(...(body.items ?? []))
    if ((body.items ?? []).length === 0 || typeof body.next !== 'string') break
    after = body.next
  }
  return items
}

/** The payload of a JWS, unverified (for picking the event a case waits for). */
function peek(jws: string): { type?: unknown; group?: unknown } | undefined {
  try {
    return JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      type?: unknown
      group?: unknown
    }
  } catch {
    return undefined
  }
}

/** An event the tool announced, verified with its published keys, and how it reached the suite. */
export interface Announced {
  readonly event: Event
  readonly via: 'subscription' | 'feed'
}

/**
 * Waits until an event of `type` in `group` that `matches` reaches the suite, by its subscription
 * (deliveries to the suite's inbox) or in the tool's feed, and verifies it. `undefined` when none
 * came within the patience.
 */
export async function awaitAnnounced(
  ctx: LiveContext,
  group: string,
  type: string,
  matches: (event: Event) => boolean,
): Promise<Announced | undefined> {
  const tried = new Set<string>()
  const consider = async (jws: string, via: Announced['via']) => {
    if (tried.has(jws)) return undefined
    const payload = peek(jws)
    if (payload?.type !== type || payload.group !== group) return undefined
    tried.add(jws)
    const { event } = await verifyEvent(jws, { resolveKey: ctx.resolveKey })
    return matches(event) ? { event, via } : undefined
  }
  let lastFeed = 0
  return waitUntil(async () => {
    for (const d of ctx.peer.deliveries) {
      const found = await consider(d.body, 'subscription')
      if (found !== undefined) return found
    }
    if (Date.now() - lastFeed > 1000) {
      lastFeed = Date.now()
      for (const jws of await readFeed(ctx, group)) {
        const found = await consider(jws, 'feed')
        if (found !== undefined) return found
      }
    }
    return undefined
  }, ctx.patience)
}
