// The budgeting event helpers (spec/budgeting.md, Events).
import { describe, expect, it } from 'vitest'
import {
  bucketCancelled,
  bucketCompleted,
  bucketFunded,
  bucketPublished,
  contributionMade,
  contributionRefunded,
  roundClosed,
  roundOpened,
  validateDocument,
} from '../../src/index.js'
import { AROHA, GROUP, bucket, give, round } from './fixtures.js'

const source = 'https://budgeting.example'
const actor = { id: AROHA, type: 'Person' as const, name: 'Aroha' }
const b = bucket('bikes', '200', '350')
const c = give(AROHA, b, '40', '2027-03-05T10:00:00Z')
const options = { source, actor, published: '2027-03-10T12:00:00Z' }

describe('budgeting events', () => {
  const cases = [
    ['round.opened', () => roundOpened(round, options), 'Create', 'RoundOpenedEvent'],
    ['round.closed', () => roundClosed(round, options), 'Update', 'RoundClosedEvent'],
    ['bucket.published', () => bucketPublished(b, options), 'Create', 'BucketPublishedEvent'],
    ['bucket.funded', () => bucketFunded(b, options), 'Update', 'BucketFundedEvent'],
    ['bucket.completed', () => bucketCompleted(b, options), 'Update', 'BucketCompletedEvent'],
    ['bucket.cancelled', () => bucketCancelled(b, options), 'Update', 'BucketCancelledEvent'],
    ['contribution.made', () => contributionMade(c, options), 'Create', 'ContributionMadeEvent'],
    [
      'contribution.refunded',
      () => contributionRefunded(c, options),
      'Undo',
      'ContributionRefundedEvent',
    ],
  ] as const

  it.each(cases)(
    '[BUD-EVT-001] builds a valid tech.collaborative.%s event',
    (suffix, build, activity, kind) => {
      const event = build()
      expect(event.type).toBe(`tech.collaborative.${suffix}`)
      expect(event.group).toBe(GROUP)
      expect(event.data.type).toBe(activity)
      expect(validateDocument(event)).toMatchObject({ valid: true, kind })
      // The same event with another activity type is not this event type.
      const wrong = {
        ...event,
        data: { ...event.data, type: activity === 'Create' ? 'Update' : 'Create' },
      }
      expect(validateDocument(wrong)).toMatchObject({ valid: false, code: 'ERR_SCHEMA_INVALID' })
    },
  )

  it('[BUD-FUND-003] [BUD-CANC-001] carries the bucket with the status the event announces', () => {
    expect(bucketFunded(b, options).data.object).toMatchObject({
      id: b.id,
      bucketStatus: 'funded',
      minGoal: '200.00',
    })
    expect(bucketCancelled(b, options).data.object.bucketStatus).toBe('cancelled')
    expect(bucketCompleted(b, options).data.object.bucketStatus).toBe('completed')
    expect(contributionRefunded(c, options).data.object).toMatchObject({
      id: c.id,
      provider: AROHA,
    })
    expect(() => contributionRefunded(c, { source, actor })).toThrow(TypeError)
  })
})
