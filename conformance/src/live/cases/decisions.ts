/**
 * Decisions: the suite opens polls on the tool through the control API, casts stances as the
 * session's members and closes them; the tool's `poll.closed` must carry the tally the suite
 * computes over the same stances (its SDK's `tallyPoll`, the algorithm of the vectors), stances
 * the rules forbid must be refused with their code, and the events must keep anonymous voters and
 * hidden results out.
 */
import {
  checkDecisionEvent,
  validateDocument,
  type EmbeddedPoll,
  type Event,
} from '@cta-interop/sdk'
import type { LiveCase, LiveContext } from '../case.js'
import { check } from '../case.js'
import {
  act,
  answerOf,
  objectOf,
  profileSession,
  refusedWith,
  attempt,
  waitForEvents,
} from './decisions-support.js'
import {
  canonical,
  position,
  resultOf,
  runPoll,
  type PollPlan,
  type PollRun,
} from './decisions-polls.js'

const at = (options: readonly string[], i: number) => options[i] ?? `missing-option-${i}`
const one = (i: number) => (options: readonly string[]) => [{ option: at(options, i) }]
const valued =
  (...pairs: [number, number][]) =>
  (options: readonly string[]) =>
    pairs.map(([i, value]) => ({ option: at(options, i), value }))
const ranked =
  (...order: number[]) =>
  (options: readonly string[]) =>
    order.map((i, rank) => ({ option: at(options, i), value: rank + 1 }))
const stand = (which: string) => (_: readonly string[], poll: EmbeddedPoll) => [
  { option: position(poll, which) },
]

const PLANS = {
  proposal: {
    params: { pollType: 'proposal' },
    ballots: [
      { member: 0, choice: stand('agree') },
      { member: 1, choice: stand('agree') },
      { member: 2, choice: stand('agree') },
      { member: 3, choice: stand('block'), reason: 'Not as it stands' },
      { member: 4, choice: stand('disagree') },
      { member: 5, choice: stand('abstain') },
    ],
  },
  // The chapter's worked example: D is eliminated (a three-way tie broken by the poll's order),
  // then C (a tie in round 2 that round 1 does not break), and B wins in round 3.
  ranked: {
    params: {
      pollType: 'rankedChoice',
      options: ['A', 'B', 'C', 'D'],
      minChoices: 1,
      maxChoices: 2,
    },
    ballots: [
      { member: 0, choice: ranked(0, 1) },
      { member: 1, choice: ranked(0, 1) },
      { member: 2, choice: ranked(0) },
      { member: 3, choice: ranked(1, 0) },
      { member: 4, choice: ranked(1, 2) },
      { member: 5, choice: ranked(2, 1) },
      { member: 6, choice: ranked(2, 1) },
      { member: 7, choice: ranked(3, 2) },
      { member: 8, choice: ranked(3, 1) },
    ],
  },
  score: {
    params: { pollType: 'score', options: ['X', 'Y', 'Z'], minScore: 0, maxScore: 5 },
    ballots: [
      { member: 0, choice: valued([0, 5], [1, 0]) },
      { member: 1, choice: valued([0, 2], [2, 4]) },
      { member: 2, choice: valued([1, 3], [2, 4]) },
    ],
    late: { member: 3, choice: valued([1, 5]) },
  },
  dots: {
    params: { pollType: 'dotVote', options: ['X', 'Y', 'Z'], dotsPerVoter: 5 },
    invalid: [
      { member: 3, choice: valued([0, 6]) },
      {
        member: 3,
        choice: (o: readonly string[]) => [{ option: `${at(o, 0)}-unknown`, value: 1 }],
      },
    ],
    ballots: [
      { member: 0, choice: valued([0, 3], [1, 2]) },
      { member: 1, choice: valued([1, 5]) },
      { member: 2, choice: valued([0, 1], [2, 4]) },
    ],
  },
  // Ana changes her stance: only the later one counts.
  choice: {
    params: {
      pollType: 'multipleChoice',
      options: ['X', 'Y', 'Z'],
      minChoices: 1,
      maxChoices: 2,
      quorum: 3,
    },
    ballots: [
      { member: 0, choice: one(0) },
      { member: 1, choice: one(1) },
      { member: 0, choice: (o: readonly string[]) => [{ option: at(o, 1) }, { option: at(o, 2) }] },
      { member: 2, choice: (o: readonly string[]) => [{ option: at(o, 0) }, { option: at(o, 1) }] },
    ],
  },
  quorum: {
    params: { pollType: 'count', options: ['I am in'], quorum: 4 },
    ballots: [
      { member: 0, choice: one(0) },
      { member: 1, choice: one(0) },
      { member: 2, choice: one(0) },
    ],
  },
  // Two slots with the same points: the one with more yes answers wins.
  meeting: {
    params: {
      pollType: 'meeting',
      options: ['2031-05-06T09:00:00Z', '2031-05-07T09:00:00Z'],
    },
    ballots: [
      { member: 0, choice: valued([0, 2], [1, 2]) },
      { member: 1, choice: valued([0, 1], [1, 2]) },
      { member: 2, choice: valued([0, 1], [1, 0]) },
    ],
  },
  anonymous: {
    params: { pollType: 'proposal', anonymous: true },
    ballots: [
      { member: 0, choice: stand('agree'), reason: 'Yes' },
      { member: 1, choice: stand('disagree') },
      { member: 2, choice: stand('agree') },
    ],
  },
  hidden: {
    params: { pollType: 'singleChoice', options: ['X', 'Y'], hideResults: 'untilClosed' },
    ballots: [
      { member: 0, choice: one(0), reason: 'X is cheaper' },
      { member: 1, choice: one(1) },
      { member: 2, choice: one(0) },
    ],
  },
} satisfies Record<string, PollPlan>

type PlanName = keyof typeof PLANS
const run = (ctx: LiveContext, name: PlanName) => runPoll(ctx, name, PLANS[name])

/** Fails unless the tool's `poll.closed` carries the suite's tally; returns both. */
function sameTally(r: PollRun, also?: (tally: Record<string, unknown>) => string | undefined) {
  const actual = resultOf(r.closed)
  const expected = r.oracle
  check(
    !('error' in expected),
    `the suite could not tally the stances the tool accepted: ${'error' in expected ? expected.error : ''}`,
    { tally: 'computable' },
    expected,
  )
  check(
    canonical(actual) === canonical(expected),
    actual === undefined
      ? 'poll.closed carries no tally (result)'
      : "the tool's tally is not the suite's tally over the same stances",
    { tally: expected },
    { tally: actual },
  )
  const extra = also?.(expected)
  check(extra === undefined, extra ?? '', { tally: expected }, { tally: actual })
  return { expected: { tally: expected }, actual: { tally: actual } }
}

/** A tally case: the plan's poll closed with the suite's tally (and `also` about the tally). */
function tallyCase(
  id: string,
  title: string,
  requirements: readonly string[],
  plan: PlanName,
  also?: (tally: Record<string, unknown>, r: PollRun) => string | undefined,
): LiveCase {
  return {
    id: `live.decisions.${id}`,
    title,
    requirements,
    profile: 'decisions',
    level: 'MUST',
    actions: ['poll-open', 'stance-cast', 'poll-close'],
    async run(ctx) {
      const r = await run(ctx, plan)
      return sameTally(r, also === undefined ? undefined : (t) => also(t, r))
    },
  }
}

/** Every event of a run checked as a receiver would: schema and the privacy rules at its time. */
function problemsOf(events: readonly Event[]): string[] {
  const problems: string[] = []
  for (const e of events) {
    const result = validateDocument(e)
    if (!result.valid) problems.push(`${e.type}: ${result.code}`)
    try {
      checkDecisionEvent(e, { currentDate: new Date(e.time) })
    } catch (err) {
      problems.push(`${e.type}: ${(err as { code?: string }).code ?? String(err)}`)
    }
  }
  return problems
}

export const DECISION_CASES: readonly LiveCase[] = [
  tallyCase(
    'proposal-block',
    'A proposal with one block among agrees closes blocked: the tool’s tally matches the suite’s, a block never counted as a disagree',
    ['DEC-TAL-001', 'DEC-TAL-003'],
    'proposal',
    (t) => (t['decision'] === 'blocked' ? undefined : `the decision is ${String(t['decision'])}`),
  ),
  tallyCase(
    'ranked-choice',
    'A ranked choice with eliminations and ties closes with the suite’s instant run-off: D then C eliminated, B wins, not another order',
    ['DEC-TAL-006'],
    'ranked',
    (t, r) =>
      canonical(t['winners']) === canonical([r.options[1]]) &&
      canonical((t['rounds'] as { eliminated?: string }[]).map((x) => x.eliminated)) ===
        canonical([r.options[3], r.options[2], undefined])
        ? undefined
        : 'the suite’s own count of the chapter’s example is not the expected one',
  ),
  tallyCase(
    'score',
    'A score poll closes with points summed and a score of 0 counted as a vote, not left out',
    ['DEC-TAL-004'],
    'score',
  ),
  tallyCase(
    'dot-vote',
    'A dot vote closes with the dots summed per option, refused stances not counted',
    ['DEC-TAL-005'],
    'dots',
  ),
  tallyCase(
    'latest-stance',
    'A multiple choice poll counts only the latest stance of a member who changed it, never both',
    ['DEC-TAL-002', 'DEC-STA-003'],
    'choice',
  ),
  tallyCase(
    'quorum',
    'A poll below its quorum closes without winners: quorumReached is false, not a winner by votes',
    ['DEC-TAL-001', 'DEC-TAL-002'],
    'quorum',
    (t) => (t['quorumReached'] === false ? undefined : 'the quorum is reported reached'),
  ),
  tallyCase(
    'meeting',
    'A meeting poll closes with points from yes 2, maybe 1, no 0, a tie on points broken by yes answers, not left tied',
    ['DEC-TAL-007'],
    'meeting',
  ),
  {
    id: 'live.decisions.refuses-invalid-stance',
    title:
      'A stance that places more dots than the poll allows, or chooses an option not in the poll, is refused with ERR_STANCE_INVALID and never announced',
    requirements: ['DEC-STA-001'],
    profile: 'decisions',
    level: 'MUST',
    actions: ['poll-open', 'stance-cast', 'poll-close'],
    async run(ctx) {
      const r = await run(ctx, 'dots')
      const expected = {
        answers: r.invalid.map(() => ({ status: 422, code: 'ERR_STANCE_INVALID' })),
        voters: 3,
      }
      const dev = r.members[3]
      const announced = r.stances.filter((e) => JSON.stringify(e).includes(String(dev))).length
      const actual = {
        answers: r.invalid.map(answerOf),
        voters: (resultOf(r.closed) as { voters?: number } | undefined)?.voters,
        announced,
      }
      check(
        r.invalid.every((a) => refusedWith(a, 'ERR_STANCE_INVALID')) &&
          actual.voters === 3 &&
          announced === 0,
        'an invalid stance was not refused with ERR_STANCE_INVALID, or was announced or counted',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.decisions.refuses-late-stance',
    title: 'A stance cast after the poll closed is refused with ERR_POLL_CLOSED and never counted',
    requirements: ['DEC-STA-002'],
    profile: 'decisions',
    level: 'MUST',
    actions: ['poll-open', 'stance-cast', 'poll-close'],
    async run(ctx) {
      const r = await run(ctx, 'score')
      const late = r.late
      const expected = { status: 422, code: 'ERR_POLL_CLOSED' }
      const actual = late === undefined ? {} : answerOf(late)
      check(
        late !== undefined && refusedWith(late, 'ERR_POLL_CLOSED'),
        'a stance after close was not refused with ERR_POLL_CLOSED (422, registry type)',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.decisions.refuses-invalid-poll',
    title: 'A poll whose minChoices exceeds its options is refused with ERR_POLL_INVALID',
    requirements: ['DEC-POLL-003'],
    profile: 'decisions',
    level: 'MUST',
    actions: ['poll-open'],
    async run(ctx) {
      const ps = await profileSession(ctx)
      const answer = await attempt(ctx, ps, 'poll-open', {
        pollType: 'multipleChoice',
        options: ['X', 'Y'],
        minChoices: 3,
        maxChoices: 3,
      })
      const expected = { status: 422, code: 'ERR_POLL_INVALID' }
      check(
        refusedWith(answer, 'ERR_POLL_INVALID'),
        'an impossible poll was not refused with ERR_POLL_INVALID',
        expected,
        answerOf(answer),
      )
      return { expected, actual: answerOf(answer) }
    },
  },
  {
    id: 'live.decisions.anonymous',
    title:
      'An anonymous poll’s stance.cast events never name the voter: the tool is the actor, no attributedTo, no member anywhere',
    requirements: ['DEC-PRIV-001'],
    profile: 'decisions',
    level: 'MUST',
    actions: ['poll-open', 'stance-cast', 'poll-close'],
    async run(ctx) {
      const r = await run(ctx, 'anonymous')
      const leaks = r.stances.flatMap((e) => {
        const actor = (e.data as { actor?: { id?: string; type?: string } }).actor
        const text = JSON.stringify(e)
        return [
          ...(actor?.type === 'Person' ? [`${e.id}: actor is a Person`] : []),
          ...('attributedTo' in objectOf(e) ? [`${e.id}: stance carries attributedTo`] : []),
          ...r.members.filter((m) => text.includes(m)).map((m) => `${e.id} names ${m}`),
        ]
      })
      const problems = problemsOf(r.stances)
      const expected = { leaks: [], problems: [], stances: 3 }
      const actual = { leaks, problems, stances: r.stances.length }
      check(
        leaks.length === 0 && problems.length === 0,
        'a stance.cast of an anonymous poll says who voted',
        expected,
        actual,
      )
      sameTally(r)
      return { expected, actual }
    },
  },
  {
    id: 'live.decisions.hidden-results',
    title:
      'A poll with results hidden until close sends no tally, choice or reason before it closes, and the full tally only in poll.closed',
    requirements: ['DEC-PRIV-002'],
    profile: 'decisions',
    level: 'MUST',
    actions: ['poll-open', 'stance-cast', 'poll-close'],
    async run(ctx) {
      const r = await run(ctx, 'hidden')
      const before = r.events.filter((e) => e.type !== 'tech.collaborative.poll.closed')
      const leaks = before.flatMap((e) => {
        const o = objectOf(e)
        return [
          ...('result' in (e.data as object) ? [`${e.type} carries a result`] : []),
          ...(e.type === 'tech.collaborative.stance.cast' && ('choice' in o || 'content' in o)
            ? [`${e.id}: stance carries its choice or reason`]
            : []),
        ]
      })
      const problems = problemsOf(before)
      const expected = { leaks: [], problems: [] }
      const actual = { leaks, problems }
      check(
        leaks.length === 0 && problems.length === 0,
        'an event before close lets out a hidden result',
        expected,
        actual,
      )
      sameTally(r)
      return { expected, actual }
    },
  },
  {
    id: 'live.decisions.events',
    title:
      'The tool announces a poll’s life as valid events: poll.opened (options in oneOf or anyOf, a proposal’s positions), stance.cast, poll.closed with closed, outcome.published naming its poll; none refused by a receiver',
    requirements: ['DEC-EVT-001', 'DEC-POLL-001', 'DEC-POLL-002', 'DEC-OUT-001'],
    profile: 'decisions',
    level: 'MUST',
    actions: ['poll-open', 'stance-cast', 'poll-close', 'outcome-publish'],
    async run(ctx) {
      const proposal = await run(ctx, 'proposal')
      const score = await run(ctx, 'score')
      const ps = await profileSession(ctx)
      const from = ctx.peer.deliveries.length
      const { outcome } = await act(ctx, ps, 'outcome-publish', {
        poll: proposal.poll,
        statement: 'We do not go ahead as it stands.',
      })
      const published = await waitForEvents(
        ctx,
        from,
        (events) =>
          events.find(
            (e) =>
              e.type === 'tech.collaborative.outcome.published' && objectOf(e)['id'] === outcome,
          ),
        `outcome.published of ${String(outcome)}`,
      )
      const events = [...proposal.events, ...score.events, published]
      const activity = (e: Event) => (e.data as { type?: string }).type
      const p = objectOf(proposal.opened) as unknown as EmbeddedPoll
      const s = objectOf(score.opened) as unknown as EmbeddedPoll
      const ids = [...(p.oneOf ?? []), ...(s.anyOf ?? [])].map((o) => o.id)
      const actual = {
        problems: problemsOf(events),
        activities: {
          opened: activity(proposal.opened),
          stance: [...new Set(proposal.stances.map(activity))],
          closed: activity(proposal.closed),
          outcome: activity(published),
        },
        closedHasClosed: typeof objectOf(proposal.closed)['closed'] === 'string',
        proposalOptions: { oneOf: p.oneOf?.length ?? 0, anyOf: p.anyOf?.length ?? 0 },
        proposalPositions: (p.oneOf ?? []).map((o) => o.position).sort(),
        scoreOptions: { oneOf: s.oneOf?.length ?? 0, anyOf: s.anyOf?.length ?? 0 },
        distinctOptionIds: new Set(ids).size === ids.length,
        outcomeInReplyTo: objectOf(published)['inReplyTo'],
      }
      const expected = {
        problems: [],
        activities: { opened: 'Create', stance: ['Create'], closed: 'Update', outcome: 'Create' },
        closedHasClosed: true,
        proposalOptions: { oneOf: 4, anyOf: 0 },
        proposalPositions: ['abstain', 'agree', 'block', 'disagree'],
        scoreOptions: { oneOf: 0, anyOf: 3 },
        distinctOptionIds: true,
        outcomeInReplyTo: proposal.poll,
      }
      check(
        canonical(actual) === canonical(expected),
        'the poll’s events are not the profile’s valid events',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
]
