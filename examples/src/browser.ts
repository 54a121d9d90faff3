// A member's browser, reduced to what "sign in with your group" needs: a cookie jar per origin and
// redirects followed by hand (`fetch` with `redirect: 'manual'`), so that the scenario and the tests
// run the real HTTP flow between a tool and the group's authority, unattended.

/** What the browser ends on after following every redirect. */
export interface Visit {
  /** The last response (not a redirect). */
  readonly response: Response
  /** Every URL requested, in order, the last one included. */
  readonly visited: readonly string[]
  /** Every `Set-Cookie` line received on the way, as sent. */
  readonly setCookies: readonly string[]
}

/** A browser with its own cookies. */
export interface Browser {
  /** GETs `url`, following 3xx redirects with the cookies each origin set. */
  visit(url: string): Promise<Visit>
  /** POSTs a form to `url` (a login or consent page's), then follows the redirects. */
  submit(url: string, fields: Readonly<Record<string, string>>): Promise<Visit>
  /** A cookie's value, as the origin set it. */
  cookie(origin: string, name: string): string | undefined
}

export function createBrowser(): Browser {
  // Cookies by origin (a real browser shares them across the ports of a host; the tools here use
  // cookie names of their own, so keeping them apart changes nothing).
  const jars = new Map<string, Map<string, string>>()
  const jarOf = (origin: string): Map<string, string> => {
    let jar = jars.get(origin)
    if (jar === undefined) jars.set(origin, (jar = new Map<string, string>()))
    return jar
  }
  const go = async (start: string, form?: URLSearchParams): Promise<Visit> => {
    const visited: string[] = []
    const setCookies: string[] = []
    let url = start
    let body = form
    for (let hops = 0; hops < 20; hops++) {
      visited.push(url)
      const jar = jarOf(new URL(url).origin)
      const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
      const response = await fetch(url, {
        method: body === undefined ? 'GET' : 'POST',
        redirect: 'manual',
        headers: {
          ...(cookie === '' ? {} : { cookie }),
          ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        ...(body === undefined ? {} : { body: body.toString() }),
      })
      for (const line of response.headers.getSetCookie()) {
        setCookies.push(line)
        const [pair = ''] = line.split(';')
        const eq = pair.indexOf('=')
        const name = pair.slice(0, eq).trim()
        const value = pair.slice(eq + 1).trim()
        if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line))
          jar.delete(name)
        else jar.set(name, value)
      }
      const location = response.headers.get('location')
      if (response.status < 300 || response.status >= 400 || location === null) {
        return { response, visited, setCookies }
      }
      await response.body?.cancel()
      // A 303 (and here every redirect) is followed with a GET.
      body = undefined
      url = new URL(location, url).href
    }
    throw new Error(`too many redirects from ${start}`)
  }
  return {
    visit: (url) => go(url),
    submit: (url, fields) => go(url, new URLSearchParams(fields)),
    cookie: (origin, name) => jars.get(origin)?.get(name),
  }
}

/** How a sign-in through the group's authority ended. */
export type SignInOutcome =
  | {
      readonly ok: true
      /** The session cookie's value: what the tool's actions take. */
      readonly session: string
      /** The member's IRI at the authority, and name, as the tool now knows them. */
      readonly member: string
      readonly name: string
    }
  | {
      readonly ok: false
      /** The tool's answer at the end of the flow. */
      readonly status: number
      /** The authority's OAuth error in the redirect back to the tool (`access_denied`). */
      readonly error: string | undefined
    }

/**
 * Signs a person in to a relying tool through the group's authority, in a fresh browser: the tool
 * redirects to the authority, the authority's login and consent complete (armed with the
 * authority's test-only `autoSignIn`), and the authority redirects back to the tool's callback.
 */
export async function signInWithGroup(options: {
  /** Where the browser starts: the tool's `/signin?group=<group IRI>`. */
  readonly start: string
  /** The name of the tool's session cookie. */
  readonly sessionCookie: string
  readonly authority: { autoSignIn(person: string): void }
  readonly person: string
}): Promise<SignInOutcome> {
  options.authority.autoSignIn(options.person)
  const browser = createBrowser()
  const tool = new URL(options.start).origin
  const { response, visited } = await browser.visit(options.start)
  const session = browser.cookie(tool, options.sessionCookie)
  await response.body?.cancel()
  if (!response.ok || session === undefined) {
    const back = visited.find((u) => new URL(u).pathname === '/cta/callback')
    const error = back === undefined ? undefined : new URL(back).searchParams.get('error')
    return { ok: false, status: response.status, error: error ?? undefined }
  }
  const me = (await (await browser.visit(`${tool}/session`)).response.json()) as {
    member: string
    name: string
  }
  const { member, name } = me
  return { ok: true, session, member, name }
}
