// The demo's scenario, shared by `npm run demo` and the end-to-end tests: two tools and a dashboard
// on 127.0.0.1, members join, a bucket is matched with an offer, a poll closes, the dashboard
// restarts and catches up, and a removed member loses access to the budgeting tool at once.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AccessDenied,
  startBudgeting,
  type Budgeting,
  type FoundMatch,
} from '../budgeting/budgeting.js'
import { startDashboard, type Dashboard } from '../dashboard/dashboard.js'
import { startDecisions, type Decisions } from '../decisions/decisions.js'
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
  /** Whether the member about to be removed could contribute before. */
  readonly allowedBefore: boolean
  /** Whether their contribution after removal was refused. */
  readonly deniedAfter: boolean
  /** Milliseconds from the removal to the end of access in the budgeting tool. */
  readonly revokedWithinMs: number
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
): Promise<Scenario> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cta-dashboard-'))
  step('starting the decisions tool (the group authority)')
  const decisions = await startDecisions()
  const group = decisions.group
  const tomas = decisions.person('tomas', 'Tomás')
  const aroha = decisions.person('aroha', 'Aroha')
  const mele = decisions.person('mele', 'Mele')
  const rangi = decisions.person('rangi', 'Rangi')
  step('starting the budgeting tool')
  const budgeting = await startBudgeting({ group, isInstalled: decisions.isInstalled })
  step('starting the dashboard (PGlite store)')
  let dashboard = await startDashboard({ dataDir })
  const running = { dashboard }

  const close = async (): Promise<void> => {
    await running.dashboard.close().catch(() => undefined)
    await budgeting.close()
    await decisions.close()
    await rm(dataDir, { recursive: true, force: true })
  }
  try {
    step('Tomás founds Harbour Commons; Aroha joins')
    await decisions.join(tomas, tomas)
    await decisions.join(aroha, tomas)

    step('the group connects Budgeting and the dashboard')
    await decisions.connectTool({ origin: budgeting.origin, name: 'Budgeting' }, tomas)
    await decisions.connectTool({ origin: dashboard.origin, name: 'Dashboard' }, tomas)
    // Budgeting is also installed in the group for its own events; the authority says so.

    step('Budgeting catches up on members (pull) and subscribes to membership events (push)')
    await budgeting.followAuthority(decisions.origin)
    step('the dashboard subscribes to both tools, after reading their feeds')
    await dashboard.follow(decisions.origin, group)
    await dashboard.follow(budgeting.origin, group)

    step('Mele and Rangi join; Budgeting learns of it by push')
    await decisions.join(mele, tomas)
    await decisions.join(rangi, tomas)
    await waitFor('budgeting to learn of Rangi', () => budgeting.hasAccess(rangi.id))

    step('a funding round opens; Tomás publishes a bucket as a request for 30.00 HC')
    await budgeting.openRound('Spring 2026', tomas)
    const bucket = await budgeting.publishBucket({
      title: 'Fix the community bikes before spring',
      target: '30',
      hours: '6',
      by: tomas,
    })
    step('Aroha offers bike repairs for 28.00 HC: the matcher finds the bucket')
    const [match] = await budgeting.offer({
      title: 'Bike repairs, six hours',
      price: '28',
      hours: '6',
      by: aroha,
    })

    step('Aroha starts a poll; it closes with an outcome')
    const poll = await decisions.startPoll(
      'Replace the workshop roof this year?',
      aroha,
      new Date(Date.now() + 7 * 864e5),
    )
    await decisions.closePoll(poll, 'Agreed: 9 for, 1 against.', aroha)

    step('Mele and Rangi contribute to the bucket (agreements)')
    await budgeting.contribute(bucket, '15', mele)
    let allowedBefore = true
    try {
      await budgeting.contribute(bucket, '5', rangi)
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
    let deniedAfter = false
    try {
      await budgeting.contribute(bucket, '15', rangi)
    } catch (err) {
      if (!(err instanceof AccessDenied)) throw err
      deniedAfter = true
    }
    await budgeting.contribute(bucket, '15', aroha)

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
        allowedBefore,
        deniedAfter,
        revokedWithinMs,
      },
    }
  } catch (err) {
    await close()
    throw err
  }
}
