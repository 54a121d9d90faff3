import { describe, expect, it } from 'vitest'
import {
  checkDecisionEvent,
  createOutcome,
  createPoll,
  isProtocolError,
  outcomePublished,
  pollClosed,
  pollClosingSoon,
  pollOpened,
  redactStance,
  stanceCast,
  tallyPoll,
  validateDocument,
} from '../../src/index.js'
import { AROHA, SOURCE, TOOL, poll, stance } from './fixtures.js'

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return isProtocolError(err) ? err.code : `not a ProtocolError: ${String(err)}`
  }
  return undefined
}

const published = '2026-09-03T09:00:00Z'
const voter = { id: 'https://decisions.example/u/tui', type: 'Person' as const, name: 'Tui' }

describe('decision events', () => {
  it('[DEC-EVT-001] creates schema-valid events of each type, the closed poll with its tally', () => {
    const p = poll('singleChoice', ['a', 'b'])
    const s = stance(p, 'tui', ['a'])
    const closed = createPoll({ ...p, options: p.oneOf, closed: '2026-09-08T09:00:00Z' } as never)
    const tally = tallyPoll(closed, [s])
    const outcome = createOutcome(closed, {
      id: 'https://decisions.example/o/t',
      attributedTo: AROHA.id,
      statement: 'A it is.',
    })
    const closedEvent = pollClosed(closed, { source: SOURCE, actor: TOOL, published, tally })
    const events = [
      pollOpened(p, { source: SOURCE, actor: AROHA, published }),
      pollClosingSoon(p, { source: SOURCE, actor: TOOL, published, tally }),
      stanceCast(s, p, { source: SOURCE, actor: voter, published }),
      closedEvent,
      outcomePublished(outcome, { source: SOURCE, actor: AROHA, published }),
    ]
    expect(events.map((e) => validateDocument(e).kind)).toEqual([
      'PollOpenedEvent',
      'PollClosingSoonEvent',
      'StanceCastEvent',
      'PollClosedEvent',
      'OutcomePublishedEvent',
    ])
    expect(closedEvent.data.result).toEqual(tally)
  })

  it('[DEC-EVT-001] rejects a closing-soon event whose activity is not an Announce', () => {
    const p = poll('singleChoice', ['a'])
    const event = pollClosingSoon(p, { source: SOURCE, actor: TOOL, published })
    const wrong = { ...event, data: { ...event.data, type: 'Create' } }
    expect(validateDocument(wrong).valid).toBe(false)
  })

  it('[DEC-PRIV-001] never names the voter of an anonymous poll, and refuses a person as its actor', () => {
    const p = poll('singleChoice', ['a', 'b'], { anonymous: true })
    const s = stance(p, 'tui', ['a'])
    const event = stanceCast(s, p, { source: SOURCE, actor: TOOL, published })
    expect(event.data.object.attributedTo).toBeUndefined()
    expect(event.data.object.choice).toEqual(s.choice)
    expect(JSON.stringify(event)).not.toContain('/u/tui')
    expect(codeOf(() => stanceCast(s, p, { source: SOURCE, actor: voter, published }))).toBe(
      'ERR_DECISION_PRIVACY',
    )
    const leaked = {
      ...event,
      data: { ...event.data, object: { ...event.data.object, attributedTo: voter.id } },
    }
    expect(codeOf(() => checkDecisionEvent(leaked))).toBe('ERR_DECISION_PRIVACY')
  })

  it('[DEC-PRIV-002] sends no choice, reason or tally before a poll with hidden results closes', () => {
    const p = poll('singleChoice', ['a', 'b'], { hideResults: 'untilClosed' })
    const s = stance(p, 'tui', ['a'], { reason: 'A is nearer.' })
    const event = stanceCast(s, p, { source: SOURCE, actor: voter, published })
    expect(event.data.object.choice).toBeUndefined()
    expect(event.data.object.content).toBeUndefined()
    expect(event.data.object.attributedTo).toBe(voter.id)
    const tally = tallyPoll(p, [s])
    expect(
      codeOf(() => pollClosingSoon(p, { source: SOURCE, actor: TOOL, published, tally })),
    ).toBe('ERR_DECISION_PRIVACY')
    // Once its endTime has passed the results may travel.
    const after = pollClosingSoon(p, {
      source: SOURCE,
      actor: TOOL,
      published: '2026-09-08T09:00:00Z',
      tally,
    })
    expect(after.data.result).toEqual(tally)
    const leaked = {
      ...event,
      data: { ...event.data, object: { ...event.data.object, choice: s.choice } },
    }
    expect(codeOf(() => checkDecisionEvent(leaked))).toBe('ERR_DECISION_PRIVACY')
  })

  it('[DEC-PRIV-002] shows the stance once the poll has closed, and only then', () => {
    const p = poll('singleChoice', ['a'], { hideResults: 'untilClosed' })
    const s = stance(p, 'tui', ['a'])
    expect(
      redactStance(s, p, { currentDate: new Date('2026-09-05T00:00:00Z') }).choice,
    ).toBeUndefined()
    expect(redactStance(s, p, { currentDate: new Date('2026-09-09T00:00:00Z') }).choice).toEqual(
      s.choice,
    )
  })
})
