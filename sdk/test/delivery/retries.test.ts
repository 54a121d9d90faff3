import { afterAll, describe, expect, it } from 'vitest'
import {
  DEFAULT_RETRY_POLICY,
  createDeliveryWorker,
  createMemoryDeliveryStore,
  publishEvent,
  retryDelay,
  type DeliveryStore,
  type DeliveryWorkerOptions,
} from '../../src/index.js'
import {
  GROUP,
  LOCAL,
  fakeClock,
  producerKeys,
  scriptedSink,
  signedPings,
  type Answer,
  type Clock,
  type ScriptedSink,
} from './support.js'

const { key } = await producerKeys()
const HOUR = 3_600_000
const sinks: ScriptedSink[] = []
afterAll(async () => {
  for (const s of sinks) await s.close()
})

interface Setup {
  readonly sink: ScriptedSink
  readonly store: DeliveryStore
  readonly clock: Clock
  readonly worker: ReturnType<typeof createDeliveryWorker>
  /** Runs the worker whenever a delivery is due, moving the clock, until none is pending. */
  drain(limit?: number): Promise<number[]>
}

async function setup(
  answers: Answer[],
  events = 1,
  extra: Partial<DeliveryWorkerOptions> = {},
  /** How long before the clock's start the events happened, in ms (their `time`). */
  age = 0,
): Promise<Setup> {
  const sink = await scriptedSink(answers)
  sinks.push(sink)
  const clock = fakeClock()
  const store = createMemoryDeliveryStore({ now: clock })
  await store.createSubscription({
    id: 'sub-1',
    subscriber: sink.origin,
    sink: sink.url,
    group: GROUP,
    status: 'active',
    created: new Date(clock()).toISOString(),
  })
  const now = () => new Date(clock())
  const jwss = await signedPings(key, events, {
    prefix: `rty-${sinks.length}`,
    time: new Date(clock() - age),
  })
  for (const jws of jwss) await publishEvent(jws, { store, currentDate: now() })
  const worker = createDeliveryWorker({
    store,
    ...LOCAL,
    now: clock,
    random: () => 0.5,
    ...extra,
  })
  return {
    sink,
    store,
    clock,
    worker,
    async drain(limit = 100) {
      const times: number[] = []
      for (let i = 0; i < limit; i++) {
        const [next] = await store.listDeliveries({ status: 'pending', limit: 1 })
        if (next === undefined) break
        clock.set(Math.max(clock(), next.due.getTime()))
        times.push(clock())
        await worker.runOnce()
      }
      return times
    },
  }
}

describe('the retry schedule', () => {
  it('doubles from 30 seconds up to 8 hours, with at most ±10% jitter', () => {
    const nominal = Array.from({ length: 14 }, (_, i) => retryDelay(i + 1, { random: () => 0.5 }))
    expect(nominal).toEqual([
      30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 28800, 28800, 28800, 28800,
    ])
    for (let attempts = 1; attempts < 20; attempts++) {
      const base = retryDelay(attempts, { random: () => 0.5 })
      expect(retryDelay(attempts, { random: () => 0 })).toBeCloseTo(base * 0.9)
      const top = retryDelay(attempts, { random: () => 0.999999 })
      expect(top).toBeLessThan(base * 1.1)
      expect(top).toBeGreaterThan(base * 1.0999)
    }
    expect(() => retryDelay(0)).toThrow(TypeError)
    expect(() => retryDelay(1, { policy: { jitter: 1.5 } })).toThrow(TypeError)
  })

  it('[DLV-RTY-001] retries a failing sink with growing delays for more than 48 hours, then keeps a dead letter', async () => {
    const s = await setup([{ status: 500, body: 'down' }])
    const times = await s.drain()
    expect(times).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts)
    const first = times[0] ?? 0
    const delays = times.slice(1).map((t, i) => (t - (times[i] ?? 0)) / 1000)
    expect(delays).toEqual([
      30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 28800, 28800, 28800, 28800, 28800, 28800,
      28800,
    ])
    const last = (times.at(-1) ?? 0) - first
    expect(last).toBeGreaterThanOrEqual(48 * HOUR)
    expect(last).toBeLessThanOrEqual(72 * HOUR)
    expect(s.sink.bodies).toHaveLength(18)
    const [dead] = await s.store.listDeliveries({ status: 'dead' })
    expect(dead).toMatchObject({ attempts: 18, lastAnswer: { status: 500, body: 'down' } })
  })

  it('[DLV-RTY-001] [DLV-WIN-001] keeps the whole schedule between 48 and 72 hours after the event’s time whatever the jitter', async () => {
    for (const random of [() => 0, () => 0.999999]) {
      const s = await setup([{ status: 503 }], 1, { random })
      const times = await s.drain()
      const span = (times.at(-1) ?? 0) - (times[0] ?? 0)
      expect(span).toBeGreaterThanOrEqual(48 * HOUR)
      expect(span).toBeLessThanOrEqual(72 * HOUR)
    }
  })

  it('[DLV-WIN-001] schedules no retry later than 72 hours after the event’s time, for an event queued late', async () => {
    // Queued 30 hours after it happened: the retries stop at the event's window, not 72 h later.
    const s = await setup([{ status: 500 }], 1, {}, 30 * HOUR)
    const time = s.clock() - 30 * HOUR
    const times = await s.drain()
    expect(times.at(-1)).toBeLessThanOrEqual(time + 72 * HOUR)
    expect(times.length).toBeLessThan(DEFAULT_RETRY_POLICY.maxAttempts)
    const [dead] = await s.store.listDeliveries({ status: 'dead' })
    expect(dead).toMatchObject({ lastAnswer: { status: 500 } })
    expect(s.sink.bodies).toHaveLength(times.length)
  })

  it('[DLV-WIN-001] does not attempt a delivery whose event is past its window, and dead-letters it', async () => {
    const s = await setup([{ status: 202 }], 1, {}, 72 * HOUR + 1000)
    expect(await s.worker.runOnce()).toMatchObject({ claimed: 1, dead: 1, delivered: 0 })
    expect(s.sink.bodies).toHaveLength(0)
    const [dead] = await s.store.listDeliveries({ status: 'dead' })
    expect(dead?.lastAnswer).toMatchObject({ code: 'ERR_EVENT_STALE' })
    expect(dead?.lastAnswer?.status).toBeUndefined()
  })

  it('[DLV-WIN-001] delivers at the last instant of the window', async () => {
    const s = await setup([{ status: 202 }], 1, {}, 72 * HOUR)
    expect(await s.worker.runOnce()).toMatchObject({ claimed: 1, delivered: 1 })
    expect(s.sink.bodies).toHaveLength(1)
  })

  it('[DLV-WIN-001] dead-letters a delivery whose Retry-After reaches past the window', async () => {
    const s = await setup([{ status: 503, headers: { 'retry-after': '7200' } }], 1, {}, 71 * HOUR)
    expect(await s.worker.runOnce()).toMatchObject({ dead: 1 })
    const [dead] = await s.store.listDeliveries({ status: 'dead' })
    expect(dead).toMatchObject({ attempts: 1, lastAnswer: { status: 503 } })
  })

  it('[DLV-RTY-001] never attempts a dead-lettered delivery again', async () => {
    const s = await setup([{ status: 500 }], 1, { retry: { maxAttempts: 3 } })
    expect(await s.drain()).toHaveLength(3)
    s.clock.advance(10 * 24 * HOUR)
    expect(await s.worker.runOnce()).toMatchObject({ claimed: 0 })
    expect(s.sink.bodies).toHaveLength(3)
    expect((await s.store.listDeliveries({}))[0]?.status).toBe('dead')
  })
})

describe('Retry-After', () => {
  it('[DLV-RTY-002] waits as long as a 503 asks in seconds, and not a moment less', async () => {
    const s = await setup([{ status: 503, headers: { 'retry-after': '120' } }, { status: 202 }])
    const start = s.clock()
    expect(await s.worker.runOnce()).toMatchObject({ retried: 1 })
    const [pending] = await s.store.listDeliveries({ status: 'pending' })
    expect(pending?.due.getTime()).toBe(start + 120_000)
    s.clock.set(start + 119_000)
    expect(await s.worker.runOnce()).toMatchObject({ claimed: 0 })
    s.clock.set(start + 120_000)
    expect(await s.worker.runOnce()).toMatchObject({ delivered: 1 })
  })

  it('[DLV-RTY-002] waits until the HTTP date a 429 names', async () => {
    const clockStart = fakeClock()()
    const date = new Date(clockStart + 45 * 60_000).toUTCString()
    const s = await setup([{ status: 429, headers: { 'retry-after': date } }, { status: 202 }])
    await s.worker.runOnce()
    const [pending] = await s.store.listDeliveries({ status: 'pending' })
    expect(pending?.due.getTime()).toBe(clockStart + 45 * 60_000)
  })

  it('[DLV-RTY-002] caps a very long Retry-After and ignores an unreadable one', async () => {
    const long = await setup([{ status: 503, headers: { 'retry-after': '31536000' } }])
    await long.worker.runOnce()
    const [capped] = await long.store.listDeliveries({ status: 'pending' })
    expect(capped?.due.getTime()).toBe(long.clock() + 8 * HOUR)
    const bad = await setup([{ status: 429, headers: { 'retry-after': 'soon, please' } }])
    await bad.worker.runOnce()
    const [fallback] = await bad.store.listDeliveries({ status: 'pending' })
    expect(fallback?.due.getTime()).toBe(bad.clock() + 30_000)
    // Retry-After on other statuses is not a promise to honour.
    const other = await setup([{ status: 500, headers: { 'retry-after': '600' } }])
    await other.worker.runOnce()
    const [backoff] = await other.store.listDeliveries({ status: 'pending' })
    expect(backoff?.due.getTime()).toBe(other.clock() + 30_000)
  })
})

describe('answers that end retrying', () => {
  it('[DLV-RTY-003] ends the subscription on 410 Gone, cancels its pending deliveries and sends it nothing more', async () => {
    const s = await setup([{ status: 410 }], 3, { concurrency: 1, batchSize: 1 })
    const ended: string[] = []
    const worker = createDeliveryWorker({
      store: s.store,
      ...LOCAL,
      now: s.clock,
      batchSize: 1,
      onOutcome: (report) => {
        if (report.result === 'ended') ended.push(report.delivery.subscriptionId)
      },
    })
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, ended: 1 })
    expect(ended).toEqual(['sub-1'])
    expect(await s.store.getSubscription('sub-1')).toMatchObject({ status: 'ended' })
    const statuses = (await s.store.listDeliveries({})).map((d) => d.status)
    expect(statuses).toEqual(['dead', 'cancelled', 'cancelled'])
    const [later = ''] = await signedPings(key, 1, { prefix: 'after-410' })
    expect(await publishEvent(later, { store: s.store })).toMatchObject({ deliveries: 0 })
    s.clock.advance(24 * HOUR)
    expect(await worker.runOnce()).toMatchObject({ claimed: 0 })
    expect(s.sink.bodies).toHaveLength(1)
  })

  it('[DLV-RTY-003] does not end a subscription for any other answer', async () => {
    for (const status of [404, 400, 500, 401, 403]) {
      const s = await setup([{ status }])
      await s.worker.runOnce()
      expect(await s.store.getSubscription('sub-1'), String(status)).toMatchObject({
        status: 'active',
      })
    }
  })

  it('[DLV-RTY-004] dead-letters at once, with the status and the start of the body, on another 4xx', async () => {
    for (const status of [400, 401, 403, 404, 413, 415, 422]) {
      const s = await setup([{ status, body: `{"code":"X${status}"}` }])
      expect(await s.drain(), String(status)).toHaveLength(1)
      const [dead] = await s.store.listDeliveries({ status: 'dead' })
      expect(dead?.lastAnswer).toMatchObject({ status, body: `{"code":"X${status}"}` })
    }
  })

  it('[DLV-RTY-004] keeps at most the first 16 KiB of the answer body with the dead letter', async () => {
    const s = await setup([{ status: 400, body: 'x'.repeat(1024 * 1024) }])
    expect(await s.drain()).toHaveLength(1)
    const [dead] = await s.store.listDeliveries({ status: 'dead' })
    expect(dead?.lastAnswer?.status).toBe(400)
    expect(dead?.lastAnswer?.body).toBe('x'.repeat(16 * 1024))
  })

  it('[DLV-RTY-004] retries 408 and 429, which are not permanent', async () => {
    for (const status of [408, 429]) {
      const s = await setup([{ status }, { status: 202 }])
      expect(await s.worker.runOnce(), String(status)).toMatchObject({ retried: 1 })
      expect(await s.drain()).toHaveLength(1)
      expect((await s.store.listDeliveries({}))[0]?.status).toBe('delivered')
    }
  })
})

describe('several workers on one outbox', () => {
  it('[DLV-OUT-002] send each delivery once even when they run at the same time', async () => {
    const s = await setup([{ status: 202, delay: 20 }], 24)
    const workers = Array.from({ length: 3 }, () =>
      createDeliveryWorker({ store: s.store, ...LOCAL, now: s.clock, batchSize: 4 }),
    )
    for (let round = 0; round < 4; round++) await Promise.all(workers.map((w) => w.runOnce()))
    expect(s.sink.bodies).toHaveLength(24)
    expect(new Set(s.sink.bodies).size).toBe(24)
  })

  it('runs in the background until stopped', async () => {
    const s = await setup([{ status: 202 }], 5)
    const worker = createDeliveryWorker({
      store: s.store,
      ...LOCAL,
      now: s.clock,
      pollInterval: 20,
    })
    worker.start()
    for (let i = 0; i < 200 && s.sink.bodies.length < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    await worker.stop()
    expect(s.sink.bodies).toHaveLength(5)
    expect(() => createDeliveryWorker({ store: s.store, lease: 10 })).toThrow(TypeError)
  })
})
