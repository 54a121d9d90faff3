import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runScenario, type Scenario } from '../src/scenario.js'

let scenario: Scenario
beforeAll(async () => {
  scenario = await runScenario()
}, 60_000)
afterAll(async () => {
  await scenario.close()
})

describe('the demo scenario, end to end on 127.0.0.1', () => {
  it('delivers every event of both tools to the dashboard exactly once', () => {
    const o = scenario.outcome
    expect(o.stored).toEqual(o.emitted)
    expect(o.emitted.decisions).toBeGreaterThan(0)
    expect(o.emitted.budgeting).toBeGreaterThan(0)
    expect(o.storedTwice).toEqual([])
  })

  it('catches up from the feeds after a restart, and answers the retried pushes as duplicates', () => {
    const o = scenario.outcome
    expect(o.caughtUpAfterRestart).toBeGreaterThan(0)
    expect(o.duplicatePushesAfterRestart).toBe(o.caughtUpAfterRestart)
  })

  it('matches the bucket (a request) with the offer', () => {
    const { match } = scenario.outcome
    expect(match?.object).toMatch(/\/buckets\//)
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
    expect(o.revokedWithinMs).toBeLessThan(2_000)
  })

  it('denies a removed member’s fresh sign-in at the authority', () => {
    expect(scenario.outcome.signInAfterRemoval).toEqual({ refused: true, error: 'access_denied' })
  })

  it('shows the closed poll, a tool-specific type, on the dashboard', () => {
    expect(scenario.outcome.pollClosed).toBe(true)
  })
})
