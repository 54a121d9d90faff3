// The demo's scenario, shared by `npm run demo` and the end-to-end tests: two tools and a dashboard
// on 127.0.0.1, members join, sign in to the budgeting tool through the group's authority (the
// decisions tool), a poll in Decisions decides to fund a bucket, Budgeting acts on the outcome as
// data (a bucket with the decided amount in the open round), an offer is matched with its work,
// members contribute within their allocations, the bucket is funded and its task is done, the
// dashboard restarts and catches up, and a removed member loses access to the budgeting tool at
// once, session and all.
// What it returns is counted (each event stored once, how it arrived), so that its checks
// (`scenarioChecks`) hold whichever way a race between two legitimate paths goes.
import { isProtocolError, type Allocation } from '@cta-interop/sdk'
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
import { startDashboard, type Dashboard, type Effect } from '../dashboard/dashboard.js'
import { EXPORT_DOWNLOAD_PATH } from '../dashboard/export.js'
import { DASHBOARD_SESSION_COOKIE } from '../dashboard/member-sessions.js'
import { startDecisions, type Decisions, type Person } from '../decisions/decisions.js'
import { createBrowser, signInWithGroup, type SignInOutcome } from './browser.js'
import { downloadExport, memberExportCheck, type MemberExportOutcome } from './export-check.js'
import { waitFor } from './http.js'
import { recomputeStory, sameAmount, sameTally, type StoryOutcome } from './story.js'

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
  /** Events a tool emitted that the dashboard does not hold, as `<source> <id>` (must be empty). */
  readonly missing: readonly string[]
  /**
   * Events the dashboard stored more than once, counted from its effects across both of its starts
   * (must be empty).
   */
  readonly storedTwice: readonly string[]
  /** How the events reached the dashboard: each exactly once, pushed to its inbox or from a feed. */
  readonly reached: { readonly push: number; readonly pull: number }
  /** The dashboard's restart. */
  readonly restart: RestartOutcome
  /** A member's export, downloaded from the dashboard and checked (spec/export.md). */
  readonly memberExport?: MemberExportOutcome
  readonly match: FoundMatch | undefined
  readonly pollClosed: boolean
  /** The cross-tool story, recomputed from the events the dashboard stored. */
  readonly story: StoryOutcome
  /**
   * The install flow: the requests the tools made to Decisions, the admins who approved them on
   * the approval page (by name), and the `group.tool.connected` events the dashboard holds.
   */
  readonly install: {
    readonly requests: number
    readonly approvedBy: readonly string[]
    readonly connected: number
  }
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
  /**
   * Budgeting's key rotation mid-run: its events signed with the first key and with the next one,
   * and how many of the latter the dashboard holds (it found the next key in Budgeting's JWKS).
   */
  readonly keyRotation: {
    readonly oldKey: number
    readonly newKey: number
    readonly newKeyHeld: number
    /** Seconds from publishing the next key to signing with it. */
    readonly leadSeconds: number
  }
}

/** What the dashboard's restart showed; every number is counted, none depends on timing. */
export interface RestartOutcome {
  /** Events the tools emitted while the dashboard was stopped. */
  readonly emittedWhileDown: number
  /** Of those, how many it stored from the feeds while restarting, before its inbox opened. */
  readonly pulledOnRestart: number
  /** Events its catch-up on restart stored (new to it). */
  readonly caughtUp: number
  /** Feeds it could not read on restart (must be empty). */
  readonly failedFeeds: readonly string[]
  /** Pushes its inbox answered after the restart with `200`: events it already held. */
  readonly duplicatePushes: number
  /** Pushes its inbox accepted as new after the restart (`202`): 0, it had caught up. */
  readonly newPushes: number
  /** Pushes its inbox deferred (`503`, Retry-After) while it caught up. */
  readonly deferredPushes: number
}

/** A running scenario: the servers stay up until `close`. */
export interface Scenario {
  readonly outcome: ScenarioOutcome
  readonly decisions: Decisions
  readonly budgeting: Budgeting
  readonly dashboard: Dashboard
  close(): Promise<void>
}

/**
 * How long the scenario waits for something that must happen (a push to arrive, a retry to be
 * delivered) before it gives up: long, because a busy machine is slow, and bounded.
 */
const PATIENCE = 120_000

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
  step('starting the budgeting tool (no client secret: it installs through the install flow)')
  const budgeting = await startBudgeting({
    ...control,
    group,
    isInstalled: decisions.isInstalled,
  })
  step('starting the dashboard (PGlite store)')
  const dashboardOptions = {
    dataDir,
    onProgress: (text: string) => {
      step(`… dashboard: ${text}`)
    },
  }
  let dashboard: Dashboard
  try {
    dashboard = await startDashboard(dashboardOptions)
  } catch (err) {
    await budgeting.close()
    await decisions.close()
    await rm(dataDir, { recursive: true, force: true })
    throw err
  }
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

    step('Budgeting and the dashboard ask Decisions to install them in the group (install flow)')
    const asked = [
      await budgeting.requestInstallation(),
      await dashboard.requestInstallation({ authority: decisions.origin, group }),
    ]
    step('Tomás, an admin, signs in on each request’s page and approves it')
    for (const { approvalUri } of asked) await approveInstallation(approvalUri, tomas)
    // Each tool, polling, has its client credentials: Budgeting signs members in with them.
    await Promise.all(asked.map((a) => a.installed))

    step('Budgeting finds the authority in the group document, catches up (pull), subscribes')
    const { authority } = await budgeting.followAuthority()
    step('the dashboard subscribes to both tools, then reads their feeds')
    await dashboard.follow(decisions.origin, group)
    await dashboard.follow(budgeting.origin, group)

    step('Mele and Rangi join; Budgeting learns of it by push')
    await decisions.join(mele, tomas)
    await decisions.join(rangi, tomas)
    await waitFor(
      'budgeting to learn of Rangi',
      () => budgeting.roster.get(rangi.id) === 'active',
      PATIENCE,
    )

    step('everyone signs in to Budgeting with their group (authorization code, token exchange)')
    const sessions = {
      tomas: await sessionOf(tomas),
      aroha: await sessionOf(aroha),
      mele: await sessionOf(mele),
      rangi: await sessionOf(rangi),
    }

    step('Tomás opens the funding round “Spring 2026” in Budgeting: 20.00 HC for each member')
    await budgeting.openRound(
      'Spring 2026',
      sessions.tomas,
      [tomas, aroha, mele, rangi].map((p) => ({ member: p.id, amount: '20' })),
    )

    step('Budgeting rotates its signing key: the next key is in its JWKS now, and signs in 10 s')
    const rotatedAt = Date.now()
    const signsFrom = (await budgeting.rotateKey()).getTime()

    step('Tomás asks the group in Decisions whether to fund the bike repairs with 30.00 HC')
    const { poll } = await decisions.openPoll({
      pollType: 'proposal',
      name: 'Fund “Fix the community bikes before spring” with 30.00 Harbour Credit?',
      by: tomas,
      endTime: new Date(Date.now() + 7 * 864e5).toISOString(),
    })
    const position = (p: string): string =>
      (poll.oneOf ?? []).find((o) => o.position === p)?.id ?? ''
    step('each member takes a stance; the poll closes, its tally in poll.closed')
    await decisions.castStance(poll.id, tomas, [{ option: position('agree') }])
    await decisions.castStance(poll.id, aroha, [{ option: position('agree') }], 'I can do it.')
    await decisions.castStance(poll.id, mele, [{ option: position('agree') }])
    await decisions.castStance(poll.id, rangi, [{ option: position('abstain') }])
    await decisions.closePoll(poll.id, tomas)
    // From here on Budgeting signs with its next key (every receiver's copy of its JWKS has it).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, signsFrom - Date.now())))
    step('Tomás publishes the outcome: it decides a 30.00 HC bucket and its task, in Budgeting')
    // The author names where the decision is to be acted on: a bucket and a task at Budgeting,
    // one of the group's tools. Budgeting acts on what names its own origin.
    const bucket = `${budgeting.origin}/buckets/bike-repair`
    const outcome = await decisions.publishOutcome(
      poll.id,
      tomas,
      'Agreed: a bucket of 30.00 Harbour Credit to fix the community bikes before spring.',
      {
        name: 'The group funds the bike repairs',
        decides: [
          {
            id: bucket,
            type: 'Bucket',
            name: 'Fix the community bikes before spring',
            resourceConformsTo: budgeting.currency.id,
            resourceQuantity: { hasUnit: 'one', hasNumericalValue: '30.00' },
          },
          {
            id: `${budgeting.origin}/tasks/bike-repair`,
            type: 'Task',
            name: 'Repair the six community bikes',
          },
        ],
      },
    )
    await waitFor(
      'budgeting to publish the decided bucket',
      () => budgeting.decided.get(outcome.id) === bucket,
      PATIENCE,
    )

    step('Aroha offers bike repairs for 28.00 HC: the matcher finds the bucket’s request')
    const [match] = await budgeting.offer({
      title: 'Bike repairs, six hours',
      price: '28',
      hours: '6',
      session: sessions.aroha,
    })

    step(
      'Mele and Rangi contribute (15.00 and 5.00 HC); Mele’s 10.00 more, with 5.00 left, is refused',
    )
    await budgeting.contribute(bucket, '15', sessions.mele)
    let allowedBefore = true
    try {
      await budgeting.contribute(bucket, '5', sessions.rangi)
    } catch (err) {
      if (!(err instanceof AccessDenied)) throw err
      allowedBefore = false
    }
    let overdrawn: string | undefined
    try {
      await budgeting.contribute(bucket, '10', sessions.mele)
    } catch (err) {
      if (!isProtocolError(err)) throw err
      overdrawn = err.code
    }

    step('the dashboard stops; Tomás removes Rangi while it is down')
    await dashboard.close()
    const downFrom = { decisions: decisions.emitted.length, budgeting: budgeting.emitted.length }
    const removedAt = Date.now()
    await decisions.remove(rangi, tomas)
    await waitFor('budgeting to end Rangi’s access', () => !budgeting.hasAccess(rangi.id), PATIENCE)
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
    step(
      'Tomás gives the last 10.00 HC: funded at its minimum; the task goes to Aroha, who offered',
    )
    await budgeting.contribute(bucket, '10', sessions.tomas)
    const task = [...budgeting.tasks.values()].find((t) => t.bucket === bucket)
    if (task === undefined) throw new Error('Budgeting created no task for the funded bucket')
    step('Aroha completes the task: the bucket is completed')
    await budgeting.completeTask(task.task.id, sessions.aroha)

    // Everything the tools emitted from the stop until now, the dashboard has missed.
    const missed = new Set([
      ...decisions.emitted.slice(downFrom.decisions).map((id) => `${decisions.origin} ${id}`),
      ...budgeting.emitted.slice(downFrom.budgeting).map((id) => `${budgeting.origin} ${id}`),
    ])
    step('the dashboard restarts on the same origin: it reads the feeds, then opens its inbox')
    dashboard = await startDashboard(dashboardOptions)
    running.dashboard = dashboard

    step('the tools’ retried pushes reach the dashboard: it holds each already (answered 200)')
    await waitFor(
      'every push to be delivered',
      async () => (await decisions.pending()) + (await budgeting.pending()) === 0,
      PATIENCE,
    )

    step('Aroha signs in to the dashboard with her group and downloads her data from it')
    // The dashboard exchanges her access token for a `cta:export` assertion per tool of the group
    // (the authority included), then fetches, verifies and bundles the tools' signed pages.
    const atDashboard = await signInWithGroup({
      start: `${dashboard.origin}/signin?group=${encodeURIComponent(group)}`,
      sessionCookie: DASHBOARD_SESSION_COOKIE,
      authority: decisions,
      person: aroha.id,
    })
    if (!atDashboard.ok) {
      throw new Error(`Aroha could not sign in to the dashboard: ${String(atDashboard.error)}`)
    }
    const memberExport = await downloadExport({
      download: `${dashboard.origin}${EXPORT_DOWNLOAD_PATH}`,
      cookie: `${DASHBOARD_SESSION_COOKIE}=${atDashboard.session}`,
      group,
      member: aroha.id,
      name: aroha.name,
    })

    const all = await dashboard.notifications()
    const bySource = (origin: string) => all.filter((n) => n.source === origin).length
    const held = new Set(all.map((n) => `${n.source} ${n.id}`))
    const emitted = [
      ...decisions.emitted.map((id) => `${decisions.origin} ${id}`),
      ...budgeting.emitted.map((id) => `${budgeting.origin} ${id}`),
    ]
    // The effects table has no unique key: an event stored twice shows twice.
    const effects = await dashboard.effects()
    const times = new Map<string, number>()
    for (const e of effects)
      times.set(`${e.source} ${e.id}`, (times.get(`${e.source} ${e.id}`) ?? 0) + 1)
    const first = new Map<string, Effect>()
    for (const e of effects)
      if (!first.has(`${e.source} ${e.id}`)) first.set(`${e.source} ${e.id}`, e)
    const firstVia = [...first.values()]
    const answers = dashboard.inboxAnswers
    // The round's allocations, as any tool reads them from Budgeting: no event carries them.
    const allocations = async (round: string): Promise<Allocation[]> => {
      const response = await fetch(`${round}/allocations`, {
        headers: { accept: 'application/json' },
      })
      if (!response.ok) throw new Error(`${round}/allocations: ${response.status}`)
      return ((await response.json()) as { items: Allocation[] }).items
    }
    const story = await recomputeStory(all, allocations, overdrawn)
    const firstKid = budgeting.signedWith[0]
    const underNewKey = budgeting.emitted.filter((_, i) => budgeting.signedWith[i] !== firstKid)
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
        memberExport,
        emitted: { decisions: decisions.emitted.length, budgeting: budgeting.emitted.length },
        stored: { decisions: bySource(decisions.origin), budgeting: bySource(budgeting.origin) },
        missing: emitted.filter((k) => !held.has(k)),
        storedTwice: [...times].filter(([, count]) => count > 1).map(([k]) => k),
        reached: {
          push: firstVia.filter((e) => e.via === 'push').length,
          pull: firstVia.filter((e) => e.via === 'pull').length,
        },
        restart: {
          emittedWhileDown: missed.size,
          pulledOnRestart: effects.filter(
            (e) =>
              missed.has(`${e.source} ${e.id}`) && e.via === 'pull' && e.start === dashboard.start,
          ).length,
          caughtUp: dashboard.caughtUp.pulled,
          failedFeeds: dashboard.caughtUp.failed,
          duplicatePushes: answers.get(200) ?? 0,
          newPushes: answers.get(202) ?? 0,
          deferredPushes: answers.get(503) ?? 0,
        },
        match,
        pollClosed: all.some((n) => n.type === 'tech.collaborative.poll.closed'),
        story,
        install: {
          requests: (await decisions.installRequests()).length,
          approvedBy: await Promise.all(
            decisions.installDecisions
              .filter((d) => d.decision === 'approved')
              .map(
                async (d) => (await decisions.members()).find((m) => m.id === d.by)?.name ?? d.by,
              ),
          ),
          connected: all.filter((n) => n.type === 'tech.collaborative.group.tool.connected').length,
        },
        authority,
        signedIn,
        allowedBefore,
        deniedAfter,
        sessionStatusAfter,
        revokedWithinMs,
        signInAfterRemoval,
        keyRotation: {
          oldKey: budgeting.signedWith.filter((kid) => kid === firstKid).length,
          newKey: underNewKey.length,
          newKeyHeld: underNewKey.filter((id) => held.has(`${budgeting.origin} ${id}`)).length,
          leadSeconds: Math.round((signsFrom - rotatedAt) / 1000),
        },
      },
    }
  } catch (err) {
    await close()
    throw err
  }
}

/**
 * An admin approves an install request as in a browser: opens its page (`approval_uri`), signs in
 * (the demo's sign-in: pick who you are), and submits the Approve form with the page's CSRF token.
 * Throws if the page does not end up saying the request is approved.
 */
export async function approveInstallation(
  approvalUri: string,
  admin: Person,
  decision: 'approve' | 'refuse' = 'approve',
): Promise<void> {
  const browser = createBrowser()
  const signedIn = await browser.submit(`${approvalUri}/sign-in`, { person: admin.id })
  const page = await signedIn.response.text()
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1]
  if (csrf === undefined) {
    throw new Error(`${admin.name} got no form on ${approvalUri} (${signedIn.response.status})`)
  }
  const decided = await browser.submit(`${approvalUri}/${decision}`, { csrf })
  const after = await decided.response.text()
  const expected = decision === 'approve' ? 'approved' : 'refused'
  if (decided.response.status !== 200 || !after.includes(`>${expected}<`)) {
    throw new Error(`${approvalUri}: not ${expected} (${decided.response.status})`)
  }
}

/** One line of the scenario's summary: what was checked, what was counted, whether it holds. */
export interface ScenarioCheck {
  readonly check: string
  readonly result: string
  readonly ok: boolean
}

/**
 * The scenario's checks, as the demo prints them. Each states an invariant over what was counted
 * (each event stored once, reached by push or from a feed), never which of two legitimate paths
 * won a race, so it holds on a busy machine as on an idle one.
 */
export function scenarioChecks(o: ScenarioOutcome): ScenarioCheck[] {
  const r = o.restart
  const total = o.emitted.decisions + o.emitted.budgeting
  return [
    {
      check: 'events from Decisions on the dashboard',
      result: `${o.stored.decisions} of ${o.emitted.decisions}`,
      ok: o.emitted.decisions > 0 && o.stored.decisions === o.emitted.decisions,
    },
    {
      check: 'events from Budgeting on the dashboard',
      result: `${o.stored.budgeting} of ${o.emitted.budgeting}`,
      ok: o.emitted.budgeting > 0 && o.stored.budgeting === o.emitted.budgeting,
    },
    {
      check: 'events stored more than once (effects counted)',
      result: String(o.storedTwice.length),
      ok: o.storedTwice.length === 0 && o.missing.length === 0,
    },
    {
      check: 'how each event reached the dashboard, once',
      result: `${o.reached.push} by push, ${o.reached.pull} from feeds`,
      ok: o.reached.push + o.reached.pull === total,
    },
    {
      check: 'caught up from feeds on restart, inbox closed',
      result: `${r.caughtUp} events, ${r.pulledOnRestart} of the ${r.emittedWhileDown} missed`,
      ok:
        r.emittedWhileDown > 0 &&
        r.pulledOnRestart === r.emittedWhileDown &&
        r.caughtUp >= r.emittedWhileDown &&
        r.failedFeeds.length === 0,
    },
    {
      check: 'retried pushes after the restart',
      result: `${r.duplicatePushes} answered 200 (held), ${r.newPushes} new`,
      ok: r.newPushes === 0 && r.duplicatePushes >= r.emittedWhileDown,
    },
    ...storyChecks(o.story),
    {
      check: 'bucket’s work (request) matched with an offer',
      result: o.match === undefined ? 'no match' : `score ${o.match.score}`,
      ok: o.match !== undefined,
    },
    {
      check: 'tools installed through the install flow',
      result: `Budgeting and the dashboard: ${o.install.requests} requests, ${
        o.install.approvedBy.length
      } approvals by ${[...new Set(o.install.approvedBy)].join(', ') || 'no one'}, ${
        o.install.connected
      } group.tool.connected events`,
      ok:
        o.install.requests === 2 && o.install.approvedBy.length === 2 && o.install.connected === 2,
    },
    {
      check: 'group authority, from the group document',
      result: o.authority === o.decisions ? 'Decisions (OpenID Provider)' : o.authority,
      ok: o.authority === o.decisions,
    },
    {
      check: 'members signed in to Budgeting with their group',
      result: o.signedIn.join(', ') || 'none',
      ok: o.signedIn.length === 4,
    },
    {
      check: 'signed-in member could contribute before removal',
      result: o.allowedBefore ? 'yes' : 'no',
      ok: o.allowedBefore,
    },
    {
      check: 'removed member’s open session refused',
      // The time is shown, never checked: it depends on how busy the machine is.
      result: o.deniedAfter
        ? `refused ${o.revokedWithinMs} ms after removal (HTTP ${o.sessionStatusAfter})`
        : 'NOT refused',
      ok: o.deniedAfter && o.sessionStatusAfter === 403,
    },
    {
      check: 'Budgeting’s key rotated mid-run, next key published first',
      result: `${o.keyRotation.oldKey} event${o.keyRotation.oldKey === 1 ? '' : 's'} under the old key, ${o.keyRotation.newKey} under the new (published ${o.keyRotation.leadSeconds} s before use), ${o.keyRotation.newKeyHeld} of them on the dashboard`,
      ok:
        o.keyRotation.oldKey > 0 &&
        o.keyRotation.newKey > 0 &&
        o.keyRotation.newKeyHeld === o.keyRotation.newKey &&
        o.keyRotation.leadSeconds >= 10,
    },
    {
      check: 'removed member’s fresh sign-in',
      result: o.signInAfterRemoval.refused
        ? `denied by the authority (${String(o.signInAfterRemoval.error)})`
        : 'NOT denied',
      ok: o.signInAfterRemoval.refused && o.signInAfterRemoval.error === 'access_denied',
    },
    ...(o.memberExport === undefined ? [] : [memberExportCheck(o.memberExport)]),
  ]
}

/**
 * One line per step of the cross-tool story, each computed again from the events the dashboard
 * stored, with the SDK's rules.
 */
export function storyChecks(s: StoryOutcome): ScenarioCheck[] {
  const tally = s.poll.emitted
  const f = s.funding
  const t = s.task
  const statuses = typeof t.statuses === 'string' ? t.statuses : t.statuses.join(' → ')
  return [
    {
      check: 'poll tally (Decisions) = tallyPoll over the stances received',
      result:
        tally === undefined
          ? 'no poll.closed'
          : `${String(tally.decision ?? tally.winners.length)} from ${s.poll.stances} stances, ${
              sameTally(tally, s.poll.recomputed)
                ? 'same tally'
                : `recomputed ${typeof s.poll.recomputed === 'string' ? s.poll.recomputed : 'differently'}`
            }`,
      ok: tally !== undefined && s.poll.stances > 0 && sameTally(tally, s.poll.recomputed),
    },
    {
      check: 'bucket published by Budgeting on the outcome',
      result:
        s.bucket.published === undefined
          ? 'no bucket.published for the decided bucket'
          : `minGoal ${String(s.bucket.minGoal)} (decided ${String(s.bucket.decidedAmount)}), decidedBy ${
              s.bucket.decidedBy === s.bucket.outcome ? 'the outcome' : String(s.bucket.decidedBy)
            }`,
      ok:
        s.bucket.outcome !== undefined &&
        s.bucket.published === s.bucket.decidedBucket &&
        s.bucket.decidedBy === s.bucket.outcome &&
        sameAmount(s.bucket.minGoal, s.bucket.decidedAmount),
    },
    {
      check: 'over-allocation refused by Budgeting',
      result: s.overdrawn ?? 'NOT refused',
      ok: s.overdrawn === 'ERR_BUDGET_OVERDRAWN',
    },
    {
      check: 'bucket funded at its minimum (computeRound agrees)',
      result: `${f.fundedEvents} bucket.funded, ${String(f.status)} with ${String(f.total)} of ${String(
        f.minGoal,
      )} from ${f.contributions} contributions${f.fundedAtAgrees ? ', at the same contribution' : ''}`,
      ok:
        f.fundedEvents === 1 &&
        f.status === 'funded' &&
        sameAmount(f.total, f.minGoal) &&
        f.fundedAtAgrees,
    },
    {
      check: 'task created, assigned, completed (applyTaskEvents)',
      result: `${statuses}${t.assignee !== undefined && t.assignee === t.offeredBy ? ', to who offered the work' : ''}${
        t.bucketCompleted ? '; bucket completed' : ''
      }`,
      ok:
        typeof t.statuses !== 'string' &&
        isDeepEqualList(t.statuses, ['open', 'assigned', 'completed']) &&
        t.assignee !== undefined &&
        t.assignee === t.offeredBy &&
        t.decidedBy !== undefined &&
        t.bucketCompleted,
    },
  ]
}

const isDeepEqualList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i])
