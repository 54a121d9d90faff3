import { describe, expect, it } from 'vitest'
import { checkDocuments } from '../src/check-documents.js'
import { scenarioChecks, type ScenarioOutcome } from '../src/scenario.js'

describe('the demo', () => {
  it('accepts every example and rejects every twin where its manifest says, via the public SDK', async () => {
    const checks = await checkDocuments()
    expect(checks.filter((c) => !c.ok)).toEqual([])
    expect(checks.filter((c) => c.expected === 'valid').length).toBeGreaterThanOrEqual(30)
    expect(checks.filter((c) => c.expected === 'invalid').length).toBeGreaterThanOrEqual(30)
    for (const c of checks.filter(
      (c) => c.expected === 'valid' && c.kind !== 'MembershipAssertionClaims',
    )) {
      expect(c.jsonLd, c.file).toBe('expands')
    }
  })
})

/** An outcome as a good run counts it; each test below breaks one invariant. */
const good: ScenarioOutcome = {
  decisions: 'http://127.0.0.1:1',
  budgeting: 'http://127.0.0.1:2',
  dashboard: 'http://127.0.0.1:3',
  group: 'http://127.0.0.1:1/g/harbour-commons',
  emitted: { decisions: 9, budgeting: 8 },
  stored: { decisions: 9, budgeting: 8 },
  missing: [],
  storedTwice: [],
  reached: { push: 10, pull: 7 },
  restart: {
    emittedWhileDown: 3,
    pulledOnRestart: 3,
    caughtUp: 3,
    failedFeeds: [],
    duplicatePushes: 3,
    newPushes: 0,
    deferredPushes: 0,
  },
  match: { subject: 'o', object: 'b', score: '0.9' },
  pollClosed: true,
  authority: 'http://127.0.0.1:1',
  signedIn: ['Tomás', 'Aroha', 'Mele', 'Rangi'],
  allowedBefore: true,
  deniedAfter: true,
  sessionStatusAfter: 403,
  revokedWithinMs: 60,
  signInAfterRemoval: { refused: true, error: 'access_denied' },
}
const failed = (o: ScenarioOutcome) =>
  scenarioChecks(o)
    .filter((c) => !c.ok)
    .map((c) => c.check)

describe('the demo’s scenario checks: invariants over counts, never the winner of a race', () => {
  it('accepts a run that holds every invariant, whichever way each event arrived', () => {
    expect(failed(good)).toEqual([])
    // More pushes deferred or answered as duplicates, or a slow removal, change nothing.
    const slow = {
      ...good,
      reached: { push: 4, pull: 13 },
      restart: { ...good.restart, caughtUp: 5, duplicatePushes: 9, deferredPushes: 12 },
      revokedWithinMs: 9_000,
    }
    expect(failed(slow)).toEqual([])
  })

  it('fails when an event missed while the dashboard was down did not come from a feed on restart', () => {
    // What happened when retried pushes beat the catch-up: the event arrived, by the wrong path.
    const raced = {
      ...good,
      restart: { ...good.restart, pulledOnRestart: 0, caughtUp: 0, newPushes: 3 },
    }
    expect(failed(raced)).toEqual([
      'caught up from feeds on restart, inbox closed',
      'retried pushes after the restart',
    ])
  })

  it('fails when an event is stored twice or missing, or nothing was missed to catch up', () => {
    expect(failed({ ...good, storedTwice: ['http://127.0.0.1:1 e1'] })).toEqual([
      'events stored more than once (effects counted)',
    ])
    expect(failed({ ...good, stored: { decisions: 8, budgeting: 8 } })).toContain(
      'events from Decisions on the dashboard',
    )
    expect(failed({ ...good, reached: { push: 10, pull: 8 } })).toEqual([
      'how each event reached the dashboard, once',
    ])
    expect(
      failed({ ...good, restart: { ...good.restart, emittedWhileDown: 0, pulledOnRestart: 0 } }),
    ).toEqual(['caught up from feeds on restart, inbox closed'])
  })
})
