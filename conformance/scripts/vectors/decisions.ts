// The vectors of spec/decisions.md: the decisions examples and their invalid twins, a tally for
// each poll type (ranked choice with its elimination rounds and tie-breaks, score, dot vote over
// its budget refused, proposal with a block), the stance rules, and the privacy rules both ways.
// Every expected tally is written out by hand from the spec's rules, never computed by the SDK.
// Registered in ../generate-vectors.ts.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Level, Profile, Vector } from '../../src/types.js'

/** The requirements these vectors cite, with their profiles and level as spec/decisions.md states them. */
export const DECISIONS_REQUIREMENTS: Record<string, { profiles: Profile[]; level: Level }> = {
  'DEC-POLL-001': { profiles: ['decisions'], level: 'MUST' },
  'DEC-POLL-002': { profiles: ['decisions'], level: 'MUST' },
  'DEC-POLL-003': { profiles: ['decisions'], level: 'MUST' },
  'DEC-STA-001': { profiles: ['decisions'], level: 'MUST' },
  'DEC-STA-002': { profiles: ['decisions'], level: 'MUST' },
  'DEC-STA-003': { profiles: ['decisions'], level: 'MUST' },
  'DEC-OUT-001': { profiles: ['decisions'], level: 'MUST' },
  'DEC-TAL-001': { profiles: ['decisions'], level: 'MUST' },
  'DEC-TAL-002': { profiles: ['decisions'], level: 'MUST' },
  'DEC-TAL-003': { profiles: ['decisions'], level: 'MUST' },
  'DEC-TAL-004': { profiles: ['decisions'], level: 'MUST' },
  'DEC-TAL-005': { profiles: ['decisions'], level: 'MUST' },
  'DEC-TAL-006': { profiles: ['decisions'], level: 'MUST' },
  'DEC-TAL-007': { profiles: ['decisions'], level: 'MUST' },
  'DEC-EVT-001': { profiles: ['decisions'], level: 'MUST' },
  'DEC-PRIV-001': { profiles: ['decisions'], level: 'MUST' },
  'DEC-PRIV-002': { profiles: ['decisions'], level: 'MUST' },
}

type Built = Vector & { dir: string }
type Doc = Record<string, unknown>
type VectorFields = Omit<Vector, '$schema' | 'profiles' | 'level'> & { dir: string }

/** What the generator lends this module. */
export interface DecisionVectorTools {
  /** examples/documents. */
  readonly examples: string
  readonly vector: (fields: VectorFields) => Built
}

interface ManifestEntry {
  readonly file: string
  readonly kind: string
  readonly title?: string
  readonly defect?: string
  readonly instancePath?: string
  readonly keyword?: string
  readonly requirements: string[]
}

const PINNED = ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1']
const GROUP = 'https://decisions.example/g/harbour-commons'
const POLL = 'https://decisions.example/p/v'
const OPENED = '2026-09-01T09:00:00Z'
const CLOSES = '2026-09-08T09:00:00Z'
const clone = <T>(value: T): T => structuredClone(value)
const opt = (name: string): string => `${POLL}#${name}`

const ONE_OF = new Set(['proposal', 'singleChoice', 'count'])

/** A poll of `pollType` over options named `names` (a proposal's names are its positions). */
function poll(pollType: string, names: readonly string[], extra: Doc = {}): Doc {
  const options = names.map((name) => ({
    id: opt(name),
    type: 'Note',
    name,
    ...(pollType === 'proposal' ? { position: name } : {}),
    ...(pollType === 'meeting' ? { startTime: `2026-09-1${names.indexOf(name)}T18:00:00Z` } : {}),
  }))
  return {
    '@context': PINNED,
    id: POLL,
    type: 'Question',
    pollType,
    name: `A ${pollType} poll`,
    attributedTo: 'https://decisions.example/u/aroha',
    audience: GROUP,
    published: OPENED,
    endTime: CLOSES,
    [ONE_OF.has(pollType) ? 'oneOf' : 'anyOf']: options,
    ...extra,
  }
}

let serial = 0
/** A stance of `voter`: each choice an option name, or a name and a value. */
function stance(
  voter: string,
  choices: readonly (string | [string, number])[],
  extra: Doc = {},
): Doc {
  serial += 1
  return {
    '@context': PINNED,
    id: `https://decisions.example/s/${String(serial).padStart(3, '0')}`,
    type: 'Stance',
    inReplyTo: POLL,
    attributedTo: `https://decisions.example/u/${voter}`,
    audience: GROUP,
    published: '2026-09-02T09:00:00Z',
    choice: choices.map((c) =>
      typeof c === 'string' ? { option: opt(c) } : { option: opt(c[0]), value: c[1] },
    ),
    ...extra,
  }
}

/** A tally's option lines: `[name, votes]` or `[name, votes, points]`. */
const lines = (rows: readonly (readonly [string, number, number?])[]) =>
  rows.map(([name, votes, points]) => ({
    option: opt(name),
    votes,
    ...(points === undefined ? {} : { points }),
  }))

interface TallyCase {
  readonly id: string
  readonly title: string
  readonly requirements: string[]
  readonly poll: Doc
  readonly stances: Doc[]
  /** The tally, or the code the tally is refused with. */
  readonly expected: Doc | string
}

function tallyCases(): TallyCase[] {
  serial = 0
  const proposal = ['agree', 'abstain', 'disagree', 'block']
  const tally = (p: Doc, voters: number, rest: Doc): Doc => ({
    type: 'Tally',
    poll: POLL,
    pollType: p['pollType'],
    voters,
    quorumReached: true,
    ...rest,
  })
  const cases: TallyCase[] = []
  const add = (c: Omit<TallyCase, 'expected'>, expected: (p: Doc) => Doc | string) =>
    cases.push({ ...c, expected: expected(c.poll) })

  // Proposals (DEC-TAL-003), the latest stance per voter (DEC-STA-003).
  add(
    {
      id: 'proposal.agreed',
      title: 'Tallies a proposal as agreed, counting only the latest stance of a voter who changed',
      requirements: ['DEC-TAL-001', 'DEC-TAL-003', 'DEC-STA-003', 'DEC-POLL-001', 'DEC-POLL-002'],
      poll: poll('proposal', proposal, { quorum: 3 }),
      stances: [
        stance('tui', ['agree']),
        stance('mere', ['disagree']),
        stance('mere', ['agree'], { updated: '2026-09-03T09:00:00Z' }),
        stance('sam', ['abstain']),
        stance('hemi', ['disagree']),
      ],
    },
    (p) =>
      tally(p, 4, {
        options: lines([
          ['agree', 2],
          ['abstain', 1],
          ['disagree', 1],
          ['block', 0],
        ]),
        winners: [opt('agree')],
        decision: 'agreed',
      }),
  )
  add(
    {
      id: 'proposal.blocked',
      title: 'Tallies a proposal with one block as blocked, however many agree',
      requirements: ['DEC-TAL-003'],
      poll: poll('proposal', proposal),
      stances: [
        stance('tui', ['agree']),
        stance('mere', ['agree']),
        stance('sam', ['agree']),
        stance('hemi', ['block']),
      ],
    },
    (p) =>
      tally(p, 4, {
        options: lines([
          ['agree', 3],
          ['abstain', 0],
          ['disagree', 0],
          ['block', 1],
        ]),
        winners: [],
        decision: 'blocked',
      }),
  )
  add(
    {
      id: 'proposal.tied',
      title: 'Tallies a proposal with as many agree as disagree as tied, abstentions aside',
      requirements: ['DEC-TAL-003'],
      poll: poll('proposal', proposal),
      stances: [stance('tui', ['agree']), stance('mere', ['disagree']), stance('sam', ['abstain'])],
    },
    (p) =>
      tally(p, 3, {
        options: lines([
          ['agree', 1],
          ['abstain', 1],
          ['disagree', 1],
          ['block', 0],
        ]),
        winners: [],
        decision: 'tied',
      }),
  )
  add(
    {
      id: 'proposal.no-quorum',
      title: 'Tallies a proposal short of its quorum as noQuorum, without winners',
      requirements: ['DEC-TAL-001', 'DEC-TAL-003'],
      poll: poll('proposal', proposal, { quorum: 3 }),
      stances: [stance('tui', ['agree']), stance('mere', ['agree'])],
    },
    (p) => ({
      ...tally(p, 2, {
        options: lines([
          ['agree', 2],
          ['abstain', 0],
          ['disagree', 0],
          ['block', 0],
        ]),
        winners: [],
        decision: 'noQuorum',
      }),
      quorumReached: false,
    }),
  )
  add(
    {
      id: 'proposal.two-choices',
      title: 'Refuses the tally of a proposal when a stance both agrees and blocks',
      requirements: ['DEC-TAL-003', 'DEC-STA-001'],
      poll: poll('proposal', proposal),
      stances: [stance('tui', ['agree']), stance('mere', ['agree', 'block'])],
    },
    () => 'ERR_STANCE_INVALID',
  )
  // Single, multiple choice and count (DEC-TAL-002).
  add(
    {
      id: 'single.tie',
      title: 'Tallies a single choice with two options tied first as two winners',
      requirements: ['DEC-TAL-001', 'DEC-TAL-002'],
      poll: poll('singleChoice', ['harbour', 'hill', 'town']),
      stances: [
        stance('tui', ['harbour']),
        stance('mere', ['hill']),
        stance('sam', ['hill']),
        stance('hemi', ['harbour']),
        stance('aroha', ['town']),
      ],
    },
    (p) =>
      tally(p, 5, {
        options: lines([
          ['harbour', 2],
          ['hill', 2],
          ['town', 1],
        ]),
        winners: [opt('harbour'), opt('hill')],
      }),
  )
  add(
    {
      id: 'single.no-stance',
      title: 'Tallies a single choice nobody answered without winners',
      requirements: ['DEC-TAL-001', 'DEC-TAL-002'],
      poll: poll('singleChoice', ['harbour', 'hill']),
      stances: [],
    },
    (p) =>
      tally(p, 0, {
        options: lines([
          ['harbour', 0],
          ['hill', 0],
        ]),
        winners: [],
      }),
  )
  add(
    {
      id: 'multiple.counts',
      title: 'Tallies a multiple choice by the stances that choose each option',
      requirements: ['DEC-TAL-002', 'DEC-POLL-003'],
      poll: poll('multipleChoice', ['tools', 'paint', 'roof'], { maxChoices: 2 }),
      stances: [
        stance('tui', ['tools', 'roof']),
        stance('mere', ['roof']),
        stance('sam', ['paint', 'roof']),
      ],
    },
    (p) =>
      tally(p, 3, {
        options: lines([
          ['tools', 1],
          ['paint', 1],
          ['roof', 3],
        ]),
        winners: [opt('roof')],
      }),
  )
  add(
    {
      id: 'multiple.too-many',
      title: 'Refuses the tally of a multiple choice when a stance chooses more than maxChoices',
      requirements: ['DEC-TAL-002', 'DEC-STA-001'],
      poll: poll('multipleChoice', ['tools', 'paint', 'roof'], { maxChoices: 2 }),
      stances: [stance('tui', ['tools', 'paint', 'roof'])],
    },
    () => 'ERR_STANCE_INVALID',
  )
  add(
    {
      id: 'count.in',
      title: 'Tallies a count poll by the stances for each option',
      requirements: ['DEC-TAL-002'],
      poll: poll('count', ['in', 'out'], { quorum: 2 }),
      stances: [stance('tui', ['in']), stance('mere', ['in']), stance('sam', ['out'])],
    },
    (p) =>
      tally(p, 3, {
        options: lines([
          ['in', 2],
          ['out', 1],
        ]),
        winners: [opt('in')],
      }),
  )
  // Score (DEC-TAL-004).
  add(
    {
      id: 'score.points',
      title: 'Tallies a score poll by the sum of scores, an unscored option not counted as 0',
      requirements: ['DEC-TAL-004', 'DEC-POLL-003'],
      poll: poll('score', ['tools', 'paint', 'roof'], { maxScore: 5 }),
      stances: [
        stance('tui', [
          ['tools', 5],
          ['paint', 0],
          ['roof', 4],
        ]),
        stance('mere', [['roof', 5]]),
        stance('sam', [
          ['tools', 4],
          ['paint', 2],
        ]),
      ],
    },
    (p) =>
      tally(p, 3, {
        options: lines([
          ['tools', 2, 9],
          ['paint', 2, 2],
          ['roof', 2, 9],
        ]),
        winners: [opt('tools'), opt('roof')],
      }),
  )
  add(
    {
      id: 'score.out-of-range',
      title: 'Refuses the tally of a score poll when a score is above maxScore',
      requirements: ['DEC-TAL-004', 'DEC-STA-001'],
      poll: poll('score', ['tools', 'paint'], { maxScore: 5 }),
      stances: [stance('tui', [['tools', 6]])],
    },
    () => 'ERR_STANCE_INVALID',
  )
  // Dot vote (DEC-TAL-005).
  add(
    {
      id: 'dot-vote.points',
      title: 'Tallies a dot vote by the dots placed on each option',
      requirements: ['DEC-TAL-005', 'DEC-POLL-003'],
      poll: poll('dotVote', ['tools', 'paint', 'roof'], { dotsPerVoter: 10 }),
      stances: [
        stance('tui', [
          ['tools', 3],
          ['roof', 7],
        ]),
        stance('mere', [
          ['paint', 0],
          ['roof', 10],
        ]),
        stance('sam', [
          ['tools', 5],
          ['paint', 5],
        ]),
      ],
    },
    (p) =>
      tally(p, 3, {
        options: lines([
          ['tools', 2, 8],
          ['paint', 1, 5],
          ['roof', 2, 17],
        ]),
        winners: [opt('roof')],
      }),
  )
  add(
    {
      id: 'dot-vote.over-budget',
      title: 'Refuses the tally of a dot vote when a stance places more dots than dotsPerVoter',
      requirements: ['DEC-TAL-005', 'DEC-TAL-001', 'DEC-STA-001'],
      poll: poll('dotVote', ['tools', 'paint', 'roof'], { dotsPerVoter: 10 }),
      stances: [
        stance('tui', [
          ['tools', 3],
          ['roof', 7],
        ]),
        stance('mere', [
          ['paint', 6],
          ['roof', 5],
        ]),
      ],
    },
    () => 'ERR_STANCE_INVALID',
  )
  // Ranked choice (DEC-TAL-006).
  const abcd = ['a', 'b', 'c', 'd']
  const ranks = (...names: string[]): [string, number][] => names.map((n, i) => [n, i + 1])
  add(
    {
      id: 'ranked.elimination-ties',
      title:
        'Tallies a ranked choice by instant run-off with eliminations, a tie broken by the round before and by poll order',
      requirements: ['DEC-TAL-006', 'DEC-TAL-001'],
      poll: poll('rankedChoice', abcd),
      stances: [
        stance('v1', ranks('a', 'b')),
        stance('v2', ranks('a', 'b')),
        stance('v3', ranks('a')),
        stance('v4', ranks('b', 'a')),
        stance('v5', ranks('b', 'c')),
        stance('v6', ranks('c', 'b')),
        stance('v7', ranks('c', 'b')),
        stance('v8', ranks('d', 'c')),
        stance('v9', ranks('d', 'b')),
      ],
    },
    (p) =>
      tally(p, 9, {
        options: lines([
          ['a', 3],
          ['b', 2],
          ['c', 2],
          ['d', 2],
        ]),
        winners: [opt('b')],
        rounds: [
          {
            counts: lines([
              ['a', 3],
              ['b', 2],
              ['c', 2],
              ['d', 2],
            ]),
            exhausted: 0,
            eliminated: opt('d'),
          },
          {
            counts: lines([
              ['a', 3],
              ['b', 3],
              ['c', 3],
            ]),
            exhausted: 0,
            eliminated: opt('c'),
          },
          {
            counts: lines([
              ['a', 3],
              ['b', 5],
            ]),
            exhausted: 1,
          },
        ],
      }),
  )
  add(
    {
      id: 'ranked.first-round-majority',
      title: 'Tallies a ranked choice won by a majority of first preferences in one round',
      requirements: ['DEC-TAL-006'],
      poll: poll('rankedChoice', ['a', 'b', 'c']),
      stances: [
        stance('v1', ranks('b', 'a')),
        stance('v2', ranks('b')),
        stance('v3', ranks('a', 'b', 'c')),
      ],
    },
    (p) =>
      tally(p, 3, {
        options: lines([
          ['a', 1],
          ['b', 2],
          ['c', 0],
        ]),
        winners: [opt('b')],
        rounds: [
          {
            counts: lines([
              ['a', 1],
              ['b', 2],
              ['c', 0],
            ]),
            exhausted: 0,
          },
        ],
      }),
  )
  add(
    {
      id: 'ranked.all-tied',
      title: 'Tallies a ranked choice whose remaining options stay tied as joint winners',
      requirements: ['DEC-TAL-006'],
      poll: poll('rankedChoice', ['a', 'b', 'c']),
      stances: [stance('v1', ranks('a')), stance('v2', ranks('b'))],
    },
    (p) =>
      tally(p, 2, {
        options: lines([
          ['a', 1],
          ['b', 1],
          ['c', 0],
        ]),
        winners: [opt('a'), opt('b')],
        rounds: [
          {
            counts: lines([
              ['a', 1],
              ['b', 1],
              ['c', 0],
            ]),
            exhausted: 0,
            eliminated: opt('c'),
          },
          {
            counts: lines([
              ['a', 1],
              ['b', 1],
            ]),
            exhausted: 0,
          },
        ],
      }),
  )
  add(
    {
      id: 'ranked.duplicate-rank',
      title: 'Refuses the tally of a ranked choice when a stance gives two options rank 1',
      requirements: ['DEC-TAL-006', 'DEC-STA-001'],
      poll: poll('rankedChoice', ['a', 'b', 'c']),
      stances: [
        stance('v1', [
          ['a', 1],
          ['b', 1],
        ]),
      ],
    },
    () => 'ERR_STANCE_INVALID',
  )
  // Meeting (DEC-TAL-007).
  add(
    {
      id: 'meeting.points-then-yes',
      title:
        'Tallies a meeting poll by points, two slots with equal points separated by yes answers',
      requirements: ['DEC-TAL-007', 'DEC-POLL-002'],
      poll: poll('meeting', ['mon', 'tue', 'wed']),
      stances: [
        stance('tui', [
          ['mon', 2],
          ['tue', 1],
          ['wed', 0],
        ]),
        stance('mere', [
          ['mon', 0],
          ['tue', 1],
          ['wed', 2],
        ]),
        stance('sam', [
          ['mon', 1],
          ['tue', 2],
        ]),
      ],
    },
    (p) =>
      tally(p, 3, {
        options: lines([
          ['mon', 1, 3],
          ['tue', 1, 4],
          ['wed', 1, 2],
        ]),
        winners: [opt('tue')],
      }),
  )
  add(
    {
      id: 'meeting.yes-breaks-tie',
      title:
        'Tallies a meeting poll: of two slots with 4 points, the one with more yes answers wins',
      requirements: ['DEC-TAL-007'],
      poll: poll('meeting', ['mon', 'tue']),
      stances: [
        stance('tui', [
          ['mon', 2],
          ['tue', 1],
        ]),
        stance('mere', [
          ['mon', 2],
          ['tue', 1],
        ]),
        stance('sam', [
          ['mon', 0],
          ['tue', 2],
        ]),
      ],
    },
    (p) =>
      tally(p, 3, {
        options: lines([
          ['mon', 2, 4],
          ['tue', 1, 4],
        ]),
        winners: [opt('mon')],
      }),
  )
  add(
    {
      id: 'meeting.answer-3',
      title: 'Refuses the tally of a meeting poll when an answer is 3, not 0, 1 or 2',
      requirements: ['DEC-TAL-007', 'DEC-STA-001'],
      poll: poll('meeting', ['mon', 'tue']),
      stances: [stance('tui', [['mon', 3]])],
    },
    () => 'ERR_STANCE_INVALID',
  )
  // Stances against their poll (DEC-STA-001, DEC-STA-002) and the whole tally refused (DEC-TAL-001).
  add(
    {
      id: 'stance.unknown-option',
      title: 'Refuses the tally when a stance chooses an option the poll does not have',
      requirements: ['DEC-STA-001', 'DEC-TAL-001'],
      poll: poll('singleChoice', ['harbour', 'hill']),
      stances: [stance('tui', ['harbour']), stance('mere', ['beach'])],
    },
    () => 'ERR_STANCE_INVALID',
  )
  add(
    {
      id: 'stance.other-poll',
      title: 'Refuses the tally when a stance answers another poll',
      requirements: ['DEC-STA-001'],
      poll: poll('singleChoice', ['harbour', 'hill']),
      stances: [stance('tui', ['harbour'], { inReplyTo: 'https://decisions.example/p/other' })],
    },
    () => 'ERR_STANCE_INVALID',
  )
  add(
    {
      id: 'stance.at-closing-time',
      title: 'Accepts a stance cast at the closing time itself',
      requirements: ['DEC-STA-002'],
      poll: poll('singleChoice', ['harbour', 'hill'], { closed: '2026-09-05T12:00:00Z' }),
      stances: [stance('tui', ['hill'], { published: '2026-09-05T12:00:00Z' })],
    },
    (p) =>
      tally(p, 1, {
        options: lines([
          ['harbour', 0],
          ['hill', 1],
        ]),
        winners: [opt('hill')],
      }),
  )
  add(
    {
      id: 'stance.after-close',
      title: 'Refuses the tally when a stance was changed after the poll closed',
      requirements: ['DEC-STA-002'],
      poll: poll('singleChoice', ['harbour', 'hill'], { closed: '2026-09-05T12:00:00Z' }),
      stances: [stance('tui', ['hill'], { updated: '2026-09-05T12:00:00.001Z' })],
    },
    () => 'ERR_POLL_CLOSED',
  )
  add(
    {
      id: 'stance.same-version',
      title:
        'Counts, of two stances of one voter with the same version, the one with the greater id',
      requirements: ['DEC-STA-003'],
      poll: poll('singleChoice', ['harbour', 'hill']),
      stances: [stance('tui', ['hill']), stance('tui', ['harbour'])],
    },
    (p) =>
      tally(p, 1, {
        options: lines([
          ['harbour', 1],
          ['hill', 0],
        ]),
        winners: [opt('harbour')],
      }),
  )
  // Polls (DEC-POLL-001 to DEC-POLL-003).
  add(
    {
      id: 'poll.proposal-any-of',
      title: 'Refuses to tally a proposal whose options are in anyOf',
      requirements: ['DEC-POLL-001'],
      poll: (() => {
        const { oneOf, ...rest } = poll('proposal', proposal)
        return { ...rest, anyOf: oneOf }
      })(),
      stances: [],
    },
    () => 'ERR_POLL_INVALID',
  )
  add(
    {
      id: 'poll.no-positions',
      title: 'Refuses to tally a proposal whose options have no positions',
      requirements: ['DEC-POLL-002'],
      poll: poll('proposal', proposal, {
        oneOf: proposal.map((n) => ({ id: opt(n), type: 'Note', name: n })),
      }),
      stances: [],
    },
    () => 'ERR_POLL_INVALID',
  )
  add(
    {
      id: 'poll.score-without-max',
      title: 'Refuses to tally a score poll without maxScore',
      requirements: ['DEC-POLL-003'],
      poll: poll('score', ['tools', 'paint']),
      stances: [],
    },
    () => 'ERR_POLL_INVALID',
  )
  return cases
}

/** A decision event, from an example event, with its data changed by `change`. */
interface PrivacyCase {
  readonly id: string
  readonly title: string
  readonly requirements: string[]
  readonly event: Doc
  readonly currentDate: string
  readonly error?: string
}

async function privacyCases(examples: string): Promise<PrivacyCase[]> {
  const read = async (file: string): Promise<Doc> =>
    JSON.parse(await readFile(join(examples, 'decisions', 'events', file), 'utf8')) as Doc
  const cast = await read('stance-cast.json')
  const closingSoon = await read('poll-closing-soon.json')
  const closed = await read('poll-closed.json')
  const data = (event: Doc): Doc => event['data'] as Doc
  const tool = { id: 'https://decisions.example', type: 'Application', name: 'Decisions' }
  const during = '2026-08-25T00:00:00Z'
  const edit = (event: Doc, change: (d: Doc) => void): Doc => {
    const copy = clone(event)
    change(data(copy))
    return copy
  }
  const anonymous = (d: Doc) => {
    ;(d['target'] as Doc)['anonymous'] = true
    d['actor'] = tool
    delete (d['object'] as Doc)['attributedTo']
  }
  const hidden = (d: Doc) => {
    ;(d['target'] as Doc)['hideResults'] = 'untilClosed'
    delete (d['object'] as Doc)['choice']
    delete (d['object'] as Doc)['content']
  }
  const hide = (d: Doc) => {
    ;(d['object'] as Doc)['hideResults'] = 'untilClosed'
  }
  return [
    {
      id: 'named-stance',
      title: 'Accepts a stance event naming its voter in a poll that is not anonymous',
      requirements: ['DEC-PRIV-001'],
      event: cast,
      currentDate: during,
    },
    {
      id: 'anonymous-stance',
      title: 'Accepts an anonymous stance announced by the tool, with its choice and no voter',
      requirements: ['DEC-PRIV-001'],
      event: edit(cast, anonymous),
      currentDate: during,
    },
    {
      id: 'anonymous-stance-voter',
      title: 'Rejects a stance event of an anonymous poll that names the voter in attributedTo',
      requirements: ['DEC-PRIV-001'],
      event: edit(cast, (d) => {
        anonymous(d)
        ;(d['object'] as Doc)['attributedTo'] = 'https://decisions.example/u/tui'
      }),
      currentDate: during,
      error: 'ERR_DECISION_PRIVACY',
    },
    {
      id: 'anonymous-stance-actor',
      title: 'Rejects a stance event of an anonymous poll whose actor is the voter',
      requirements: ['DEC-PRIV-001'],
      event: edit(cast, (d) => {
        anonymous(d)
        d['actor'] = { id: 'https://decisions.example/u/tui', type: 'Person', name: 'Tui' }
      }),
      currentDate: during,
      error: 'ERR_DECISION_PRIVACY',
    },
    {
      id: 'hidden-stance',
      title:
        'Accepts a stance event of a poll with hidden results that carries no choice or reason',
      requirements: ['DEC-PRIV-002'],
      event: edit(cast, hidden),
      currentDate: during,
    },
    {
      id: 'hidden-stance-choice',
      title: 'Rejects a stance event that shows the choice while the poll hides its results',
      requirements: ['DEC-PRIV-002'],
      event: edit(cast, (d) => {
        hidden(d)
        ;(d['object'] as Doc)['choice'] = [{ option: 'https://decisions.example/p/roof#option-1' }]
      }),
      currentDate: during,
      error: 'ERR_DECISION_PRIVACY',
    },
    {
      id: 'hidden-stance-reason',
      title: 'Rejects a stance event that shows the reason while the poll hides its results',
      requirements: ['DEC-PRIV-002'],
      event: edit(cast, (d) => {
        hidden(d)
        ;(d['object'] as Doc)['content'] = 'I agree: the roof leaks.'
      }),
      currentDate: during,
      error: 'ERR_DECISION_PRIVACY',
    },
    {
      id: 'closing-soon-visible',
      title: 'Accepts a closing-soon event with the tally so far when results are not hidden',
      requirements: ['DEC-PRIV-002'],
      event: closingSoon,
      currentDate: during,
    },
    {
      id: 'closing-soon-hidden',
      title: 'Rejects a closing-soon event that carries a tally the poll hides until it closes',
      requirements: ['DEC-PRIV-002'],
      event: edit(closingSoon, hide),
      currentDate: during,
      error: 'ERR_DECISION_PRIVACY',
    },
    {
      id: 'closing-soon-hidden-after-end',
      title: 'Accepts a tally of a hidden poll once its endTime has passed',
      requirements: ['DEC-PRIV-002'],
      event: edit(closingSoon, hide),
      currentDate: '2026-08-28T04:30:00Z',
    },
    {
      id: 'closed-hidden',
      title: 'Accepts the closed event of a poll with hidden results, with its tally',
      requirements: ['DEC-PRIV-002', 'DEC-EVT-001'],
      event: edit(closed, hide),
      currentDate: '2026-08-28T04:31:00Z',
    },
    {
      id: 'closed-anonymous',
      title: 'Accepts the tally of an anonymous poll, which names no voter',
      requirements: ['DEC-PRIV-001'],
      event: edit(closed, (d) => {
        ;(d['object'] as Doc)['anonymous'] = true
      }),
      currentDate: '2026-08-28T04:31:00Z',
    },
  ]
}

/** Every vector of the decisions profile. */
export async function decisionVectors(tools: DecisionVectorTools): Promise<Built[]> {
  const out: Built[] = []
  const manifest = JSON.parse(
    await readFile(join(tools.examples, 'decisions', 'manifest.json'), 'utf8'),
  ) as { examples: ManifestEntry[]; invalid: ManifestEntry[] }
  const slug = (file: string) =>
    file
      .replace(/^decisions\//, '')
      .replace(/^invalid\//, '')
      .replace(/^events\//, 'event.')
      .replace(/\.json$/, '')
  for (const entry of manifest.examples) {
    const document = JSON.parse(await readFile(join(tools.examples, entry.file), 'utf8')) as Doc
    out.push(
      tools.vector({
        dir: 'decisions/documents/valid',
        id: `dec.doc.valid.${slug(entry.file)}`,
        title: entry.title ?? entry.file,
        requirements: entry.requirements,
        operation: 'validateDocument',
        flags: ['Valid'],
        input: { document },
        expected: { valid: true, kind: entry.kind },
        informative: { source: `examples/documents/${entry.file}` },
      }),
    )
  }
  for (const entry of manifest.invalid) {
    const document = JSON.parse(await readFile(join(tools.examples, entry.file), 'utf8')) as Doc
    out.push(
      tools.vector({
        dir: 'decisions/documents/invalid',
        id: `dec.doc.invalid.${slug(entry.file.replace(/^decisions\/invalid\//, ''))}`,
        title: `Rejects: ${entry.defect ?? entry.file}`,
        requirements: entry.requirements,
        operation: 'validateDocument',
        flags: ['SchemaViolation'],
        input: { document },
        expected: {
          error: 'ERR_SCHEMA_INVALID',
          issue: { instancePath: entry.instancePath ?? '', keyword: entry.keyword ?? '' },
        },
        informative: { source: `examples/documents/${entry.file}` },
      }),
    )
  }
  for (const c of tallyCases()) {
    const expected = c.expected
    out.push(
      tools.vector({
        dir: 'decisions/tally',
        id: `dec.tally.${c.id}`,
        title: c.title,
        requirements: c.requirements,
        operation: 'tallyPoll',
        flags: [typeof expected === 'string' ? 'Refused' : 'Valid'],
        input: { poll: c.poll, stances: c.stances },
        expected:
          typeof expected === 'string'
            ? { error: expected }
            : { valid: true, kind: 'Tally', result: expected },
      }),
    )
  }
  for (const c of await privacyCases(tools.examples)) {
    const data = c.event['data'] as Doc
    const kind = {
      Announce: 'PollClosingSoonEvent',
      Update: 'PollClosedEvent',
    }[String(data['type'])]
    out.push(
      tools.vector({
        dir: 'decisions/privacy',
        id: `dec.priv.${c.id}`,
        title: c.title,
        requirements: c.requirements,
        operation: 'checkDecisionEvent',
        flags: [c.error === undefined ? 'Valid' : 'PrivacyLeak'],
        input: { event: c.event, currentDate: c.currentDate },
        expected:
          c.error === undefined
            ? { valid: true, kind: kind ?? 'StanceCastEvent' }
            : { error: c.error },
      }),
    )
  }
  return out
}
