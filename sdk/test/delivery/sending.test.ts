import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createDeliveryWorker,
  createMemoryDeliveryStore,
  deliverEvent,
  publishEvent,
  type DeliveryStore,
} from '../../src/index.js'
import { createSafeFetch } from '../../node/index.js'
import {
  GROUP,
  LOCAL,
  producerKeys,
  scriptedSink,
  signedPings,
  startServer,
  type ScriptedSink,
} from './support.js'

const { key } = await producerKeys()
const sinks: ScriptedSink[] = []
afterAll(async () => {
  for (const sink of sinks) await sink.close()
})
async function sink(...args: Parameters<typeof scriptedSink>): Promise<ScriptedSink> {
  const s = await scriptedSink(...args)
  sinks.push(s)
  return s
}

/** A store with one subscription to `sinkUrl`, and the given events published. */
async function producer(sinkUrl: string, events: string[]): Promise<DeliveryStore> {
  const store = createMemoryDeliveryStore()
  await store.createSubscription({
    id: 'sub',
    subscriber: new URL(sinkUrl).origin,
    sink: sinkUrl,
    group: GROUP,
    status: 'active',
    created: new Date().toISOString(),
  })
  for (const jws of events) await publishEvent(jws, { store })
  return store
}

describe('delivering an event', () => {
  it('[DLV-SND-001] POSTs the compact JWS unchanged as application/jose, and counts 202 and 200 as delivered', async () => {
    const s = await sink([{ status: 202 }, { status: 200, body: '{"status":"duplicate"}' }])
    const events = await signedPings(key, 2, { prefix: 'snd1' })
    const store = await producer(s.url, events)
    const result = await createDeliveryWorker({ store, ...LOCAL }).runOnce()
    expect(result).toMatchObject({ claimed: 2, delivered: 2, retried: 0, dead: 0 })
    expect(s.requests.map((r) => r.method)).toEqual(['POST', 'POST'])
    expect(s.types).toEqual(['application/jose', 'application/jose'])
    expect([...s.bodies].sort()).toEqual([...events].sort())
    const records = await store.listDeliveries({})
    expect(records.map((r) => r.status)).toEqual(['delivered', 'delivered'])
    expect(records.map((r) => r.lastAnswer?.status).sort()).toEqual([200, 202])
  })

  it('[DLV-SND-001] does not count any answer other than 2xx as delivered', async () => {
    const s = await sink()
    const [jws = ''] = await signedPings(key, 1, { prefix: 'snd1b' })
    for (const status of [302, 400, 404, 409, 500, 503]) {
      s.script([{ status }])
      const attempt = await deliverEvent(jws, s.url, LOCAL)
      expect(attempt.outcome, String(status)).not.toBe('delivered')
      expect(attempt.status).toBe(status)
    }
    s.script([{ status: 204 }])
    expect((await deliverEvent(jws, s.url, LOCAL)).outcome).toBe('delivered')
  })

  it('[DLV-SND-002] delivers to a sink that answers at its own URL', async () => {
    const s = await sink([{ status: 202 }])
    const [jws = ''] = await signedPings(key, 1, { prefix: 'snd2' })
    expect(await deliverEvent(jws, s.url, LOCAL)).toMatchObject({
      outcome: 'delivered',
      status: 202,
    })
  })

  it('[DLV-SND-002] never follows a redirect: a 3xx is a failed attempt, retried later', async () => {
    const target = await sink([{ status: 202 }])
    const s = await sink()
    const [jws = ''] = await signedPings(key, 1, { prefix: 'snd2b' })
    for (const status of [301, 302, 303, 307, 308]) {
      s.script([{ status, headers: { location: target.url } }])
      const attempt = await deliverEvent(jws, s.url, LOCAL)
      expect(attempt, String(status)).toMatchObject({ outcome: 'retry', status })
      const safe = await deliverEvent(jws, s.url, {
        ...LOCAL,
        fetch: createSafeFetch({ allowPrivateNetwork: true }),
      })
      expect(safe.outcome).toBe('retry')
    }
    expect(target.requests).toHaveLength(0)
  })
})

describe('guarding sinks', () => {
  it('[DLV-SND-003] delivers to a loopback sink only when the operator allows private networks', async () => {
    const s = await sink([{ status: 202 }])
    const [jws = ''] = await signedPings(key, 1, { prefix: 'snd3' })
    const attempt = await deliverEvent(jws, s.url, {
      ...LOCAL,
      fetch: createSafeFetch({ allowPrivateNetwork: true }),
    })
    expect(attempt.outcome).toBe('delivered')
  })

  it('[DLV-SND-003] dead-letters, without any request, deliveries to non-public or plain-http sinks', async () => {
    const s = await sink([{ status: 202 }])
    const port = new URL(s.url).port
    const [jws = ''] = await signedPings(key, 1, { prefix: 'snd3b' })
    const refused = [
      `http://127.0.0.1:${port}/inbox`,
      `https://127.0.0.1:${port}/inbox`,
      `https://localhost:${port}/inbox`,
      `https://[::1]:${port}/inbox`,
      `https://[::ffff:127.0.0.1]:${port}/inbox`,
      'https://10.0.0.7/inbox',
      'https://169.254.169.254/latest/meta-data',
      'https://192.168.1.1/inbox',
      'https://user:pass@dashboard.example/inbox',
      'ftp://dashboard.example/inbox',
    ]
    for (const url of refused) {
      const attempt = await deliverEvent(jws, url, {})
      expect(attempt, url).toMatchObject({ outcome: 'failed', code: 'ERR_ADDRESS_NOT_ALLOWED' })
    }
    // Past the URL check (allowed here on purpose), Node's safe fetch refuses the address a name
    // resolves to.
    const resolved = await deliverEvent(jws, `http://localhost:${port}/inbox`, {
      ...LOCAL,
      fetch: createSafeFetch(),
    })
    expect(resolved).toMatchObject({ outcome: 'failed', code: 'ERR_ADDRESS_NOT_ALLOWED' })
    // The worker dead-letters such a delivery at once.
    const store = await producer(`https://10.0.0.7/inbox`, [jws])
    const result = await createDeliveryWorker({ store, fetch: createSafeFetch() }).runOnce()
    expect(result).toMatchObject({ claimed: 1, dead: 1 })
    const [record] = await store.listDeliveries({ status: 'dead' })
    expect(record?.lastAnswer?.code).toBe('ERR_ADDRESS_NOT_ALLOWED')
    expect(s.requests).toHaveLength(0)
  })
})

describe('bounding attempts in time', () => {
  let tarpit: Awaited<ReturnType<typeof startServer>>
  beforeAll(async () => {
    // Accepts connections and never answers.
    tarpit = await startServer(() => undefined, { raw: true })
  })
  afterAll(() => tarpit.close())

  it('[DLV-SND-004] delivers to a slow sink that answers within the time limit', async () => {
    const s = await sink([{ status: 202, delay: 150 }])
    const [jws = ''] = await signedPings(key, 1, { prefix: 'snd4' })
    expect((await deliverEvent(jws, s.url, { ...LOCAL, timeout: 2000 })).outcome).toBe('delivered')
  })

  it('[DLV-SND-004] gives up on a sink that does not answer in time, and retries it later', async () => {
    const [jws = ''] = await signedPings(key, 1, { prefix: 'snd4b' })
    const started = Date.now()
    const attempt = await deliverEvent(jws, `${tarpit.origin}/inbox`, { ...LOCAL, timeout: 300 })
    expect(attempt).toMatchObject({
      outcome: 'retry',
      code: 'ERR_FETCH_FAILED',
      detail: 'timed out',
    })
    expect(Date.now() - started).toBeLessThan(3000)
    // Node's safe fetch also bounds the connection and each silence on it.
    const connectBound = Date.now()
    const viaSafe = await deliverEvent(jws, `${tarpit.origin}/inbox`, {
      ...LOCAL,
      timeout: 10_000,
      fetch: createSafeFetch({ allowPrivateNetwork: true, connectTimeout: 200 }),
    })
    expect(viaSafe).toMatchObject({ outcome: 'retry', code: 'ERR_FETCH_FAILED' })
    expect(Date.now() - connectBound).toBeLessThan(3000)
    const store = await producer(`${tarpit.origin}/inbox`, [jws])
    const result = await createDeliveryWorker({ store, ...LOCAL, timeout: 300, lease: 5 }).runOnce()
    expect(result).toMatchObject({ claimed: 1, retried: 1 })
  })

  it('reads at most 16 KiB of an answer and keeps it', async () => {
    const s = await sink([{ status: 400, body: 'x'.repeat(1024 * 1024) }])
    const [jws = ''] = await signedPings(key, 1, { prefix: 'snd4c' })
    const attempt = await deliverEvent(jws, s.url, LOCAL)
    expect(attempt.outcome).toBe('failed')
    expect(attempt.body).toHaveLength(16 * 1024)
  })
})
