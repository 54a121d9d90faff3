import { describe, expect, it } from 'vitest'
import { createPoll, isProtocolError } from '../../src/index.js'
import { GROUP, poll } from './fixtures.js'

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return isProtocolError(err) ? err.code : `not a ProtocolError: ${String(err)}`
  }
  return undefined
}

describe('polls', () => {
  it('[DEC-POLL-001] accepts a proposal in oneOf and a ranked choice in anyOf', () => {
    expect(poll('proposal').oneOf?.map((o) => o.position)).toEqual([
      'agree',
      'abstain',
      'disagree',
      'block',
    ])
    expect(poll('rankedChoice', ['a', 'b']).anyOf).toHaveLength(2)
  })

  it('[DEC-POLL-001] refuses two options with the same id', () => {
    const options = [
      { id: 'https://decisions.example/p/t#x', name: 'X' },
      { id: 'https://decisions.example/p/t#x', name: 'Y' },
    ]
    expect(codeOf(() => poll('singleChoice', [], { options }))).toBe('ERR_POLL_INVALID')
  })

  it('[DEC-POLL-002] refuses a proposal option without a position, and a position outside a proposal', () => {
    expect(codeOf(() => poll('proposal', ['yes', 'no']))).toBe('ERR_POLL_INVALID')
    const options = [
      { name: 'A', position: 'agree' as const },
      { name: 'B', position: 'disagree' as const },
    ]
    expect(codeOf(() => poll('singleChoice', [], { options }))).toBe('ERR_POLL_INVALID')
    expect(codeOf(() => poll('proposal', [], { options }))).toBeUndefined()
  })

  it('[DEC-POLL-002] refuses a meeting slot without a startTime', () => {
    expect(codeOf(() => poll('meeting', [], { options: [{ name: 'Monday' }] }))).toBe(
      'ERR_POLL_INVALID',
    )
    expect(poll('meeting', ['mon']).anyOf?.[0]?.startTime).toBe('2026-09-10T18:00:00Z')
  })

  it('[DEC-POLL-003] refuses a score poll without maxScore, a dot vote without dots, and foreign parameters', () => {
    expect(codeOf(() => poll('score', ['a', 'b']))).toBe('ERR_POLL_INVALID')
    expect(codeOf(() => poll('score', ['a'], { minScore: 5, maxScore: 5 }))).toBe(
      'ERR_POLL_INVALID',
    )
    expect(codeOf(() => poll('dotVote', ['a', 'b']))).toBe('ERR_POLL_INVALID')
    expect(codeOf(() => poll('singleChoice', ['a', 'b'], { dotsPerVoter: 3 }))).toBe(
      'ERR_POLL_INVALID',
    )
    expect(codeOf(() => poll('multipleChoice', ['a', 'b'], { maxChoices: 3 }))).toBe(
      'ERR_POLL_INVALID',
    )
    expect(poll('score', ['a', 'b'], { maxScore: 5 }).maxScore).toBe(5)
  })

  it('[DEC-POLL-003] refuses a poll that closes before it opens', () => {
    expect(codeOf(() => poll('singleChoice', ['a'], { endTime: '2026-09-01T09:00:00Z' }))).toBe(
      'ERR_POLL_INVALID',
    )
  })

  it('refuses a poll type the schema does not know, with ERR_SCHEMA_INVALID', () => {
    const bad = () =>
      createPoll({
        id: 'https://decisions.example/p/t',
        pollType: 'approval' as never,
        name: 'Q',
        attributedTo: 'https://decisions.example/u/a',
        audience: GROUP,
        endTime: '2099-01-01T00:00:00Z',
        options: [{ name: 'A' }],
      })
    expect(codeOf(bad)).toBe('ERR_SCHEMA_INVALID')
  })
})
