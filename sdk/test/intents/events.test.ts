import { describe, expect, it } from 'vitest'
import {
  SchemaInvalid,
  proposalClosed,
  proposalPublished,
  proposalUpdated,
  validateDocument,
} from '../../src/index.js'
import { loadDocument } from '../helpers/documents.js'
import { offer, type Proposal } from './fixtures.js'

const tomas = { id: 'https://decisions.example/u/tomas', type: 'Person' as const, name: 'Tomás' }
const bounty = loadDocument('proposal-request.json') as Proposal

/** An example event and the proposal (with its context) it carries. */
function example(file: string): { event: Record<string, unknown>; proposal: Proposal } {
  const event = loadDocument(`events/${file}`) as { data: { object: Record<string, unknown> } }
  const proposal = { '@context': bounty['@context'], ...event.data.object } as Proposal
  return { event, proposal }
}

describe('proposal lifecycle events', () => {
  it('[INT-LIFE-001] accepts a published proposal: proposalPublished reproduces the example event', () => {
    const { event } = example('proposal-published.json')
    const created = proposalPublished(bounty, {
      source: 'https://budgeting.example',
      id: '01M1DZPW005CERR0MB7HPKE08T',
      activityId: 'https://budgeting.example/activities/3301',
      actor: tomas,
      summary: 'Tomás posted a bounty of 30 Harbour Credit: Fix the community bikes before spring',
      to: ['https://decisions.example/g/harbour-commons'],
    })
    expect(created).toEqual(event)
    expect(Object.isFrozen(created.data.object)).toBe(true)
  })

  it('[INT-LIFE-001] accepts an update and a close: the helpers reproduce the example events', () => {
    const updated = example('proposal-updated.json')
    expect(
      proposalUpdated(updated.proposal, {
        source: 'https://budgeting.example',
        id: '01M1EWACW0HGYB6VHY5TPQK8MK',
        activityId: 'https://budgeting.example/activities/3307',
        actor: tomas,
        summary:
          'Tomás updated the bounty Fix the community bikes before spring: parts are in the workshop',
      }),
    ).toEqual(updated.event)
    const closed = example('proposal-closed.json')
    expect(
      proposalClosed(closed.proposal, {
        source: 'https://budgeting.example',
        id: '01M3F5EMS05HVJTHBC7JY5TGT5',
        activityId: 'https://budgeting.example/activities/3520',
        actor: tomas,
        reason: 'fulfilled',
        published: '2026-09-26T15:31:00Z',
        summary: 'Bounty fulfilled and closed: Fix the community bikes before spring',
      }),
    ).toEqual(closed.event)
  })

  it('writes a default summary, cut to 280 characters, and defaults url and published', () => {
    const long = offer('long', { name: 'x'.repeat(256) })
    const event = proposalPublished(long, {
      source: 'https://tool.example',
      actor: { id: long.attributedTo, type: 'Person', name: 'Aroha' },
    })
    expect(validateDocument(event)).toMatchObject({ valid: true, kind: 'ProposalPublishedEvent' })
    expect(Array.from(event.data.summary)).toHaveLength(280)
    expect(event.data.summary.startsWith('Aroha published an offer: xxx')).toBe(true)
    expect(event.data.url).toBe(long.id)
    expect(event.time).toBe(long.published)
    expect(event.data.object).not.toHaveProperty('@context')
    const closed = proposalClosed(long, {
      source: 'https://tool.example',
      actor: { id: long.attributedTo, type: 'Person', name: 'Aroha' },
      reason: 'withdrawn',
    })
    expect(closed.data.closeReason).toBe('withdrawn')
    expect(Date.parse(closed.time)).toBeGreaterThan(Date.parse('2026-01-01T00:00:00Z'))
  })

  it('[INT-LIFE-001] rejects a close reason that is not fulfilled, withdrawn or expired', () => {
    expect(() =>
      proposalClosed(offer('o'), {
        source: 'https://tool.example',
        actor: tomas,
        reason: 'cancelled' as never,
      }),
    ).toThrow(SchemaInvalid)
    expect(() => proposalPublished(offer('o'), { source: 'not an origin', actor: tomas })).toThrow(
      SchemaInvalid,
    )
    expect(() => proposalPublished(offer('o'), undefined as never)).toThrow(TypeError)
  })
})
