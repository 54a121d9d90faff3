// One clock for delivery (DLV-WIN-001, EVT-AGE-001, DLV-INB-004): the producer's last permitted
// attempt, 72 hours after the event's `time`, reaches a receiver whose clock runs the whole skew
// ahead, and is accepted; one millisecond further ahead, the receiver refuses it as stale.
import { afterAll, describe, expect, it } from 'vitest'
import {
  createDeliveryWorker,
  createMemoryDedupeStore,
  createMemoryDeliveryStore,
  isProtocolError,
  publishEvent,
  verifyEvent,
} from '../../src/index.js'
import { problemResponse } from '../../src/http/problem.js'
import {
  GROUP,
  LOCAL,
  fakeClock,
  producerKeys,
  signedPings,
  startServer,
  type Server,
} from './support.js'

const { key, resolveKey } = await producerKeys()
const HOUR = 3_600_000
const SKEW = 60_000
const servers: Server[] = []
afterAll(async () => {
  for (const s of servers) await s.close()
})

/**
 * A producer whose event happened `age` ms before the clock's start, and a receiver whose clock
 * runs `ahead` ms before the producer's: the receiver answers `503` with `Retry-After: retryAfter`
 * to the first attempt, then lets its inbox judge.
 */
async function scenario(age: number, ahead: number, retryAfter: number) {
  const clock = fakeClock()
  const dedupe = createMemoryDedupeStore({ now: () => clock() + ahead })
  const statuses: number[] = []
  const codes: (string | undefined)[] = []
  let attempts = 0
  const server = await startServer(async (request: Request) => {
    if (attempts++ === 0) {
      return new Response(null, { status: 503, headers: { 'retry-after': String(retryAfter) } })
    }
    // The receiver's verification, at its own clock, with its dedupe record.
    try {
      await verifyEvent(await request.text(), {
        resolveKey,
        dedupe,
        currentDate: new Date(clock() + ahead),
      })
      statuses.push(202)
      return new Response(null, { status: 202 })
    } catch (err) {
      if (!isProtocolError(err)) throw err
      statuses.push(422)
      codes.push(err.code)
      return problemResponse(err)
    }
  })
  servers.push(server)
  const store = createMemoryDeliveryStore({ now: clock })
  await store.createSubscription({
    id: 'sub-window',
    subscriber: server.origin,
    sink: `${server.origin}/inbox`,
    group: GROUP,
    status: 'active',
    created: new Date(clock()).toISOString(),
  })
  const [jws] = await signedPings(key, 1, { prefix: 'window', time: new Date(clock() - age) })
  await publishEvent(jws as string, { store, currentDate: new Date(clock()) })
  const worker = createDeliveryWorker({ store, ...LOCAL, now: clock, random: () => 0.5 })
  return { clock, store, worker, statuses, codes }
}

describe('one clock: the producer’s window and the receiver’s', () => {
  it('[DLV-WIN-001] [EVT-AGE-001] a receiver whose clock is the whole skew ahead accepts a retry at the last permitted instant', async () => {
    // The event happened 70 h ago; the sink asks for 2 h, so the retry falls at time + 72 h.
    const s = await scenario(70 * HOUR, SKEW, 2 * 3600)
    expect(await s.worker.runOnce()).toMatchObject({ retried: 1 })
    const [pending] = await s.store.listDeliveries({ status: 'pending' })
    expect(pending?.due.getTime()).toBe(s.clock() + 2 * HOUR)
    s.clock.set(pending?.due.getTime() ?? 0)
    expect(await s.worker.runOnce()).toMatchObject({ delivered: 1 })
    expect(s.statuses).toEqual([202])
  })

  it('[EVT-AGE-001] [DLV-INB-004] refuses the event once it is past the window and the skew', async () => {
    // The same retry, seen by a receiver one millisecond further ahead than the skew allows.
    const s = await scenario(70 * HOUR, SKEW + 1, 2 * 3600)
    await s.worker.runOnce()
    const [pending] = await s.store.listDeliveries({ status: 'pending' })
    s.clock.set(pending?.due.getTime() ?? 0)
    expect(await s.worker.runOnce()).toMatchObject({ dead: 1 })
    expect(s.statuses).toEqual([422])
    expect(s.codes).toEqual(['ERR_EVENT_STALE'])
  })

  it('[DLV-WIN-001] never makes a retry that would fall one second past the window', async () => {
    const s = await scenario(70 * HOUR, 0, 2 * 3600 + 1)
    expect(await s.worker.runOnce()).toMatchObject({ dead: 1 })
    expect(s.statuses).toEqual([])
  })
})
