import { describe, expect, it } from 'vitest'
import { createStance, isProtocolError, tallyPoll } from '../../src/index.js'
import { opt, poll, stance } from './fixtures.js'

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return isProtocolError(err) ? err.code : `not a ProtocolError: ${String(err)}`
  }
  return undefined
}

describe('stances', () => {
  it('[DEC-STA-001] accepts a stance with its reason, and refuses an option the poll does not have', () => {
    const p = poll('singleChoice', ['a', 'b'])
    expect(stance(p, 'tui', ['a'], { reason: 'Closer to home.' }).content).toBe('Closer to home.')
    expect(codeOf(() => stance(p, 'tui', ['c']))).toBe('ERR_STANCE_INVALID')
    expect(codeOf(() => stance(p, 'tui', ['a', 'b']))).toBe('ERR_STANCE_INVALID')
    expect(codeOf(() => stance(p, 'tui', [['a', 1]]))).toBe('ERR_STANCE_INVALID')
  })

  it('[DEC-STA-001] refuses a dot vote over its budget, a score out of range, ranks that skip', () => {
    const dots = poll('dotVote', ['a', 'b'], { dotsPerVoter: 5 })
    expect(
      codeOf(() =>
        stance(dots, 'tui', [
          ['a', 3],
          ['b', 3],
        ]),
      ),
    ).toBe('ERR_STANCE_INVALID')
    expect(
      stance(dots, 'tui', [
        ['a', 2],
        ['b', 3],
      ]).choice,
    ).toHaveLength(2)
    const score = poll('score', ['a', 'b'], { minScore: 1, maxScore: 5 })
    expect(codeOf(() => stance(score, 'tui', [['a', 0]]))).toBe('ERR_STANCE_INVALID')
    const ranked = poll('rankedChoice', ['a', 'b', 'c'])
    expect(
      codeOf(() =>
        stance(ranked, 'tui', [
          ['a', 1],
          ['b', 3],
        ]),
      ),
    ).toBe('ERR_STANCE_INVALID')
    expect(
      codeOf(() =>
        stance(ranked, 'tui', [
          ['b', 2],
          ['a', 1],
        ]),
      ),
    ).toBeUndefined()
  })

  it('[DEC-STA-002] refuses a stance cast after the poll closed, and accepts one at its closing time', () => {
    const p = poll('singleChoice', ['a', 'b'])
    expect(codeOf(() => stance(p, 'tui', ['a'], { published: '2026-09-08T09:00:00.001Z' }))).toBe(
      'ERR_POLL_CLOSED',
    )
    expect(stance(p, 'tui', ['a'], { published: '2026-09-08T09:00:00Z' }).choice).toHaveLength(1)
    const closedEarly = poll('singleChoice', ['a', 'b'], { closed: '2026-09-03T00:00:00Z' })
    expect(
      codeOf(() => stance(closedEarly, 'tui', ['a'], { updated: '2026-09-04T00:00:00Z' })),
    ).toBe('ERR_POLL_CLOSED')
  })

  it('[DEC-STA-003] counts only the latest stance of each voter, whatever the order they arrive in', () => {
    const p = poll('singleChoice', ['a', 'b'])
    const first = stance(p, 'tui', ['a'])
    const second = stance(p, 'tui', ['b'], { updated: '2026-09-03T09:00:00Z' })
    for (const order of [
      [first, second],
      [second, first],
    ]) {
      const tally = tallyPoll(p, order)
      expect(tally.voters).toBe(1)
      expect(tally.winners).toEqual([opt('b')])
    }
  })

  it('refuses a stance that is not an array of choices as a caller bug', () => {
    const p = poll('singleChoice', ['a'])
    expect(() =>
      createStance(p, {
        id: 'https://x.example/s',
        attributedTo: 'https://x.example/u',
        choice: 'a' as never,
      }),
    ).toThrow(TypeError)
  })
})
