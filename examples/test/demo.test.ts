import { describe, expect, it } from 'vitest'
import { checkDocuments } from '../src/check-documents.js'
import { scenarioChecks, type ScenarioOutcome } from '../src/scenario.js'
import type { Tally } from '@cta-interop/sdk'
import type { StoryOutcome } from '../src/story.js'

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

const tally: Tally = {
  type: 'Tally',
  poll: 'http://127.0.0.1:1/p/1',
  pollType: 'proposal',
  voters: 4,
  quorumReached: true,
  options: [
    { option: 'http://127.0.0.1:1/p/1#option-1', votes: 3 },
    { option: 'http://127.0.0.1:1/p/1#option-2', votes: 1 },
  ],
  winners: ['http://127.0.0.1:1/p/1#option-1'],
  decision: 'agreed',
}
/** The cross-tool story as a good run recomputes it. */
const story: StoryOutcome = {
  poll: { stances: 4, emitted: tally, recomputed: { ...tally }, decision: 'agreed' },
  bucket: {
    outcome: 'http://127.0.0.1:1/p/1/outcome',
    decidedAmount: '30.00',
    decidedBucket: 'http://127.0.0.1:2/buckets/bike-repair',
    published: 'http://127.0.0.1:2/buckets/bike-repair',
    minGoal: '30.00',
    decidedBy: 'http://127.0.0.1:1/p/1/outcome',
  },
  overdrawn: 'ERR_BUDGET_OVERDRAWN',
  funding: {
    fundedEvents: 1,
    contributions: 3,
    status: 'funded',
    total: '30.00',
    minGoal: '30.00',
    fundedAtAgrees: true,
  },
  task: {
    statuses: ['open', 'assigned', 'completed'],
    assignee: 'http://127.0.0.1:1/u/aroha',
    offeredBy: 'http://127.0.0.1:1/u/aroha',
    decidedBy: 'http://127.0.0.1:1/p/1/outcome',
    bucketCompleted: true,
  },
}

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
  story,
  install: { requests: 2, approvedBy: ['Tomás', 'Tomás'], connected: 2 },
  authority: 'http://127.0.0.1:1',
  signedIn: ['Tomás', 'Aroha', 'Mele', 'Rangi'],
  allowedBefore: true,
  deniedAfter: true,
  sessionStatusAfter: 403,
  revokedWithinMs: 60,
  signInAfterRemoval: { refused: true, error: 'access_denied' },
  keyRotation: { oldKey: 3, newKey: 5, newKeyHeld: 5, leadSeconds: 10 },
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

  it('[EXP-PRV-001] fails when a member’s export holds another member’s items, or a page does not verify', () => {
    const line = 'Aroha’s export from the dashboard (a download)'
    const memberExport = {
      name: 'Aroha',
      attachment: true,
      tools: 2,
      pages: 2,
      verifiedPages: 2,
      items: 3,
      byType: { Proposal: 1, Stance: 1, Task: 1 },
      ofOthers: 0,
    }
    expect(failed({ ...good, memberExport })).toEqual([])
    expect(scenarioChecks({ ...good, memberExport }).find((c) => c.check === line)?.result).toBe(
      '2 tools, 3 items (1 Proposal, 1 Stance, 1 Task); 2 of 2 pages verified against each tool’s JWKS; 0 items of other members',
    )
    expect(failed({ ...good, memberExport: { ...memberExport, ofOthers: 1 } })).toEqual([line])
    expect(failed({ ...good, memberExport: { ...memberExport, verifiedPages: 1 } })).toEqual([line])
    expect(failed({ ...good, memberExport: { ...memberExport, attachment: false } })).toEqual([
      line,
    ])
  })

  it('fails when a tool was installed other than through the install flow', () => {
    const line = 'tools installed through the install flow'
    expect(failed({ ...good, install: { ...good.install, approvedBy: ['Tomás'] } })).toEqual([line])
    expect(failed({ ...good, install: { ...good.install, requests: 0 } })).toEqual([line])
    expect(failed({ ...good, install: { ...good.install, connected: 3 } })).toEqual([line])
    const line2 = scenarioChecks(good).find((c) => c.check === line)?.result
    expect(line2).toBe(
      'Budgeting and the dashboard: 2 requests, 2 approvals by Tomás, 2 group.tool.connected events',
    )
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

describe('the cross-tool story’s checks: each step recomputed from the events received', () => {
  const broken = (change: Partial<StoryOutcome>) =>
    failed({ ...good, story: { ...story, ...change } })

  it('fails when the tally Decisions emitted is not what tallyPoll computes from the stances', () => {
    const other = { ...tally, options: [...tally.options].reverse() }
    expect(broken({ poll: { ...story.poll, recomputed: other } })).toEqual([
      'poll tally (Decisions) = tallyPoll over the stances received',
    ])
    expect(broken({ poll: { ...story.poll, recomputed: 'ERR_STANCE_INVALID' } })).toEqual([
      'poll tally (Decisions) = tallyPoll over the stances received',
    ])
  })

  it('fails when the bucket is not the decided one: another amount, or no decidedBy', () => {
    expect(broken({ bucket: { ...story.bucket, minGoal: '28.00' } })).toEqual([
      'bucket published by Budgeting on the outcome',
    ])
    // The same amount written otherwise is the same amount.
    expect(broken({ bucket: { ...story.bucket, minGoal: '30' } })).toEqual([])
    const { decidedBy: _decidedBy, ...without } = story.bucket
    expect(broken({ bucket: { ...without, decidedBy: undefined } })).toEqual([
      'bucket published by Budgeting on the outcome',
    ])
  })

  it('fails when the over-allocation was accepted or refused with another code', () => {
    expect(broken({ overdrawn: undefined })).toEqual(['over-allocation refused by Budgeting'])
    expect(broken({ overdrawn: 'ERR_BUDGET_OVER_MAX' })).toEqual([
      'over-allocation refused by Budgeting',
    ])
  })

  it('[EVT-ROT-001] fails when the key did not rotate, was used before its lead, or its events did not reach the dashboard', () => {
    const rotation = 'Budgeting’s key rotated mid-run, next key published first'
    const failedWith = (keyRotation: Partial<ScenarioOutcome['keyRotation']>) =>
      failed({ ...good, keyRotation: { ...good.keyRotation, ...keyRotation } })
    expect(failedWith({ newKey: 0, newKeyHeld: 0 })).toEqual([rotation])
    expect(failedWith({ leadSeconds: 2 })).toEqual([rotation])
    expect(failedWith({ newKeyHeld: 4 })).toEqual([rotation])
  })

  it('fails when the bucket was funded twice, past its minimum, or computeRound disagrees', () => {
    const funding = story.funding
    for (const change of [
      { fundedEvents: 2 },
      { total: '35.00' },
      { status: 'open' },
      { status: 'ERR_BUDGET_OVERDRAWN' },
      { fundedAtAgrees: false },
    ]) {
      expect(broken({ funding: { ...funding, ...change } })).toEqual([
        'bucket funded at its minimum (computeRound agrees)',
      ])
    }
  })

  it('fails when the task skipped a step, went to someone else, or its history was refused', () => {
    const task = story.task
    for (const change of [
      { statuses: ['assigned', 'completed'] as const },
      { statuses: 'ERR_TASK_TRANSITION' },
      { assignee: 'http://127.0.0.1:1/u/mele' },
      { bucketCompleted: false },
    ]) {
      expect(broken({ task: { ...task, ...change } })).toEqual([
        'task created, assigned, completed (applyTaskEvents)',
      ])
    }
  })
})
