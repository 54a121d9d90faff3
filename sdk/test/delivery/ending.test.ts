import { describe, expect, it } from 'vitest'
import {
  SUBSCRIPTION_ENDED_TYPE,
  createMemoryDeliveryStore,
  createSubscriptionEndedEvent,
  endSubscriptions,
  validateDocument,
  type Subscription,
} from '../../src/index.js'
import { GROUP, OTHER_GROUP, PRODUCER, producerKeys } from './support.js'

const { key } = await producerKeys()
const announce = { key, name: 'Decisions', subscriptions: `${PRODUCER}/cta/subscriptions` }

function subscription(id: string, extra: Partial<Subscription> = {}): Subscription {
  return {
    id,
    subscriber: 'https://dashboard.example',
    sink: 'https://dashboard.example/inbox',
    group: GROUP,
    status: 'active',
    created: '2026-08-20T09:13:00.000Z',
    ...extra,
  }
}

const payloadOf = (jws: string) =>
  JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    type: string
    data: { endReason: string; object: { attributedTo: string } }
  }

describe('ending subscriptions when an installation ends', () => {
  it("[DLV-SUB-009] ends every subscription of the disconnected tool to that group, and no other, announcing each in the group's feed", async () => {
    const store = createMemoryDeliveryStore()
    await store.createSubscription(subscription('a'))
    await store.createSubscription(subscription('b', { types: ['tech.collaborative.*'] }))
    await store.createSubscription(subscription('other-group', { group: OTHER_GROUP }))
    await store.createSubscription(
      subscription('other-tool', { subscriber: 'https://map.example' }),
    )
    const at = new Date('2026-08-21T10:00:00Z')
    const ended = await endSubscriptions(
      { group: GROUP, subscriber: 'https://dashboard.example' },
      'uninstalled',
      { store, currentDate: at, announce },
    )
    expect(ended.map((s) => [s.id, s.status, s.reason, s.ended])).toEqual([
      ['a', 'ended', 'uninstalled', at.toISOString()],
      ['b', 'ended', 'uninstalled', at.toISOString()],
    ])
    expect((await store.getSubscription('other-group'))?.status).toBe('active')
    expect((await store.getSubscription('other-tool'))?.status).toBe('active')
    const feed = (await store.readFeed({ group: GROUP, limit: 10 })).map((i) => payloadOf(i.jws))
    expect(feed.map((e) => [e.type, e.data.endReason])).toEqual([
      [SUBSCRIPTION_ENDED_TYPE, 'uninstalled'],
      [SUBSCRIPTION_ENDED_TYPE, 'uninstalled'],
    ])
    // Only the group's remaining subscription gets the announcements.
    expect((await store.listDeliveries({ subscriptionId: 'other-tool' })).length).toBe(2)
    expect(await store.listDeliveries({ subscriptionId: 'a' })).toEqual([])
    // A second call finds nothing active: nothing more is ended or published.
    expect(
      await endSubscriptions(
        { group: GROUP, subscriber: 'https://dashboard.example' },
        'uninstalled',
        {
          store,
          announce,
        },
      ),
    ).toEqual([])
    expect(await store.readFeed({ group: GROUP, limit: 10 })).toHaveLength(2)
  })

  it('[DLV-SUB-013] builds a schema-valid subscription.ended event only for a subscription that ended', () => {
    const producer = { id: PRODUCER, name: 'Decisions' }
    const subscriptions = `${PRODUCER}/cta/subscriptions`
    expect(() =>
      createSubscriptionEndedEvent(subscription('live'), { producer, subscriptions }),
    ).toThrow(TypeError)
    for (const reason of ['gone', 'expired', 'uninstalled', 'failing'] as const) {
      const event = createSubscriptionEndedEvent(
        subscription('s1', { status: 'ended', ended: '2026-08-21T10:00:00.000Z', reason }),
        { producer, subscriptions },
      )
      expect(validateDocument(event).valid).toBe(true)
      expect(event).toMatchObject({ type: SUBSCRIPTION_ENDED_TYPE, id: 'subscription-ended.s1' })
    }
    const broken = {
      ...createSubscriptionEndedEvent(
        subscription('s1', { status: 'ended', ended: '2026-08-21T10:00:00.000Z', reason: 'gone' }),
        { producer, subscriptions },
      ),
    }
    const bad = { ...broken, data: { ...broken.data, endReason: 'bored' } }
    const result = validateDocument(bad)
    expect(result.valid).toBe(false)
    expect(result.valid ? undefined : result.code).toBe('ERR_SCHEMA_INVALID')
  })
})
