// The JetStream store lists ended subscriptions (`st.ended`, with the feed sequence and the time of
// each end) so that their deliveries still waiting in group messages are not attempted; `prune`
// drops the ends older than the retention horizon, so the list does not grow for ever.
import { jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryDeliveryStore, type Subscription } from '../../src/index.js'
import { createJetStreamDeliveryStore, type JetStreamDeliveryStore } from '../../nats/index.js'
import { GROUP } from '../delivery/support.js'
import { natsServerMissing, startNatsServer, type NatsServer } from '../helpers/nats-server.js'

const missing = natsServerMissing()
const PREFIX = 'PRUNE'
const T0 = Date.parse('2026-08-20T09:13:00Z')
const DAY = 86_400_000
const at = (ms = 0) => new Date(T0 + ms)

function subscription(id: string): Subscription {
  return {
    id,
    subscriber: 'https://dashboard.example',
    sink: `https://dashboard.example/inbox/${id}`,
    group: GROUP,
    status: 'active',
    created: at().toISOString(),
  }
}

describe.skipIf(missing !== undefined)('pruning the JetStream store’s ended subscriptions', () => {
  let nats: NatsServer
  let nc: NatsConnection
  let store: JetStreamDeliveryStore
  beforeAll(async () => {
    nats = await startNatsServer()
    nc = await connect({ servers: nats.url })
    store = await createJetStreamDeliveryStore({
      connection: nc,
      state: createMemoryDeliveryStore(),
      prefix: PREFIX,
      recheck: 100,
    })
  }, 60_000)
  afterAll(async () => {
    await nc.close()
    await nats.stop()
  })

  /** The subscriptions the store lists as ended. */
  const listed = async (): Promise<string[]> => {
    const jsm = await jetstreamManager(nc)
    const m = await jsm.direct.getMessage(store.names.state, {
      last_by_subj: `${PREFIX}.st.ended`,
    })
    return m === null ? [] : Object.keys(m.json<Record<string, unknown>>()).sort()
  }

  it('keeps an end within the retention horizon and drops it once past', async () => {
    for (const id of ['early', 'late', 'kept']) await store.createSubscription(subscription(id))
    // A delivery of `early` waits in a group message with one of `kept` when `early` ends.
    await store.enqueue(
      {
        source: 'https://decisions.example',
        id: 'e1',
        type: 'tech.collaborative.ping',
        group: GROUP,
        jws: 'jws-e1',
      },
      ['early', 'kept'],
      at(),
    )
    await store.endSubscription('early', at(1), 'expired')
    await store.endSubscription('late', at(10 * DAY), 'expired')
    expect(await listed()).toEqual(['early', 'late'])
    // While listed, the ended subscription's waiting delivery is not attempted.
    const claimed = await store.claimDeliveries({ now: at(2), limit: 10, leaseMs: 1000 })
    expect(claimed.map((d) => d.subscriptionId)).toEqual(['kept'])
    const [d] = claimed
    await store.completeDelivery(d?.id ?? '', d?.leaseToken ?? '', { at: at(3), status: 202 })

    // Retention 7 days, 8 days on: `early` ended before the horizon, `late` after it.
    const removed = await store.prune({ now: at(8 * DAY), retention: 7 * 86_400 })
    expect(removed).toBeGreaterThanOrEqual(1)
    expect(await listed()).toEqual(['late'])
    // Nothing more to drop until `late` is past the horizon too.
    await store.prune({ now: at(8 * DAY), retention: 7 * 86_400 })
    expect(await listed()).toEqual(['late'])
    await store.prune({ now: at(18 * DAY), retention: 7 * 86_400 })
    expect(await listed()).toEqual([])
  })
})
