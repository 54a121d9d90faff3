// The demo's scenario, end to end. Every assertion is an invariant over what was counted (each event
// stored once, reached by push or from a feed, every push after the restart a duplicate), never
// which of two legitimate paths won a race or how long something took: the scenario runs on busy
// machines too (`npm run demo:busy` runs the demo ten times while both cores are kept busy).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runScenario, scenarioChecks, type Scenario } from '../src/scenario.js'

let scenario: Scenario
beforeAll(async () => {
  scenario = await runScenario()
}, 300_000)
afterAll(async () => {
  await scenario.close()
})

describe('the demo scenario, end to end on 127.0.0.1', () => {
  it('stores every event of both tools on the dashboard exactly once, counted from its effects', () => {
    const o = scenario.outcome
    expect(o.emitted.decisions).toBeGreaterThan(0)
    expect(o.emitted.budgeting).toBeGreaterThan(0)
    expect(o.stored).toEqual(o.emitted)
    expect(o.missing).toEqual([])
    expect(o.storedTwice).toEqual([])
  })

  it('reaches the dashboard with each event once, by push or from a feed', () => {
    const { reached, emitted } = scenario.outcome
    expect(reached.push + reached.pull).toBe(emitted.decisions + emitted.budgeting)
  })

  it('catches up from the feeds on restart, before it opens its inbox, with every event it missed', () => {
    const r = scenario.outcome.restart
    expect(r.emittedWhileDown).toBeGreaterThan(0)
    // Each event emitted while it was down arrived from a feed during the restart: its inbox was
    // closed (503, Retry-After) until the feeds were read, so no retried push could come first.
    expect(r.pulledOnRestart).toBe(r.emittedWhileDown)
    expect(r.caughtUp).toBeGreaterThanOrEqual(r.emittedWhileDown)
    expect(r.failedFeeds).toEqual([])
  })

  it('answers every push the tools retried after the restart as a duplicate (200)', () => {
    const r = scenario.outcome.restart
    expect(r.newPushes).toBe(0)
    expect(r.duplicatePushes).toBeGreaterThanOrEqual(r.emittedWhileDown)
  })

  it('matches the bucket’s work (a request) with the offer', () => {
    const { match } = scenario.outcome
    expect(match?.object).toMatch(/\/requests\//)
    expect(match?.subject).toMatch(/\/offers\//)
    expect(Number(match?.score)).toBeGreaterThan(0)
  })

  it('signs members in to Budgeting through the group’s authority, found in the group document', () => {
    const o = scenario.outcome
    expect(o.authority).toBe(o.decisions)
    expect(o.signedIn).toEqual(['Tomás', 'Aroha', 'Mele', 'Rangi'])
    expect(o.allowedBefore).toBe(true)
  })

  it('refuses a removed member’s open session as the removal arrives', () => {
    const o = scenario.outcome
    expect(o.deniedAfter).toBe(true)
    expect(o.sessionStatusAfter).toBe(403)
    // How soon is shown by the demo, not tested: it depends on how busy the machine is.
    expect(Number.isFinite(o.revokedWithinMs)).toBe(true)
    expect(o.revokedWithinMs).toBeGreaterThanOrEqual(0)
  })

  it('denies a removed member’s fresh sign-in at the authority', () => {
    expect(scenario.outcome.signInAfterRemoval).toEqual({ refused: true, error: 'access_denied' })
  })

  it('shows the closed poll, with its tally, on the dashboard', () => {
    expect(scenario.outcome.pollClosed).toBe(true)
    expect(scenario.outcome.story.poll.emitted?.decision).toBe('agreed')
  })

  it('[DEC-TAL-001] carries the tally tallyPoll computes again from the stance events received', () => {
    const { poll } = scenario.outcome.story
    expect(poll.stances).toBe(4)
    expect(poll.recomputed).toEqual(poll.emitted)
  })

  it('publishes the decided bucket in Budgeting: the decided amount as minGoal, the outcome as decidedBy', () => {
    const { bucket } = scenario.outcome.story
    expect(bucket.decidedAmount).toBe('30.00')
    expect(bucket.published).toBe(bucket.decidedBucket)
    expect(bucket.minGoal).toBe('30.00')
    expect(bucket.decidedBy).toBe(bucket.outcome)
  })

  it('[BUD-BAL-001] refuses a contribution beyond the member’s allocation with ERR_BUDGET_OVERDRAWN', () => {
    expect(scenario.outcome.story.overdrawn).toBe('ERR_BUDGET_OVERDRAWN')
  })

  it('[BUD-FUND-003] funds the bucket once, at its minimum, as computeRound over the events received says', () => {
    const { funding } = scenario.outcome.story
    expect(funding).toEqual({
      fundedEvents: 1,
      contributions: 3,
      status: 'funded',
      total: '30.00',
      minGoal: '30.00',
      fundedAtAgrees: true,
    })
  })

  it('[TSK-DEC-001] creates the decided task, assigns it to who offered the work, completes it and the bucket', () => {
    const { task, bucket } = scenario.outcome.story
    expect(task.statuses).toEqual(['open', 'assigned', 'completed'])
    expect(task.assignee).toBe(`${scenario.outcome.decisions}/u/aroha`)
    expect(task.offeredBy).toBe(task.assignee)
    expect(task.decidedBy).toBe(bucket.outcome)
    expect(task.bucketCompleted).toBe(true)
  })

  it('passes every check the demo prints', () => {
    expect(scenarioChecks(scenario.outcome).filter((c) => !c.ok)).toEqual([])
  })
})
