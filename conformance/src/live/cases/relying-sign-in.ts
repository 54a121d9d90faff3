/**
 * What the Group-Auth Relying Tool cases share: a member signing in through the tool at the suite's
 * authority (with a mutated ID token or assertion when a case asks), sessions in groups of their
 * own, and the authority's signed announcements.
 */
import type { Event, Group } from '@cta-interop/sdk'
import type { LiveContext } from '../case.js'
import { check, Untested } from '../case.js'
import type { Session } from '../control.js'
import type { PeerAuthority } from '../peer.js'
import { signJwt } from './sign-jwt.js'

let members = 0
let groups = 0

/** What {@link signInThroughTool} can change on the way. */
export interface SignInOptions {
  /** Replaces the assertion the authority's token exchange answers with. */
  readonly mutate?: (assertion: string) => Promise<string>
  /** Replaces the ID token the authority's authorization code grant answers with. */
  readonly mutateIdToken?: (idToken: string) => Promise<string>
  /** Rewrites the redirect back to the tool's callback. */
  readonly rewriteCallback?: (url: URL) => URL
  /** Signs this member in (default: a new member of the session's group). */
  readonly member?: string
  /** The control session to sign in through (default: the run's). */
  readonly session?: Session
}

/** The suite as authority and the control API, or the case is untested. */
export function relyingContext(ctx: LiveContext): {
  authority: PeerAuthority
  control: NonNullable<LiveContext['control']>
  session: Session
} {
  const { authority, control, session } = ctx
  if (authority === undefined || control === undefined || session === undefined) {
    throw new Untested('needs the control API and the suite as authority')
  }
  return { authority, control, session }
}

/** Asks the tool whether `member` has access in the session's group now. */
export async function accessOf(
  ctx: LiveContext,
  member: string,
  session?: Session,
): Promise<boolean> {
  const { control, session: main } = relyingContext(ctx)
  const { access } = await control.act(session ?? main, 'access', { member })
  return access === true
}

/** Signs a member in through the tool; returns whether the tool then grants access. */
export async function signInThroughTool(ctx: LiveContext, options: SignInOptions = {}) {
  const { authority, control, session: main } = relyingContext(ctx)
  const session = options.session ?? main
  const member = options.member ?? (await authority.addMember(`Member ${++members}`, session.group))
  authority.armSignIn(member)
  authority.mutateNextAssertion(options.mutate)
  const seen = { idToken: false }
  const mutateIdToken = options.mutateIdToken
  authority.mutateNextIdToken(
    mutateIdToken === undefined
      ? undefined
      : (idToken) => {
          seen.idToken = true
          return mutateIdToken(idToken)
        },
  )
  let authorizationRequest: URL | undefined
  try {
    const started = await control.act(session, 'start-sign-in', { member })
    if (typeof started['url'] !== 'string') throw new Error('start-sign-in returned no url')
    await ctx.newBrowser().visit(new URL(started['url'], ctx.sut.endpoints.origin).href, {
      rewrite: (url) => {
        if (url.origin === ctx.peer.origin && authorizationRequest === undefined)
          authorizationRequest = url
        const callback = ctx.sut.endpoints.callback ?? ''
        return options.rewriteCallback !== undefined && url.href.startsWith(callback)
          ? options.rewriteCallback(url)
          : url
      },
    })
  } finally {
    authority.mutateNextAssertion(undefined)
    authority.mutateNextIdToken(undefined)
  }
  // Without these, a case would pass without testing anything: the member must really have signed
  // in at the suite's authority, and a tool offered a mutated ID token or assertion must really
  // have asked for one.
  if (!authority.loggedIn.includes(member)) {
    throw new Error('the sign-in never reached the login at the suite authority')
  }
  if (mutateIdToken !== undefined && !seen.idToken) {
    throw new Error('the tool never redeemed the authorization code at the suite authority')
  }
  check(
    options.mutate === undefined || authority.exchanges.some((e) => e.member === member),
    'the tool did not exchange the access token for a membership assertion',
    { tokenExchange: true },
    { tokenExchange: false },
  )
  const access = await accessOf(ctx, member, session)
  return { member, access, authorizationRequest }
}

/** A compact JWT's header and claims. */
export const decode = (jwt: string) => {
  const [h = '', p = ''] = jwt.split('.')
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>,
  }
}

/** Signs claims again with the authority's own key: a mutation the signature cannot reveal. */
export const resign = (
  ctx: LiveContext,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
) => signJwt(header, claims, ctx.authority?.providerKey)

/** Now, in seconds since the epoch. */
export const now = () => Math.floor(Date.now() / 1000)

/**
 * Opens a control session in a group of its own at the suite's authority (with the tool installed
 * in it), so that a case ending access in its group leaves every other case's group alone.
 */
export async function sessionInOwnGroup(
  ctx: LiveContext,
  slug: string,
): Promise<{ group: Group; session: Session }> {
  const { authority, control } = relyingContext(ctx)
  const group = await authority.addGroup(`${slug}-${++groups}`)
  const session = await control.openSession({
    peer: ctx.peer.origin,
    members: [],
    authority: { issuer: authority.issuer, group: group.id, clientSecret: authority.clientSecret },
  })
  if (session.group !== group.id) {
    throw new Error(`the tool opened the session in ${session.group}, not ${group.id}`)
  }
  return { group, session }
}

/** Runs a change at the suite's authority and returns the signed event of `type` it emitted. */
export async function announced(
  ctx: LiveContext,
  type: string,
  change: (authority: PeerAuthority) => Promise<unknown>,
): Promise<{ readonly jws: string; readonly event: Event }> {
  const { authority } = relyingContext(ctx)
  const before = authority.emitted.length
  await change(authority)
  const emitted = authority.emitted.slice(before).find((e) => e.event.type === type)
  if (emitted === undefined) throw new Error(`the suite authority emitted no ${type}`)
  return emitted
}
