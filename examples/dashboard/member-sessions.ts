// "Sign in with your group" on the dashboard (the relying-tool calls of spec/group-auth.md):
// `GET /signin?group=<iri>` sends the member to the group's authority (startSignIn), and
// `GET /cta/callback` checks the answer and the ID token (finishSignIn), then opens a session
// that keeps the member's access token server-side: the dashboard exchanges it for the member's
// `cta:export` assertions when they download their data (EXP-AUTH-003).
import {
  discoverAuthority,
  finishSignIn,
  isProtocolError,
  startSignIn,
  type DiscoveredAuthority,
  type PendingSignIn,
} from '@cta-interop/sdk'
import { LOCAL } from '../src/producer.js'
import { htmlPage } from '../src/page-layout.js'

/** The dashboard's session cookie: a random id standing for a signed-in member. */
export const DASHBOARD_SESSION_COOKIE = 'dashboard_session'
/** The cookie that ties the authority's redirect back to the sign-in that started it. */
const SIGN_IN_COOKIE = 'dashboard_signin'

/** A signed-in member, as the dashboard's session holds them (server-side only). */
export interface MemberSession {
  /** The member's IRI at the group's authority (the ID token's `sub`). */
  readonly member: string
  readonly group: string
  /** The member's access token at the authority, issued to the dashboard. */
  readonly accessToken: string
}

/** The dashboard's sign-in routes and its sessions. */
export interface MemberSessions {
  /** `GET /signin?group=<iri>`: a 303 to the group's authority. */
  signIn(request: Request): Promise<Response>
  /** `GET /cta/callback`: the authority sent the member back. */
  callback(request: Request): Promise<Response>
  /** The session a request's cookie stands for, if any. */
  of(request: Request): MemberSession | undefined
  /** The group's authority, as the dashboard's OAuth client there. */
  authority(group: string): Promise<DiscoveredAuthority>
}

/** The value of a cookie in a request. */
export function cookieOf(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

/**
 * A 303 that sets one cookie: HttpOnly, SameSite=Lax (sent on the authority's top-level redirect
 * back, not on another site's POST). Add `Secure` when served over HTTPS.
 */
const redirect = (location: string, cookie: string): Response =>
  new Response(null, {
    status: 303,
    headers: { location, 'set-cookie': `${cookie}; Path=/; HttpOnly; SameSite=Lax` },
  })

const randomId = (): string =>
  Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url')

/**
 * The dashboard's sessions. `credentials(group)` are its client credentials at the group's
 * authority (from the install flow), or `undefined` where it is not installed.
 */
export function createMemberSessions(options: {
  readonly origin: string
  readonly credentials: (
    group: string,
  ) => Promise<{ readonly clientId: string; readonly clientSecret: string } | undefined>
  /** Where a signed-in member lands. */
  readonly home: string
}): MemberSessions {
  const tool = { name: 'Dashboard', origin: options.origin }
  const authorities = new Map<string, Promise<DiscoveredAuthority>>()
  const signIns = new Map<string, PendingSignIn>()
  const sessions = new Map<string, MemberSession>()

  const authority = (group: string): Promise<DiscoveredAuthority> => {
    let found = authorities.get(group)
    if (found === undefined) {
      found = options.credentials(group).then((credentials) => {
        if (credentials === undefined) throw new Error('the dashboard is not installed there')
        return discoverAuthority(group, { ...credentials, ...LOCAL })
      })
      // Found again after a failure.
      found.catch(() => authorities.delete(group))
      authorities.set(group, found)
    }
    return found
  }
  const message = (title: string, text: string, status: number) =>
    htmlPage({ tool, title, body: `<p>${text}</p>` }, status)

  return {
    authority,
    of(request) {
      const id = cookieOf(request, DASHBOARD_SESSION_COOKIE)
      return id === undefined ? undefined : sessions.get(id)
    },
    async signIn(request) {
      const group = new URL(request.url).searchParams.get('group') ?? ''
      if ((await options.credentials(group)) === undefined) {
        return message('Unknown group', 'The dashboard is not installed in that group.', 404)
      }
      const { url, pending } = await startSignIn(await authority(group), {
        redirectUri: `${options.origin}/cta/callback`,
      })
      const id = randomId()
      signIns.set(id, pending)
      return redirect(url, `${SIGN_IN_COOKIE}=${id}; Max-Age=600`)
    },
    async callback(request) {
      const id = cookieOf(request, SIGN_IN_COOKIE)
      const pending = id === undefined ? undefined : signIns.get(id)
      if (id === undefined || pending === undefined) {
        return message('Sign-in expired', 'No sign-in in progress: start again.', 400)
      }
      signIns.delete(id)
      try {
        const signedIn = await finishSignIn(await authority(pending.group), request.url, pending)
        const session = randomId()
        sessions.set(session, {
          member: signedIn.sub,
          group: signedIn.group,
          accessToken: signedIn.accessToken,
        })
        return redirect(options.home, `${DASHBOARD_SESSION_COOKIE}=${session}`)
      } catch (err) {
        if (!isProtocolError(err)) throw err
        const error = new URL(request.url).searchParams.get('error') ?? err.code
        return message(
          'Sign-in refused',
          `The group’s authority did not let you in (${error.replace(/[^\w.-]/g, '')}).`,
          403,
        )
      }
    },
  }
}
