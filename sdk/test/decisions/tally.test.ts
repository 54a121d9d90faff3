import { describe, expect, it } from 'vitest'
import { isProtocolError, tallyPoll, type Stance } from '../../src/index.js'
import { opt, poll, stance } from './fixtures.js'

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return isProtocolError(err) ? err.code : `not a ProtocolError: ${String(err)}`
  }
  return undefined
}

/** Every number anywhere in a value. */
function numbers(value: unknown): number[] {
  if (typeof value === 'number') return [value]
  if (typeof value !== 'object' || value === null) return []
  return Object.values(value).flatMap(numbers)
}

const proposalIds = ['option-1', 'option-2', 'option-3', 'option-4'] // agree, abstain, disagree, block

describe('tallies', () => {
  it('[DEC-TAL-001] computes integers only, and refuses the whole tally when one stance is bad', () => {
    const p = poll('dotVote', ['a', 'b', 'c'], { dotsPerVoter: 7 })
    const good = [
      stance(p, 'tui', [
        ['a', 3],
        ['b', 4],
      ]),
      stance(p, 'mere', [['c', 7]]),
    ]
    const tally = tallyPoll(p, good)
    expect(numbers(tally).every((n) => Number.isSafeInteger(n))).toBe(true)
    const bad = { ...stance(p, 'sam', [['a', 1]]), choice: [{ option: opt('a'), value: 8 }] }
    expect(codeOf(() => tallyPoll(p, [...good, bad as Stance]))).toBe('ERR_STANCE_INVALID')
  })

  it('[DEC-TAL-001] gives no winners when the quorum is not reached', () => {
    const p = poll('singleChoice', ['a', 'b'], { quorum: 3 })
    const tally = tallyPoll(p, [stance(p, 'tui', ['a']), stance(p, 'mere', ['a'])])
    expect(tally).toMatchObject({ voters: 2, quorumReached: false, winners: [] })
  })

  it('[DEC-TAL-002] counts a multiple choice per option, and names tied options as winners', () => {
    const p = poll('multipleChoice', ['a', 'b', 'c'])
    const tally = tallyPoll(p, [stance(p, 'tui', ['a', 'b']), stance(p, 'mere', ['b', 'a'])])
    expect(tally.options.map((l) => l.votes)).toEqual([2, 2, 0])
    expect(tally.winners).toEqual([opt('a'), opt('b')])
  })

  it('[DEC-TAL-003] decides a proposal: one block stops it, whatever the agreement', () => {
    const p = poll('proposal')
    const agree = ['tui', 'mere', 'sam'].map((v) => stance(p, v, [proposalIds[0] as string]))
    expect(tallyPoll(p, agree)).toMatchObject({ decision: 'agreed', winners: [opt('option-1')] })
    const blocked = tallyPoll(p, [...agree, stance(p, 'hemi', [proposalIds[3] as string])])
    expect(blocked).toMatchObject({ decision: 'blocked', winners: [] })
    const against = tallyPoll(p, [stance(p, 'tui', ['option-3']), stance(p, 'mere', ['option-2'])])
    expect(against.decision).toBe('disagreed')
  })

  it('[DEC-TAL-004] sums scores, not counting an option a stance did not score', () => {
    const p = poll('score', ['a', 'b'], { maxScore: 10 })
    const tally = tallyPoll(p, [
      stance(p, 'tui', [['a', 10]]),
      stance(p, 'mere', [
        ['a', 0],
        ['b', 9],
      ]),
    ])
    expect(tally.options).toEqual([
      { option: opt('a'), votes: 2, points: 10 },
      { option: opt('b'), votes: 1, points: 9 },
    ])
    expect(tally.winners).toEqual([opt('a')])
  })

  it('[DEC-TAL-005] refuses a dot vote over budget rather than cutting it down', () => {
    const p = poll('dotVote', ['a', 'b'], { dotsPerVoter: 3 })
    const over = { ...stance(p, 'tui', [['a', 3]]), choice: [{ option: opt('a'), value: 4 }] }
    expect(codeOf(() => tallyPoll(p, [over as Stance]))).toBe('ERR_STANCE_INVALID')
    expect(
      tallyPoll(p, [
        stance(p, 'tui', [
          ['a', 1],
          ['b', 2],
        ]),
      ]).winners,
    ).toEqual([opt('b')])
  })

  it('[DEC-TAL-006] counts a ranked choice by run-off rounds with the backward tie-break', () => {
    const p = poll('rankedChoice', ['a', 'b', 'c', 'd'])
    const ballots: [string, string[]][] = [
      ['v1', ['a', 'b']],
      ['v2', ['a', 'b']],
      ['v3', ['a']],
      ['v4', ['b', 'a']],
      ['v5', ['b', 'c']],
      ['v6', ['c', 'b']],
      ['v7', ['c', 'b']],
      ['v8', ['d', 'c']],
      ['v9', ['d', 'b']],
    ]
    const stances = ballots.map(([v, names]) =>
      stance(
        p,
        v,
        names.map((n, i): [string, number] => [n, i + 1]),
      ),
    )
    const tally = tallyPoll(p, stances)
    expect(tally.rounds?.map((r) => r.eliminated)).toEqual([opt('d'), opt('c'), undefined])
    expect(tally.rounds?.at(-1)).toEqual({
      counts: [
        { option: opt('a'), votes: 3 },
        { option: opt('b'), votes: 5 },
      ],
      exhausted: 1,
    })
    expect(tally.winners).toEqual([opt('b')])
    // The same ballots in another order give the same tally.
    expect(tallyPoll(p, [...stances].reverse())).toEqual(tally)
  })

  it('[DEC-TAL-006] ends without a winner when every ballot is exhausted, and refuses a repeated rank', () => {
    const p = poll('rankedChoice', ['a', 'b'])
    expect(tallyPoll(p, []).winners).toEqual([])
    expect(
      codeOf(() =>
        stance(p, 'tui', [
          ['a', 1],
          ['b', 1],
        ]),
      ),
    ).toBe('ERR_STANCE_INVALID')
  })

  it('[DEC-TAL-007] ranks meeting slots by points, then yes answers', () => {
    const p = poll('meeting', ['mon', 'tue'])
    const tally = tallyPoll(p, [
      stance(p, 'tui', [
        ['mon', 2],
        ['tue', 1],
      ]),
      stance(p, 'mere', [
        ['mon', 0],
        ['tue', 1],
      ]),
    ])
    expect(tally.options).toEqual([
      { option: opt('mon'), votes: 1, points: 2 },
      { option: opt('tue'), votes: 0, points: 2 },
    ])
    expect(tally.winners).toEqual([opt('mon')])
    expect(codeOf(() => stance(p, 'sam', [['mon', 3]]))).toBe('ERR_STANCE_INVALID')
  })
})
