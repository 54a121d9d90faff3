// A Cobudget-like budgeting tool: funding rounds with per-member allocations, buckets and
// contributions, held as the budgeting profile's documents (rounds.ts). It acts on decisions taken
// in another tool as data: an outcome (decisions profile) that names a bucket at this tool's origin
// with an amount in its currency becomes a bucket in the open round, with that amount as its
// minimum goal and the outcome as `decidedBy`; its work is published as a request (intents) and
// matched with offers; once funded, the task the outcome names is created (tasks profile), assigned
// to the member who offered the work, and completing it completes the bucket. It has no accounts
// of its own: members sign in through their group's authority ("sign in with your group"), and a
// member's access ends as soon as the authority announces that the membership ended, even in a
// session that is already open.
import { ControlUnsupportedError, createControlHandler } from '@cta-interop/sdk/node'
import { randomBytes } from 'node:crypto'
import {
  CONTEXT,
  ProtocolError,
  answerHandshake,
  createInbox,
  createManifestResolver,
  createMatch,
  createInstallationCache,
  createMatcher,
  createMembershipCache,
  createMembershipRecheck,
  createMemoryDedupeStore,
  createOffer,
  createRequest,
  discoverAuthority,
  exchangeForAssertion,
  exchangeForExportAssertion,
  finishSignIn,
  intentMatched,
  isProtocolError,
  proposalPublished,
  pullEvents,
  readInstallations,
  awaitInstallation,
  requestInstallation,
  requestRosterToken,
  signSubscriptionRequest,
  startSignIn,
  type DiscoveredAuthority,
  type Event,
  type Outcome,
  type PendingSignIn,
  type Permission,
  type Proposal,
  type ResourceSpecification,
} from '@cta-interop/sdk'
import { json } from '../src/http.js'
import { LOCAL, startProducer, type Producer } from '../src/producer.js'
import { exportRoute } from '../src/export-endpoint.js'
import { budgetingDocuments } from '../src/export-documents.js'
import { createBudgetingPages, createBudgetingRecords } from './pages.js'
import { createCreditBook } from './credit.js'
import { createRoundBook, type BucketRecord } from './rounds.js'
import { createTaskBook, type TaskRecord } from './tasks.js'

export const BUDGETING_EMITS = [
  // The conformance suite asks the tool to emit the first two alone (`emit` with their type), so
  // these come first: each is one event on its own.
  'tech.collaborative.round.opened',
  'tech.collaborative.task.created',
  // The budgeting profile's other events.
  'tech.collaborative.bucket.published',
  'tech.collaborative.contribution.made',
  'tech.collaborative.bucket.funded',
  'tech.collaborative.bucket.completed',
  'tech.collaborative.bucket.cancelled',
  'tech.collaborative.contribution.refunded',
  'tech.collaborative.round.closed',
  // The tasks profile's: the work a funded bucket pays for.
  'tech.collaborative.task.assigned',
  'tech.collaborative.task.completed',
  // The intents chapter's: a bucket's work as a request, matched with offers.
  'tech.collaborative.proposal.published',
  'tech.collaborative.intent.matched',
  // The mutual-credit profile's: members' accounts in Harbour Credit and transfers between them.
  'tech.collaborative.account.opened',
  'tech.collaborative.transfer.made',
] as const

/** The events of other tools Budgeting acts on, besides the authority's membership events. */
export const BUDGETING_FOLLOWS = ['tech.collaborative.outcome.published'] as const

/** The session cookie: a random id that stands for a signed-in member, kept server-side. */
export const SESSION_COOKIE = 'budgeting_session'
/** The cookie that ties the authority's redirect back to the sign-in that started it. */
const SIGN_IN_COOKIE = 'budgeting_signin'

/** A signed-in member, as a session stands for them. */
export interface SessionMember {
  /** The member's IRI at the group's authority (the assertion's `sub`). */
  readonly member: string
  readonly name: string
  readonly group: string
  /** The permissions the authority asserted (`entitlements`). */
  readonly entitlements: readonly Permission[]
}

/** Thrown when an action comes without a session, or from someone who may not act (any more). */
export class AccessDenied extends Error {
  readonly code = 'ACCESS_DENIED'
  /** The member, when the session was one. */
  readonly member: string | undefined
  constructor(reason: string, member?: string) {
    super(member === undefined ? reason : `${member}: ${reason}`)
    this.member = member
  }
}

/** The authority's events this tool receives in a group it is installed in. */
const AUTHORITY_EVENTS = [
  'tech.collaborative.membership.joined',
  'tech.collaborative.membership.removed',
  'tech.collaborative.group.tool.connected',
  'tech.collaborative.group.tool.disconnected',
] as const

/** The authority a group's document names (`authority`), read as JSON from the group's IRI. */
async function authorityNamedBy(group: string): Promise<string> {
  const response = await fetch(group, { headers: { accept: 'application/json' } })
  if (!response.ok) throw new Error(`${group}: ${response.status}`)
  const { authority } = (await response.json()) as { authority?: unknown }
  if (typeof authority !== 'string') throw new Error(`${group} names no authority`)
  return authority
}

/** A match the tool found between a bucket and an offer. */
export interface FoundMatch {
  readonly subject: string
  readonly object: string
  readonly score: string
}

/**
 * A group the tool serves: its secret at the group's authority (once an admin approved its install
 * request), and the authority once found.
 */
interface ServedGroup {
  clientSecret?: string | undefined
  authority?: Promise<DiscoveredAuthority> | undefined
  issuer?: string
}

/** What a session holds, server-side only. */
interface Session {
  readonly member: string
  /** The group the member signed in to. */
  readonly group: string
  readonly name: string
  /** The member's access token at the authority, for this tool only: exchanged for assertions. */
  readonly accessToken: string
  /** When the last assertion expires (ms): until then, only the authority's events end access. */
  assertionExpires: number
}

/** The running budgeting tool. */
export interface Budgeting extends Pick<
  Producer,
  | 'origin'
  | 'emit'
  | 'emitted'
  | 'signedWith'
  | 'rotateKey'
  | 'flush'
  | 'pending'
  | 'addRoute'
  | 'close'
> {
  /** The group this tool serves. */
  readonly group: string
  /** The group's currency. */
  readonly currency: ResourceSpecification
  /** Where a member's browser starts signing in: `<origin>/signin?group=<group>`. */
  readonly signInUrl: string
  /**
   * Finds the group's authority from the group's document, reads its membership events from its
   * feed, then subscribes to them. Returns the authority's issuer.
   */
  followAuthority(): Promise<{ authority: string; pulled: number }>
  /**
   * Asks the group's authority (default: the one the group's document names) to install this tool
   * in the group (the install flow: a software statement signed with the tool's manifest key).
   * Returns where an admin approves, and a promise of the installation: once approved, the tool
   * signs members in with the client credentials the authority issued; refused, it rejects with
   * `ERR_INSTALL_REFUSED`.
   */
  requestInstallation(options?: {
    authority?: string
  }): Promise<{ readonly approvalUri: string; readonly installed: Promise<void> }>
  /**
   * The member a session (the value of the {@link SESSION_COOKIE} cookie) stands for, if they may
   * act now. Throws {@link AccessDenied} otherwise.
   */
  session(id: string): Promise<SessionMember>
  /**
   * For a session's member, a `cta:export` assertion for a tool of the group (token exchange of
   * the member's access token with `audience`, spec/export.md EXP-AUTH-003): what the member's
   * export from that tool is authorized by. Budgeting acts here as the member's client.
   */
  exportAssertion(session: string, audience: string): Promise<string>
  /** Whether a member has access now: signed in, and not ended by the authority since. */
  hasAccess(member: string): boolean
  /** The group's members as the authority's events announced them. */
  readonly roster: ReadonlyMap<string, 'active' | 'removed'>
  /** When each member's access ended (the authority's event arrived), in ms since the epoch. */
  readonly accessEnded: ReadonlyMap<string, number>
  /**
   * Opens a funding round (`round.opened`) with each member's allocation in the group's currency;
   * returns its IRI. Each action takes the member's session and throws AccessDenied.
   */
  openRound(
    name: string,
    session: string,
    allocations?: readonly { member: string; amount: string }[],
  ): Promise<string>
  /** Publishes an offer to do a bucket's work for a price; returns the matches found. */
  offer(options: {
    title: string
    price: string
    hours: string
    session: string
  }): Promise<FoundMatch[]>
  /**
   * A member contributes to a bucket (`contribution.made`; `bucket.funded` when it reaches its
   * minimum goal). A contribution the round's rules refuse throws the SDK's ProtocolError with the
   * rule's code (`ERR_BUDGET_OVERDRAWN`, …) and emits nothing.
   */
  contribute(bucket: string, amount: string, session: string): Promise<void>
  /** The assignee completes a task (`task.completed`), and with it its bucket (`bucket.completed`). */
  completeTask(task: string, session: string): Promise<void>
  readonly matches: readonly FoundMatch[]
  /** The buckets, by IRI (with their round, contributions and request). */
  readonly buckets: ReadonlyMap<string, BucketRecord>
  /** The tasks, by IRI. */
  readonly tasks: ReadonlyMap<string, TaskRecord>
  /** The buckets published on a decision: outcome IRI → bucket IRI. */
  readonly decided: ReadonlyMap<string, string>
  /** Decisions this tool could not act on (no open round, another currency, a refused amount). */
  readonly refusedDecisions: readonly string[]
}

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
const randomId = (): string => randomBytes(32).toString('base64url')

/** A string parameter of a control action, or `ERR_REQUEST_INVALID` (a caller's mistake, 400). */
function text(params: Record<string, unknown>, name: string): string {
  const value = params[name]
  if (typeof value !== 'string' || value === '') {
    throw new ProtocolError('ERR_REQUEST_INVALID', `"${name}" must be a non-empty string`)
  }
  return value
}

/** A member of a control session named by a parameter, or `ERR_NOT_FOUND`. */
function sessionMember(
  session: { readonly members: readonly { readonly id: string; readonly name: string }[] },
  params: Record<string, unknown>,
  name = 'member',
): { readonly id: string; readonly name: string } {
  const id = text(params, name)
  const member = session.members.find((m) => m.id === id)
  if (member === undefined) throw new ProtocolError('ERR_NOT_FOUND', `${id} is not a member here`)
  return member
}

/** The value of a cookie in a request. */
function cookieOf(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

/**
 * A redirect that sets one cookie: HttpOnly (no script reads it), SameSite=Lax (sent on the
 * authority's top-level redirect back). Add `Secure` when served over HTTPS, as it must be outside
 * this loopback demo.
 */
const redirect = (location: string, cookie: string): Response =>
  new Response(null, {
    status: 303,
    headers: { location, 'set-cookie': `${cookie}; Path=/; HttpOnly; SameSite=Lax` },
  })

export async function startBudgeting(options: {
  /** The group, held by its authority. */
  group: string
  /**
   * This tool's client secret at the group's authority, if it was registered there by other
   * means. Leave it out: the tool then gets its credentials by installing through the install
   * flow ({@link Budgeting.requestInstallation}), when an admin of the group approves.
   */
  clientSecret?: string
  /** Asks the group's authority whether a tool is installed. */
  isInstalled: (group: string, tool: string) => boolean | Promise<boolean>
  /**
   * TEST AND DEMO ONLY: mounts the conformance control API (`/__cta-conformance`) with this bearer
   * token, so that `cta-conformance live` can have the tool serve a group of its own (with the
   * suite as that group's authority) and make it act. Leave it out everywhere else.
   */
  controlToken?: string
}): Promise<Budgeting> {
  const { group } = options
  const roster = new Map<string, 'active' | 'removed'>()
  const accessEnded = new Map<string, number>()
  // What the tool did, for its pages: each object its events link to is a page.
  const records = createBudgetingRecords()
  const pages = createBudgetingPages({
    records,
    group,
    groupName: async () => (await served.get(group)?.authority)?.group.name,
    currency: () => currency,
    state: (round) => {
      try {
        return roundBook.state(round)
      } catch {
        return undefined
      }
    },
  })
  const decided = new Map<string, string>()
  /** The outcome each decided bucket acts on (it may name the bucket's task too). */
  const outcomes = new Map<string, Outcome>()
  const refusedDecisions: string[] = []
  const matches: FoundMatch[] = []
  const allowed = new Set<string>()
  const sessions = new Map<string, Session>()
  const signIns = new Map<string, PendingSignIn>()
  /** The newest session of each member in each group: its access token re-checks the membership. */
  const newest = new Map<string, Session>()
  const memberKey = (member: string, g: string): string => `${member} ${g}`
  // How long a membership goes unconfirmed: once half the period the authority states in the
  // assertion (`cta_recheck`, default 900 s) has passed, the member's access token is exchanged
  // again before they act; a refusal ends their access at once, and an authority that cannot be
  // reached is waited for until the period has passed (AUTH-END-004…006), so that a removal whose
  // event never arrives still ends access in time.
  const recheck = createMembershipRecheck({
    async reestablish(member, g) {
      const session = newest.get(memberKey(member, g))
      if (session === undefined) return 'ended'
      const { claims } = await exchangeForAssertion(await authority(g), session.accessToken, {
        replay,
      })
      members.admit(claims)
      session.assertionExpires = claims.exp * 1000
      return claims
    },
  })
  // Keys are fetched only for the group's authority and the tools installed in a served group.
  const resolver = createManifestResolver({ ...LOCAL, trustedSources: (o) => isKnownTool(o) })
  // Remembers accepted events by (source, id), so pulled and pushed membership events count once.
  // In memory here; use a PGlite or PostgreSQL store's `dedupe` so restarts do not forget.
  const dedupe = createMemoryDedupeStore()
  // Each assertion is accepted once, by (iss, jti).
  const replay = createMemoryDedupeStore()
  const state = { origin: '' }
  const controlInstalled = new Set<string>()
  const isInstalled = async (g: string, tool: string): Promise<boolean> =>
    controlInstalled.has(`${g} ${tool}`) || (await options.isInstalled(g, tool))
  /** Conformance peers known without an installation, and groups of their own (test and demo). */
  const knownPeers = new Set<string>()
  const controlGroups = new Set<string>()
  const isKnownTool = async (tool: string): Promise<boolean> => {
    if (knownPeers.has(tool)) return true
    for (const g of controlGroups) if (await isInstalled(g, tool)) return true
    for (const g of served.keys()) {
      if (tool === new URL(g).origin || (await isInstalled(g, tool))) return true
    }
    return false
  }
  /** The groups this tool serves, each with its client secret at the group's authority. */
  const served = new Map<string, ServedGroup>([[group, { clientSecret: options.clientSecret }]])
  /** Ends the polls of pending install requests when the tool closes. */
  const installing = new AbortController()

  /** A group's authority, found from the group's document (once; again after a failure). */
  const authority = (of: string = group): Promise<DiscoveredAuthority> => {
    const entry = served.get(of)
    if (entry === undefined)
      return Promise.reject(new AccessDenied('this tool does not serve that group'))
    const { clientSecret } = entry
    if (clientSecret === undefined)
      return Promise.reject(new AccessDenied('this tool is not installed in that group yet'))
    entry.authority ??= discoverAuthority(of, {
      clientId: state.origin,
      clientSecret,
      ...LOCAL,
    }).then(
      (found) => {
        entry.issuer = found.issuer
        return found
      },
      (err: unknown) => {
        entry.authority = undefined
        throw err
      },
    )
    return entry.authority
  }

  const onMembership = (event: Event): void => {
    // AUTH-END-001: only the group's authority speaks for its memberships; anyone else's event
    // about them is ignored, however well signed.
    const issuer = served.get(event.group)?.issuer
    if (issuer === undefined || event.source !== new URL(issuer).origin) return
    // An event older than one already applied for the member changes nothing (MEM-EVT-003).
    if (!members.onEvent(event)) return
    const result = (
      event.data as { result?: { member?: { id?: string }; membershipStatus?: string } }
    ).result
    const member = result?.member?.id
    if (member === undefined) return
    if (result?.membershipStatus === 'active') roster.set(member, 'active')
    else {
      roster.set(member, 'removed')
      accessEnded.set(member, Date.now())
    }
  }
  const observed: { observe?: (event: Event) => void } = {}
  /** Conformance sessions' peers whose next event fails to process (`fail-next-event`). */
  const failNext = new Set<string>()
  /**
   * Offers and requests other tools installed in a served group cast into it: held by the matcher
   * (which refuses an expired proposal, `ERR_PROPOSAL_EXPIRED`, and a version that changes its
   * author, `ERR_PROPOSAL_CONFLICT`; the inbox answers the sender with that problem) and matched.
   */
  const peers: {
    onProposal?: (event: Event) => Promise<void>
    onOutcome?: (event: Event) => Promise<void>
  } = {}
  const onProposal = async (event: Event): Promise<void> => {
    await peers.onProposal?.(event)
    await peers.onOutcome?.(event)
  }
  // Who may speak for a served group (EVT-AUTHZ-001): its authority, or a tool with an active
  // installation in its `tools` collection, read with this tool's cta:roster token.
  const installations = createInstallationCache({
    authority: async (g) => (served.has(g) ? (await authority(g)).issuer : undefined),
    load: async (g) => {
      const found = await authority(g)
      const { accessToken } = await requestRosterToken(found)
      return readInstallations(found.group, { accessToken, ...LOCAL })
    },
  })
  const inbox = createInbox({
    resolveKey: resolver.resolveKey,
    // A conformance session's peer counts as installed where the session says (test and demo).
    speaksFor: async (g, source) =>
      controlInstalled.has(`${g} ${source}`) || (await installations.speaksFor(g, source)),
    dedupe,
    onEvent: async (event) => {
      await installations.onEvent(event)
      // As a crash or a database error would: nothing is recorded, and the retry is processed.
      if (failNext.delete(event.source)) throw new Error('processing failed (fail-next-event)')
      onMembership(event)
      await onProposal(event)
      // Reported to the conformance suite only once processed: a refused event was not accepted.
      observed.observe?.(event)
    },
  })

  /** `GET /signin?group=<iri>`: "sign in with your group", a 303 to the group's authority. */
  async function signIn(request: Request): Promise<Response> {
    const asked = new URL(request.url).searchParams.get('group') ?? ''
    if (!served.has(asked)) {
      return pages.message(request, 'Unknown group', 'This tool does not serve that group.', 404)
    }
    const { url, pending } = await startSignIn(await authority(asked), {
      redirectUri: `${state.origin}/cta/callback`,
      // `openid cta:membership` always; `profile` for the member's name, shown with their actions.
      scopes: ['profile'],
    })
    const id = randomId()
    signIns.set(id, pending)
    return redirect(url, `${SIGN_IN_COOKIE}=${id}; Max-Age=600`)
  }

  /**
   * `GET /cta/callback`: the authority sent the member back. Check the answer and the ID token
   * (finishSignIn), exchange the access token for a membership assertion that the SDK verifies
   * (exchangeForAssertion runs verifyGroupAssertion: issuer, audience, group, lifetime, replay),
   * admit it to the membership cache, and open a session.
   */
  async function callback(request: Request): Promise<Response> {
    const id = cookieOf(request, SIGN_IN_COOKIE)
    const pending = id === undefined ? undefined : signIns.get(id)
    if (id === undefined || pending === undefined) {
      return pages.message(request, 'Sign-in expired', 'No sign-in in progress: start again.', 400)
    }
    signIns.delete(id)
    try {
      const found = await authority(pending.group)
      const signedIn = await finishSignIn(found, request.url, pending)
      const asked = Date.now()
      const { claims } = await exchangeForAssertion(found, signedIn.accessToken, { replay })
      members.admit(claims)
      recheck.established(claims, asked)
      const session = randomId()
      const opened: Session = {
        member: claims.sub,
        group: pending.group,
        name: claims.name ?? claims.sub,
        accessToken: signedIn.accessToken,
        assertionExpires: claims.exp * 1000,
      }
      sessions.set(session, opened)
      newest.set(memberKey(opened.member, opened.group), opened)
      return redirect('/', `${SESSION_COOKIE}=${session}`)
    } catch (err) {
      if (!isProtocolError(err)) throw err
      // The authority's own answer (`access_denied` for a removed member) is in the callback URL.
      const error = new URL(request.url).searchParams.get('error') ?? err.code
      return pages.message(
        request,
        'Sign-in refused',
        `The group's authority did not let you in (${error}).`,
        403,
      )
    }
  }

  /**
   * Who a session stands for, if they may act now. The membership is re-checked with the
   * authority on the period it states (no answer from it for that long ends access too); the
   * cache answers from the last assertion until it expires, and stops answering as soon as the
   * authority's event ends the membership; after an assertion expires, the session's access token
   * is exchanged again, and the authority checks the membership once more.
   */
  async function memberOf(id: string | undefined, permission?: Permission): Promise<SessionMember> {
    const session = id === undefined ? undefined : sessions.get(id)
    if (session === undefined) throw new AccessDenied('not signed in')
    try {
      await recheck.ensure(session.member, session.group)
    } catch (err) {
      if (!isProtocolError(err)) throw err
      throw new AccessDenied(`the membership is not confirmed (${err.code})`, session.member)
    }
    let access
    try {
      access = members.check(session.member, session.group)
    } catch (err) {
      if (!isProtocolError(err) || err.code !== 'ERR_MEMBERSHIP_ENDED') throw err
      if (session.assertionExpires > Date.now()) {
        // Ended by the authority's event while the assertion was still valid (AUTH-END-001).
        throw new AccessDenied('the membership ended', session.member)
      }
      try {
        const { claims } = await exchangeForAssertion(
          await authority(session.group),
          session.accessToken,
          {
            replay,
          },
        )
        access = members.admit(claims)
        session.assertionExpires = claims.exp * 1000
        recheck.established(claims)
      } catch (renewal) {
        if (!isProtocolError(renewal)) throw renewal
        throw new AccessDenied(`no fresh assertion (${renewal.code})`, session.member)
      }
    }
    if (permission !== undefined && !access.entitlements.includes(permission)) {
      throw new AccessDenied(`the group does not grant ${permission}`, session.member)
    }
    return {
      member: session.member,
      name: session.name,
      group: session.group,
      entitlements: access.entitlements,
    }
  }

  const producer = await startProducer({
    name: 'Budgeting',
    emits: BUDGETING_EMITS,
    consumes: [
      'tech.collaborative.membership.*',
      'tech.collaborative.group.tool.*',
      'tech.collaborative.proposal.*',
      ...BUDGETING_FOLLOWS,
    ],
    profiles: [
      'core',
      'emitter',
      'receiver',
      'group-auth-relying-tool',
      'intent-exchange',
      'budgeting',
      'tasks',
      'mutual-credit',
    ],
    exports: true,
    // Installations come from the group's authority; in a conformance session (test and demo
    // only), the control API has the tool treat the suite as installed in the session's group.
    isInstalled: (g, tool) => isInstalled(g, tool),
    isKnownTool,
    routes: () => async (request) => {
      const path = new URL(request.url).pathname
      if (path === '/cta/inbox') {
        return (
          (await answerHandshake(request, { allowedOrigins: (o) => allowed.has(o) })) ??
          inbox(request)
        )
      }
      if (request.method === 'GET' && path === '/signin') return signIn(request)
      if (request.method === 'GET' && path === '/cta/callback') return callback(request)
      if (request.method === 'GET' && (path === '/' || path === '/session')) {
        let who: SessionMember
        try {
          who = await memberOf(cookieOf(request, SESSION_COOKIE))
        } catch (err) {
          if (!(err instanceof AccessDenied)) throw err
          if (path === '/session')
            return json({ error: err.message }, err.member === undefined ? 401 : 403)
          const start = `/signin?group=${encodeURIComponent(group)}`
          return pages.home(
            request,
            { problem: err.message, signIn: start },
            err.member === undefined ? 200 : 403,
          )
        }
        if (path === '/session') return json(who)
        return pages.home(request, { name: who.name })
      }
      return pages.route(request)
    },
  })
  const { origin, key } = producer
  state.origin = origin
  /** Install requests by group: where an admin approves, and the outcome once known. */
  const installs = new Map<
    string,
    // `outcome`: `approved`, or the error code the wait ended with (`ERR_INSTALL_REFUSED`, …).
    { approvalUri: string; installed: Promise<void>; outcome?: string }
  >()
  /**
   * The install flow: asks `authority` to install this tool in group `g` (a statement signed with
   * the manifest key, naming the scopes, the event types and the redirect URI), then polls until an
   * admin decides; approved, the group is served with the client secret the authority issued.
   */
  const install = async (g: string, issuer?: string) => {
    const at = issuer ?? (await authorityNamedBy(g))
    const pending = await requestInstallation({
      authority: at,
      origin,
      key,
      group: g,
      scope: 'openid profile cta:membership cta:roster',
      eventTypes: [...BUDGETING_EMITS, ...BUDGETING_FOLLOWS, ...AUTHORITY_EVENTS],
      redirectUris: [`${origin}/cta/callback`],
      clientName: 'Budgeting',
      ...LOCAL,
    })
    const record: { approvalUri: string; installed: Promise<void>; outcome?: string } = {
      // Where an admin approves; an authority that names no page is asked by other means.
      approvalUri: pending.approvalUri ?? pending.installRequest,
      installed: awaitInstallation(pending, {
        signal: installing.signal,
        interval: 250,
        ...LOCAL,
      }).then(
        (credentials) => {
          const entry = served.get(g)
          if (entry === undefined) served.set(g, { clientSecret: credentials.clientSecret })
          else {
            entry.clientSecret = credentials.clientSecret
            entry.authority = undefined
          }
          record.outcome = 'approved'
        },
        (err: unknown) => {
          record.outcome = isProtocolError(err) ? err.code : String(err)
          throw err
        },
      ),
    }
    // The caller awaits `installed`; the control API reads `outcome` without awaiting it.
    record.installed.catch(() => undefined)
    installs.set(g, record)
    return record
  }
  peers.onProposal = async (event) => {
    if (
      event.type !== 'tech.collaborative.proposal.published' &&
      event.type !== 'tech.collaborative.proposal.updated' &&
      event.type !== 'tech.collaborative.proposal.closed'
    )
      return
    // A served group, or a conformance session's group of this tool's own (test and demo).
    const ours = served.has(event.group) || controlGroups.has(event.group)
    if (!ours || !(await isInstalled(event.group, event.source))) return
    const object = (event.data as { object?: unknown }).object
    if (typeof object !== 'object' || object === null) return
    if (event.type === 'tech.collaborative.proposal.closed') {
      // Closed at the version it embeds: never matched again, unless a later version reopens it.
      const closed = object as { id: string; published: string; updated?: string }
      matcher.remove(closed.id, { version: closed.updated ?? closed.published })
      return
    }
    // An event embeds the proposal without its own `@context` (the activity's applies); the
    // matcher validates it as a standalone document, so the context goes back on.
    const proposal = { '@context': [...CONTEXT], ...object } as Proposal
    if (matcher.upsert(proposal) !== 'stale') await announceMatches(proposal)
  }
  if (options.controlToken !== undefined) {
    const control = createControlHandler({
      token: options.controlToken,
      createSession({ peer, authority: suite, install, separateGroup, members: names }) {
        // With `authority`, the suite is the authority of a group of its own, which this tool now
        // serves with the client secret the suite registered for it; with `separateGroup`, or
        // with members asked for (the profile cases' rounds and tasks), a group of this tool's own
        // that only its events use; otherwise, Harbour Commons.
        const own = separateGroup === true || (suite === undefined && names.length > 0)
        const sessionGroup = suite?.group ?? (own ? `${origin}/g/conformance-${++counter}` : group)
        if (suite !== undefined) served.set(suite.group, { clientSecret: suite.clientSecret })
        else if (own) controlGroups.add(sessionGroup)
        // `install: false`: the suite's tool is known (its keys are fetched), not installed.
        if (install === false) knownPeers.add(peer)
        else controlInstalled.add(`${sessionGroup} ${peer}`)
        // Budgeting holds no members: in a group of its own, the session's members are IRIs in
        // that group, which allocations, contributions and tasks name.
        const members =
          suite === undefined && own
            ? names.map((name, i) => ({ id: `${sessionGroup}/members/${i + 1}`, name }))
            : []
        return { group: sessionGroup, members }
      },
      actions: {
        'fail-next-event'(session) {
          failNext.add(session.peer)
          return {}
        },
        // The group stops using a tool (default the suite's): Budgeting learns it as from the
        // authority's `group.tool.disconnected`, and delivers that tool nothing more.
        // The install flow (tool role): the suite, as a group's authority, is asked to install
        // this tool; the answer says where an admin approves. `install-status` reports the outcome,
        // and with `approved` the result of a client credentials token request with the secret.
        async 'install-request'(_session, params) {
          const record = await install(text(params, 'group'), text(params, 'authority'))
          return { status: 'pending', approval_uri: record.approvalUri }
        },
        async 'install-status'(_session, params) {
          const g = text(params, 'group')
          const record = installs.get(g)
          if (record === undefined) throw new ProtocolError('ERR_NOT_FOUND', `no request for ${g}`)
          // Waits a little for an outcome the suite just caused (approved or refused).
          await Promise.race([
            record.installed.catch(() => undefined),
            new Promise((resolve) => setTimeout(resolve, 10_000)),
          ])
          if (record.outcome !== 'approved') return { status: record.outcome ?? 'pending' }
          // The credentials work: a client credentials token request at the authority succeeds.
          const { accessToken } = await requestRosterToken(await authority(g))
          return { status: 'approved', client_id: origin, token: accessToken !== '' }
        },
        'disconnect-tool'(session, { tool }) {
          controlInstalled.delete(
            `${session.group} ${typeof tool === 'string' ? tool : session.peer}`,
          )
          return {}
        },
        // `type`: one of the budgeting or tasks profile's event types: a round of the session's
        // group opens, and goes as far as the type needs (the intents' through `publish-request`).
        async emit(session, { type = 'tech.collaborative.round.opened' }) {
          const t = String(type).replace(/^tech\.collaborative\./, '')
          const app = tool
          const member = `${session.group}/members/conformance`
          if (t === 'task.created' || t === 'task.assigned' || t === 'task.completed') {
            const { task } = await taskBook.create({
              name: 'A conformance task',
              group: session.group,
              by: app,
            })
            if (t !== 'task.created') await taskBook.assign(task.id, member, app)
            if (t === 'task.completed') await taskBook.complete(task.id, app)
          } else if (t === 'proposal.published') {
            await publishRequestIn(session.group)
          } else {
            const steps = [
              'round.opened',
              'round.closed',
              'bucket.published',
              'contribution.made',
              'bucket.funded',
              'bucket.completed',
              'bucket.cancelled',
              'contribution.refunded',
            ]
            if (!steps.includes(t)) {
              throw new ControlUnsupportedError(`this tool emits no ${String(type)} on demand`)
            }
            const { round } = await roundBook.open({
              name: 'A conformance round',
              group: session.group,
              by: app,
              allocations: [{ member, amount: '10' }],
            })
            if (t === 'round.closed') await roundBook.close(round.id, app)
            else if (t !== 'round.opened') {
              const { bucket } = await roundBook.publish({
                round: round.id,
                name: 'A conformance bucket',
                minGoal: '5',
                maxGoal: '10',
                by: app,
              })
              const who = { id: member, type: 'Person', name: 'Member' } as const
              if (t !== 'bucket.published') {
                const amount =
                  t === 'contribution.made' || t.includes('cancel') || t.includes('refund')
                    ? '2'
                    : '5'
                await roundBook.contribute(bucket.id, who, amount)
              }
              if (t === 'bucket.completed') await roundBook.complete(bucket.id, app)
              if (t === 'bucket.cancelled' || t === 'contribution.refunded')
                await roundBook.cancel(bucket.id, app)
            }
          }
          const event = lastOf.get(`tech.collaborative.${t}`)
          return { id: event?.id, type: event?.type }
        },
        // The budgeting profile's actions (profile-control.md): what members do in the UI.
        async 'round-open'(session, params) {
          const allocations = params['allocations']
          if (
            !Array.isArray(allocations) ||
            !allocations.every(
              (a: unknown) =>
                typeof a === 'object' &&
                a !== null &&
                typeof (a as Record<string, unknown>)['member'] === 'string' &&
                typeof (a as Record<string, unknown>)['amount'] === 'string',
            )
          ) {
            throw new ProtocolError(
              'ERR_REQUEST_INVALID',
              '"allocations" must be a list of { member, amount } (amounts as decimal strings)',
            )
          }
          const { round } = await roundBook.open({
            name: typeof params['name'] === 'string' ? params['name'] : 'A conformance round',
            group: session.group,
            by: tool,
            allocations: allocations as { member: string; amount: string }[],
          })
          return { round: round.id, currency: { id: currency.id, decimals: currency.decimals } }
        },
        async 'round-close'(_session, params) {
          await roundBook.close(text(params, 'round'), tool)
          return {}
        },
        async 'bucket-publish'(_session, params) {
          const maxGoal = params['maxGoal']
          if (maxGoal !== undefined && typeof maxGoal !== 'string') {
            throw new ProtocolError('ERR_REQUEST_INVALID', '"maxGoal" must be a decimal string')
          }
          const { bucket } = await roundBook.publish({
            round: text(params, 'round'),
            name: text(params, 'name'),
            minGoal: text(params, 'minGoal'),
            ...(maxGoal === undefined ? {} : { maxGoal }),
            by: tool,
          })
          return { bucket: bucket.id }
        },
        async contribute(_session, params) {
          const member = text(params, 'member')
          const { contribution, status } = await roundBook.contribute(
            text(params, 'bucket'),
            { id: member, type: 'Person', name: 'Member' },
            text(params, 'amount'),
          )
          return { contribution: contribution.id, status }
        },
        async 'bucket-cancel'(_session, params) {
          await roundBook.cancel(text(params, 'bucket'), tool)
          return {}
        },
        // The tasks profile's actions.
        async 'task-create'(session, params) {
          const optional = (name: string): string | undefined => {
            const value = params[name]
            if (value === undefined) return undefined
            if (typeof value !== 'string') {
              throw new ProtocolError('ERR_REQUEST_INVALID', `"${name}" must be a string`)
            }
            return value
          }
          const assignee = optional('assignee')
          const due = optional('due')
          const decidedBy = optional('decidedBy')
          const { task } = await taskBook.create({
            name: text(params, 'name'),
            group: session.group,
            by: tool,
            ...(assignee === undefined ? {} : { assignee }),
            ...(due === undefined ? {} : { due }),
            ...(decidedBy === undefined ? {} : { decidedBy }),
          })
          return { task: task.id }
        },
        async 'task-assign'(_session, params) {
          await taskBook.assign(text(params, 'task'), text(params, 'member'), tool)
          return {}
        },
        async 'task-complete'(_session, params) {
          await taskBook.complete(text(params, 'task'), tool)
          return {}
        },
        // The mutual-credit profile's actions: accounts of the session's members in Harbour
        // Credit, and transfers between them that the SDK's computeBalances admits.
        async 'account-open'(session, params) {
          const member = sessionMember(session, params)
          const account = await creditBook.open({
            group: session.group,
            member: member.id,
            creditLimit: text(params, 'creditLimit'),
            debitLimit: text(params, 'debitLimit'),
            by: tool,
          })
          return { account: account.id, currency: { id: currency.id, decimals: currency.decimals } }
        },
        async transfer(session, params) {
          const from = sessionMember(session, params, 'from')
          const transfer = await creditBook.transfer({
            group: session.group,
            from: from.id,
            to: sessionMember(session, params, 'to').id,
            amount: text(params, 'amount'),
            by: { id: from.id, type: 'Person', name: from.name },
          })
          return { transfer: transfer.id }
        },
        async 'publish-request'(session) {
          return { id: await publishRequestIn(session.group) }
        },
        /** What the matcher finds now for a proposal (held or not), best first. */
        matches(_session, { proposal }) {
          return {
            matches: matcher
              .match(proposal)
              .map((c) => ({ object: c.proposal.id, score: c.score })),
          }
        },
        'start-sign-in'(session) {
          return { url: `${origin}/signin?group=${encodeURIComponent(session.group)}` }
        },
        async access(session, { member }) {
          for (const [id, s] of sessions) {
            if (s.member !== member || s.group !== session.group) continue
            try {
              await memberOf(id)
              return { access: true }
            } catch (err) {
              if (!(err instanceof AccessDenied)) throw err
            }
          }
          return { access: false }
        },
      },
    })
    observed.observe = control.observe
    producer.addRoute(control.handle)
  }
  // Who may act now: fed verified assertions (sign-in) and the authority's verified events; a
  // `group.tool.disconnected` for this tool ends everyone's access (AUTH-END-003).
  const members = createMembershipCache({ tool: origin })
  const currency = {
    '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
    id: `${group}/currencies/harbour-credit`,
    type: 'ResourceSpecification',
    name: 'Harbour Credit',
    currencyType: 'mutualCredit',
    symbol: 'HC',
    decimals: 2,
    issuer: group,
  } as const satisfies ResourceSpecification
  const skill = `${group}/skills/bike-repair`
  const matcher = createMatcher({ currencies: [currency] })
  let counter = 0
  const tool = { id: origin, type: 'Application', name: 'Budgeting' } as const
  /** The last event of each type: what the control API's `emit` answers with (test and demo). */
  const lastOf = new Map<string, Event>()
  const emit = async (event: Event): Promise<void> => {
    lastOf.set(event.type, event)
    await producer.emit(event)
  }
  const roundBook = createRoundBook({ origin, currency, emit, records })
  const taskBook = createTaskBook({ origin, emit, tasks: records.tasks })
  const creditBook = createCreditBook({ origin, currency, emit })
  // A member's export (spec/export.md): their buckets, contributions, tasks, accounts and
  // transfers in a group it serves.
  producer.addRoute(
    exportRoute({
      origin,
      key: producer.signingKey,
      serves: (g) => served.has(g),
      documents: (member, g) => budgetingDocuments(records, creditBook, member, g),
    }),
  )

  /** Publishes a request of the tool's own in a group (the control API's `publish-request`). */
  async function publishRequestIn(audience: string): Promise<string> {
    const id = `${origin}/requests/${++counter}`
    const request = createRequest({
      id,
      attributedTo: origin,
      audience,
      name: 'A conformance bucket',
      payer: audience,
      url: id,
      intent: {
        action: 'deliverService',
        resourceConformsTo: skill,
        effortQuantity: { hasUnit: 'hour', hasNumericalValue: '2' },
      },
      price: { amount: '10', currency },
    })
    await publishAndMatch(request, tool)
    return id
  }

  /**
   * Acts on a decision taken in another tool installed in the group: each entry of the outcome's
   * `decides` that names a bucket at this tool's origin, with an amount in the group's currency,
   * becomes a bucket in the group's open round (its `minGoal` the amount, `decidedBy` the
   * outcome), and its work a request that offers are matched with. A decision it cannot act on
   * (no open round, another currency, an amount the currency refuses) is recorded, not retried.
   */
  peers.onOutcome = async (event) => {
    if (event.type !== 'tech.collaborative.outcome.published') return
    // From the group's authority, or from a tool installed in the group.
    const issuer = served.get(event.group)?.issuer
    const fromAuthority = issuer !== undefined && event.source === new URL(issuer).origin
    if (!fromAuthority && !(await isInstalled(event.group, event.source))) return
    const object = (event.data as { object?: unknown }).object
    if (typeof object !== 'object' || object === null) return
    // The event carries the outcome without its `@context` (the activity's applies).
    const outcome = { '@context': [...CONTEXT], ...object } as Outcome
    for (const entry of outcome.decides ?? []) {
      if (entry.type !== 'Bucket' || !entry.id.startsWith(`${origin}/`)) continue
      if (decided.has(outcome.id) || records.buckets.has(entry.id)) continue
      const amount = entry.resourceQuantity?.hasNumericalValue
      const round = roundBook.openRound(event.group)
      if (amount === undefined || entry.resourceConformsTo !== currency.id || round === undefined) {
        refusedDecisions.push(`${outcome.id}: no open round, or no amount in ${currency.name}`)
        continue
      }
      const name = entry.name ?? outcome.name ?? 'A decided bucket'
      try {
        const record = await roundBook.publish({
          id: entry.id,
          round: round.round.id,
          name,
          minGoal: amount,
          attributedTo: outcome.attributedTo,
          decidedBy: outcome.id,
          summary: `Decided in ${outcome.inReplyTo}: ${outcome.content}`.slice(0, 280),
          by: tool,
        })
        decided.set(outcome.id, entry.id)
        outcomes.set(entry.id, outcome)
        // Its work, as a request in the group's currency: offers are matched with it.
        const request = createRequest({
          id: `${origin}/requests/${++counter}`,
          attributedTo: outcome.attributedTo,
          audience: event.group,
          name,
          payer: event.group,
          url: entry.id,
          intent: { action: 'deliverService', resourceConformsTo: skill },
          price: { amount, currency },
        })
        record.request = request.id
        await publishAndMatch(request, tool)
      } catch (err) {
        if (!isProtocolError(err)) throw err
        refusedDecisions.push(`${outcome.id}: ${err.code}`)
      }
    }
  }

  /** The member who offered a request's work: the author of the best offer matched with it. */
  const offeredBy = (request: string | undefined): string | undefined => {
    const match = matches.find((m) => m.object === request || m.subject === request)
    if (match === undefined) return undefined
    const other = match.subject === request ? match.object : match.subject
    return records.proposals.get(other)?.proposal.attributedTo
  }

  /**
   * A decided bucket became funded: the task its outcome names (TSK-DEC-001) is created for the
   * work, and assigned to the member who offered to do it.
   */
  async function startWork(bucket: BucketRecord): Promise<void> {
    const outcome = outcomes.get(bucket.bucket.id)
    if (outcome === undefined) return
    const entry = outcome.decides?.find(
      (d) => d.type === 'Task' && d.id.startsWith(`${origin}/`) && !records.tasks.has(d.id),
    )
    if (entry === undefined) return
    const { task } = await taskBook.create({
      id: entry.id,
      name: entry.name ?? `The work of “${bucket.bucket.name}”`,
      group: bucket.bucket.audience,
      by: tool,
      decidedBy: outcome,
      bucket: bucket.bucket.id,
    })
    const worker = offeredBy(bucket.request)
    if (worker !== undefined) await taskBook.assign(task.id, worker, tool)
  }
  const activity = (): string => `${origin}/activities/${++counter}`
  const person = (m: SessionMember) => ({ id: m.member, type: 'Person' as const, name: m.name })
  const hasAccess = (member: string): boolean => {
    try {
      members.check(member, group)
      return true
    } catch {
      return false
    }
  }

  async function publishAndMatch(
    proposal: Proposal,
    actor: { id: string; type: 'Person' | 'Application'; name: string },
    activityId = activity(),
  ): Promise<FoundMatch[]> {
    matcher.upsert(proposal)
    records.proposals.set(proposal.id, { proposal, by: actor })
    await producer.emit(proposalPublished(proposal, { source: origin, actor, activityId }))
    return announceMatches(proposal)
  }

  /** Matches a proposal against those held, and announces each match (`intent.matched`). */
  async function announceMatches(proposal: Proposal): Promise<FoundMatch[]> {
    const found: FoundMatch[] = []
    for (const candidate of matcher.match(proposal)) {
      const match = createMatch({
        // Each match has a page of its own, with both sides: the event links to it.
        id: `${origin}/matches/${++counter}`,
        subject: proposal.id,
        object: candidate.proposal.id,
        score: candidate.score,
        attributedTo: origin,
        published: now(),
      })
      await producer.emit(
        intentMatched(match, {
          source: origin,
          actor: { id: origin, type: 'Application', name: 'Budgeting' },
          audience: proposal.audience,
          summary: `Match found: “${proposal.name}” fits “${candidate.proposal.name}”`,
        }),
      )
      if (match.id !== undefined) records.matches.set(match.id, match)
      found.push({ subject: proposal.id, object: candidate.proposal.id, score: candidate.score })
    }
    matches.push(...found)
    return found
  }

  return {
    origin,
    group,
    currency,
    signInUrl: `${origin}/signin?group=${encodeURIComponent(group)}`,
    async exportAssertion(id, audience) {
      const session = sessions.get(id)
      if (session === undefined) throw new AccessDenied('not signed in')
      const found = await authority(session.group)
      return (await exchangeForExportAssertion(found, session.accessToken, audience)).assertion
    },
    emit: producer.emit,
    emitted: producer.emitted,
    signedWith: producer.signedWith,
    rotateKey: producer.rotateKey,
    flush: producer.flush,
    pending: producer.pending,
    addRoute: producer.addRoute,
    async close() {
      installing.abort()
      await producer.close()
    },
    matches,
    roster,
    hasAccess,
    accessEnded,
    session: (id) => memberOf(id),

    async requestInstallation({ authority: at } = {}) {
      const { approvalUri, installed } = await install(group, at)
      return { approvalUri, installed }
    },

    async followAuthority() {
      // AUTH-DSC-001: the authority is whoever the group's document names, confirmed by its
      // OpenID discovery document; its events come from the tool at the same origin.
      const { issuer } = await authority()
      const source = new URL(issuer).origin
      const manifest = await resolver.manifest(source)
      if (manifest.feed === undefined || manifest.subscriptions === undefined)
        throw new Error(`${source} has no feed or subscriptions endpoint`)
      // The authority's membership events, and the decisions it announces that this tool acts on.
      const types = [
        'tech.collaborative.membership.*',
        'tech.collaborative.group.tool.*',
        ...BUDGETING_FOLLOWS,
      ]
      // 1. Catch up: members who joined before this tool was connected.
      const pulled = await pullEvents(manifest.feed, {
        group,
        key,
        resolveKey: resolver.resolveKey,
        dedupe,
        onEvent: async (event) => {
          if (types.some((t) => event.type.startsWith(t.slice(0, -1)))) onMembership(event)
          await peers.onOutcome?.(event)
        },
        ...LOCAL,
      })
      // 2. Subscribe: every later membership and installation event is pushed to the inbox.
      allowed.add(source)
      const body = await signSubscriptionRequest(
        { sink: `${origin}/cta/inbox`, group, types },
        key,
        { audience: source },
      )
      const response = await fetch(manifest.subscriptions, {
        method: 'POST',
        headers: { 'content-type': 'application/jose' },
        body,
      })
      if (response.status !== 201)
        throw new Error(`subscribing to ${source}: ${response.status} ${await response.text()}`)
      return { authority: issuer, pulled: pulled.processed }
    },

    buckets: records.buckets,
    tasks: records.tasks,
    decided,
    refusedDecisions,

    async openRound(name, session, allocations = []) {
      const by = await memberOf(session, 'propose')
      const { round } = await roundBook.open({ name, group, by: person(by), allocations })
      return round.id
    },

    async offer({ title, price, hours, session }) {
      const by = await memberOf(session, 'propose')
      const id = `${origin}/offers/${++counter}`
      const offer = createOffer({
        id,
        attributedTo: by.member,
        audience: group,
        name: title,
        url: id,
        intent: {
          action: 'deliverService',
          resourceConformsTo: skill,
          effortQuantity: { hasUnit: 'hour', hasNumericalValue: hours },
        },
        price: { amount: price, currency },
      })
      return publishAndMatch(offer, person(by))
    },

    async contribute(id, amount, session) {
      const by = await memberOf(session, 'participate')
      const bucket = records.buckets.get(id)
      if (bucket === undefined) throw new ProtocolError('ERR_NOT_FOUND', `no bucket ${id}`)
      const before = bucket.bucket.bucketStatus
      await roundBook.contribute(id, person(by), amount)
      if (before !== 'funded' && bucket.bucket.bucketStatus === 'funded') await startWork(bucket)
    },

    async completeTask(id, session) {
      const by = await memberOf(session, 'participate')
      const record = records.tasks.get(id)
      if (record === undefined) throw new ProtocolError('ERR_NOT_FOUND', `no task ${id}`)
      if (record.task.assignee !== by.member) {
        throw new AccessDenied('only the task’s assignee completes it', by.member)
      }
      await taskBook.complete(id, person(by))
      // The bucket's work is done: it keeps what it received (BUD-CANC-001) and is completed.
      if (record.bucket !== undefined) await roundBook.complete(record.bucket, person(by))
    },
  }
}
