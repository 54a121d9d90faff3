// The operators' resend tools of the JetStream store (issue 14, §2): one event again to one
// subscription, and everything dead-lettered for a subscription since a time ("recover").
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryDeliveryStore, type Subscription } from '../../src/index.js'
import {
  createJetStreamDeliveryStore,
  recoverDeadLetters,
  redeliverEvent,
  type JetStreamDeliveryStore,
} from '../../nats/index.js'
import { natsServerMissing, startNatsServer, type NatsServer } from '../helpers/nats-server.js'
import { GROUP, OTHER_GROUP } from './support.js'

const missing = natsServerMissing()
const T0 = Date.parse('2026-08-20T09:13:00Z')
const at = (ms = 0) => new Date(T0 + ms)

function subscription(id: string, group = GROUP): Subscription {
  return {
    id,
    subscriber: 'https://dashboard.example',
    sink: `https://dashboard.example/inbox/${id}`,
    group,
    status: 'active',
    created: at().toISOString(),
  }
}

describe.skipIf(missing !== undefined)('resending from the JetStream store', () => {
  let nats: NatsServer
  let nc: NatsConnection
  let store: JetStreamDeliveryStore
  beforeAll(async () => {
    nats = await startNatsServer()
    nc = await connect({ servers: nats.url })
    store = await createJetStreamDeliveryStore({
      connection: nc,
      state: createMemoryDeliveryStore(),
      prefix: 'RESEND',
      recheck: 100,
    })
    await store.createSubscription(subscription('a'))
    await store.createSubscription(subscription('b'))
    await store.createSubscription(subscription('other', OTHER_GROUP))
  }, 60_000)
  afterAll(async () => {
    await nc.close()
    await nats.stop()
  })

  const event = (id: string) => ({
    source: 'https://decisions.example',
    id,
    type: 'tech.collaborative.ping',
    group: GROUP,
    jws: `jws-${id}`,
  })
  const claimAll = async (ms: number) =>
    store.claimDeliveries({ now: at(ms), limit: 100, leaseMs: 1000 })

  it('delivers one event again to one subscription, and only a finished delivery', async () => {
    const { cursor } = await store.enqueue(event('one'), ['a'], at())
    // Pending: nothing to redeliver.
    expect(await redeliverEvent({ store, cursor, subscriptionId: 'a', at: at() })).toBe(false)
    const [d] = await claimAll(0)
    expect(d?.eventId).toBe('one')
    await store.completeDelivery(d?.id ?? '', d?.leaseToken ?? '', { at: at(1), status: 202 })
    expect(await redeliverEvent({ store, cursor, subscriptionId: 'a', at: at(5) })).toBe(true)
    const again = await claimAll(5)
    expect(again.map((x) => [x.eventId, x.subscriptionId, x.attempts, x.jws])).toEqual([
      ['one', 'a', 1, 'jws-one'],
    ])
    await store.completeDelivery(again[0]?.id ?? '', again[0]?.leaseToken ?? '', {
      at: at(6),
      status: 202,
    })
    // A subscription the event was never queued for, of its group: queued now.
    expect(await redeliverEvent({ store, cursor, subscriptionId: 'b', at: at(7) })).toBe(true)
    // Of another group, unknown, or an event that does not exist: refused.
    expect(await redeliverEvent({ store, cursor, subscriptionId: 'other', at: at(7) })).toBe(false)
    expect(await redeliverEvent({ store, cursor, subscriptionId: 'nope', at: at(7) })).toBe(false)
    expect(await redeliverEvent({ store, cursor: '999999', subscriptionId: 'a' })).toBe(false)
    await expect(redeliverEvent({ store, cursor: 'x', subscriptionId: 'a' })).rejects.toThrow(
      TypeError,
    )
    const forB = await claimAll(7)
    expect(forB.map((x) => [x.eventId, x.subscriptionId])).toEqual([['one', 'b']])
    await store.completeDelivery(forB[0]?.id ?? '', forB[0]?.leaseToken ?? '', {
      at: at(8),
      status: 202,
    })
  })

  it('recovers what was dead-lettered for a subscription since a time, and nothing else', async () => {
    await store.enqueue(event('d1'), ['a'], at(100))
    await store.enqueue(event('d2'), ['a'], at(100))
    await store.enqueue(event('d3'), ['a', 'b'], at(100))
    const claimed = await claimAll(100)
    expect(claimed).toHaveLength(4)
    const answerAt = (id: string) => (id === 'd1' ? at(1000) : at(5000)) // d1 died before the recovery window
    for (const d of claimed) {
      await store.deadLetterDelivery(d.id, d.leaseToken, {
        at: answerAt(d.eventId),
        status: 400,
      })
    }
    const count = await recoverDeadLetters({
      store,
      subscriptionId: 'a',
      since: at(2000),
      at: at(6000),
    })
    expect(count).toBe(2)
    const again = await claimAll(6000)
    expect(again.map((d) => [d.eventId, d.subscriptionId]).sort()).toEqual([
      ['d2', 'a'],
      ['d3', 'a'],
    ])
    // Recovered deliveries are pending again; a second recovery finds nothing dead to requeue.
    expect(await recoverDeadLetters({ store, subscriptionId: 'a', since: at(2000) })).toBe(0)
    const dead = await store.listDeliveries({ status: 'dead' })
    expect(dead.map((d) => [d.eventId, d.subscriptionId]).sort()).toEqual([
      ['d1', 'a'],
      ['d3', 'b'],
    ])
  })
})
