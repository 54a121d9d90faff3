// The demo's scenario, shared by `npm run demo` and the end-to-end tests: two tools and a dashboard
// on 127.0.0.1, members join, sign in to the budgeting tool through the group's authority (the
// decisions tool), a bucket is matched with an offer, a poll closes, the dashboard restarts and
// catches up, and a removed member loses access to the budgeting tool at once, session and all.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AccessDenied,
  SESSION_COOKIE,
  startBudgeting,
  type Budgeting,
  type FoundMatch,
} from '../budgeting/budgeting.js'
import { startDashboard, type Dashboard } from '../dashboard/dashboard.js'
import { startDecisions, type Decisions, type Person } from '../decisions/decisions.js'
import { signInWithGroup, type SignInOutcome } from './browser.js'
import { waitFor } from './http.js'

/** What the scenario computed; the tests assert these, the demo prints them. */
export interface ScenarioOutcome {
  readonly decisions: string
  readonly budgeting: string
  readonly dashboard: string
  readonly group: string
  /** Events each tool emitted into the group. */
  readonly emitted: { readonly decisions: number; readonly budgeting: number }
  /** Distinct events the dashboard holds, by source. */
  readonly stored: { readonly decisions: number; readonly budgeting: number }
  /** Events the dashboard accepted more than once (must be empty). */
  readonly storedTwice: readonly string[]
  /** Events the dashboard read from feeds after its restart. */
  readonly caughtUpAfterRestart: number
  /** Pushes retried after the restart that the inbox answered `200` (already had it). */
  readonly duplicatePushesAfterRestart: number
  readonly match: FoundMatch | undefined
  readonly pollClosed: boolean
  /** The group's authority, as Budgeting found it in the group's document. */
  readonly authority: string
  /** The members Budgeting signed in through the authority (names from their assertions). */
  readonly signedIn: readonly string[]
  /** Whether the member about to be removed could contribute before, in their session. */
  readonly allowedBefore: boolean
  /** Whether their contribution after removal was refused, in the same session. */
  readonly deniedAfter: boolean
  /** Budgeting's HTTP answer to that session after the removal (`GET /session`): 403. */
  readonly sessionStatusAfter: number
  /** Milliseconds from the removal to the end of access in the budgeting tool. */
  readonly revokedWithinMs: number
  /** The removed member's fresh sign-in attempt: refused, with the authority's OAuth error. */
  readonly signInAfterRemoval: { readonly refused: boolean; readonly error: string | undefined }
}

/** A running scenario: the servers stay up until `close`. */
export interface Scenario {
  readonly outcome: ScenarioOutcome
  readonly decisions: Decisions
  readonly budgeting: Budgeting
  readonly dashboard: Dashboard
  close(): Promise<void>
}

/** Runs the scenario; `step` is told each step as it starts. */
export async function runScenario(
  step: (text: string) => void = () => undefined,
  options: {
    /** TEST AND DEMO ONLY: mount the conformance control API in both tools with this token. */
    controlToken?: string
  } = {},
): Promise<Scenario> {
  const control = options.controlToken === undefined ? {} : { controlToken: options.controlToken }
  const dataDir = await mkdtemp(join(tmpdir(), 'cta-dashboard-'))
  step('starting the decisions tool (the group authority, an OpenID Provider on its origin)')
  const decisions = await startDecisions(control)
  const group = decisions.group
  const tomas = decisions.person('tomas', 'Tomás')
  const aroha = decisions.person('aroha', 'Aroha')
  const mele = decisions.person('mele', 'Mele')
  const rangi = decisions.person('rangi', 'Rangi')
  step('starting the budgeting tool, and registering it as an OAuth client of Decisions')
  // What an admin does once: register the tool at the authority and give the tool its secret.
  const clientSecret = randomBytes(32).toString('base64url')
  const budgeting = await startBudgeting({
    ...control,
    group,
    clientSecret,
    isInstalled: decisions.isInstalled,
  })
  decisions.registerClient({ origin: budgeting.origin, secret: clientSecret, name: 'Budgeting' })
  step('starting the dashboard (PGlite store)')
  let dashboard = await startDashboard({ dataDir })
  const running = { dashboard }

  const close = async (): Promise<void> => {
    await running.dashboard.close().catch(() => undefined)
    await budgeting.close()
    await decisions.close()
    await rm(dataDir, { recursive: true, force: true })
  }
  /** A person signs in to Budgeting with their group, in a fresh browser. */
  const signIn = (person: Person): Promise<SignInOutcome> =>
    signInWithGroup({
      start: budgeting.signInUrl,
      sessionCookie: SESSION_COOKIE,
      authority: decisions,
      person: person.id,
    })
  const sessionOf = async (person: Person): Promise<string> => {
    const outcome = await signIn(person)
    if (!outcome.ok) throw new Error(`${person.name} could not sign in: ${String(outcome.error)}`)
    signedIn.push(outcome.name)
    return outcome.session
  }
  const signedIn: string[] = []
  try {
    step('Tomás founds Harbour Commons; Aroha joins')
    await decisions.join(tomas, tomas, 'admin')
    await decisions.join(aroha, tomas)

    step('the group connects Budgeting and the dashboard')
    await decisions.connectTool({ origin: budgeting.origin, name: 'Budgeting' }, tomas)
    await decisions.connectTool({ origin: dashboard.origin, name: 'Dashboard' }, tomas)
    // Budgeting is also installed in the group for its own events; the authority says so.

    step('Budgeting finds the authority in the group document, catches up (pull), subscribes')
    const { authority } = await budgeting.followAuthority()
    step('the dashboard subscribes to both tools, after reading their feeds')
    await dashboard.follow(decisions.origin, group)
    await dashboard.follow(budgeting.origin, group)

    step('Mele and Rangi join; Budgeting learns of it by push')
    await decisions.join(mele, tomas)
    await decisions.join(rangi, tomas)
    await waitFor('budgeting to learn of Rangi', () => budgeting.roster.get(rangi.id) === 'active')

    step('everyone signs in to Budgeting with their group (authorization code, token exchange)')
    const sessions = {
      tomas: await sessionOf(tomas),
      aroha: await sessionOf(aroha),
      mele: await sessionOf(mele),
      rangi: await sessionOf(rangi),
    }

    step('a funding round opens; Tomás publishes a bucket as a request for 30.00 HC')
    await budgeting.openRound('Spring 2026', sessions.tomas)
    const bucket = await budgeting.publishBucket({
      title: 'Fix the community bikes before spring',
      target: '30',
      hours: '6',
      session: sessions.tomas,
    })
    step('Aroha offers bike repairs for 28.00 HC: the matcher finds the bucket')
    const [match] = await budgeting.offer({
      title: 'Bike repairs, six hours',
      price: '28',
      hours: '6',
      session: sessions.aroha,
    })

    step('Aroha starts a poll; it closes with an outcome')
    const poll = await decisions.startPoll(
      'Replace the workshop roof this year?',
      aroha,
      new Date(Date.now() + 7 * 864e5),
    )
    await decisions.closePoll(poll, 'Agreed: 9 for, 1 against.', aroha)

    step('Mele and Rangi contribute to the bucket (agreements)')
    await budgeting.contribute(bucket, '15', sessions.mele)
    let allowedBefore = true
    try {
      await budgeting.contribute(bucket, '5', sessions.rangi)
    } catch (err) {
      if (!(err instanceof AccessDenied)) throw err
      allowedBefore = false
    }

    step('the dashboard stops; Tomás removes Rangi while it is down')
    await dashboard.close()
    const removedAt = Date.now()
    await decisions.remove(rangi, tomas)
    await waitFor('budgeting to end Rangi’s access', () => !budgeting.hasAccess(rangi.id))
    const revokedWithinMs = (budgeting.accessEnded.get(rangi.id) ?? Infinity) - removedAt
    step('Rangi’s open session is refused; a fresh sign-in is denied by the authority')
    let deniedAfter = false
    try {
      await budgeting.contribute(bucket, '15', sessions.rangi)
    } catch (err) {
      if (!(err instanceof AccessDenied)) throw err
      deniedAfter = true
    }
    const sessionStatusAfter = (
      await fetch(`${budgeting.origin}/session`, {
        headers: { cookie: `${SESSION_COOKIE}=${sessions.rangi}` },
      })
    ).status
    const again = await signIn(rangi)
    const signInAfterRemoval = {
      refused: !again.ok,
      error: again.ok ? undefined : again.error,
    }
    await budgeting.contribute(bucket, '15', sessions.aroha)

    step('the dashboard restarts on the same origin and catches up from the feeds')
    dashboard = await startDashboard({ dataDir })
    running.dashboard = dashboard
    const { pulled } = await dashboard.catchUp()

    step('waiting for the tools’ retried pushes to reach the dashboard (answered 200: duplicates)')
    const total = decisions.emitted.length + budgeting.emitted.length
    await waitFor(
      'the dashboard to hold every event',
      async () => (await dashboard.notifications()).length === total,
    )
    await waitFor(
      'every push to be delivered',
      async () => (await decisions.pending()) + (await budgeting.pending()) === 0,
      15_000,
    )

    const all = await dashboard.notifications()
    const bySource = (origin: string) => all.filter((n) => n.source === origin).length
    const seen = new Map<string, number>()
    for (const n of all) seen.set(`${n.source} ${n.id}`, (seen.get(`${n.source} ${n.id}`) ?? 0) + 1)
    const storedTwice = [...seen]
      .filter(([k, count]) => count > 1 || (dashboard.arrivals.get(k) ?? 0) > 1)
      .map(([k]) => k)
    return {
      decisions,
      budgeting,
      dashboard,
      close,
      outcome: {
        decisions: decisions.origin,
        budgeting: budgeting.origin,
        dashboard: dashboard.origin,
        group,
        emitted: { decisions: decisions.emitted.length, budgeting: budgeting.emitted.length },
        stored: { decisions: bySource(decisions.origin), budgeting: bySource(budgeting.origin) },
        storedTwice,
        caughtUpAfterRestart: pulled,
        duplicatePushesAfterRestart: dashboard.inboxAnswers.get(200) ?? 0,
        match,
        pollClosed: all.some((n) => n.type === 'example.decisions.poll.closed'),
        authority,
        signedIn,
        allowedBefore,
        deniedAfter,
        sessionStatusAfter,
        revokedWithinMs,
        signInAfterRemoval,
      },
    }
  } catch (err) {
    await close()
    throw err
  }
}
