import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createDeliveryWorker,
  createInbox,
  createMemoryDeliveryStore,
  createMemoryDedupeStore,
  publishEvent,
  pullEvents,
  signEvent,
  type DedupeStore,
} from '../../src/index.js'
import { forge } from '../helpers/events.js'
import {
  GROUP,
  LOCAL,
  PRODUCER,
  fakeClock,
  pingEvent,
  producerKeys,
  receiver,
  startServer,
  type Server,
} from './support.js'

const { key, resolveKey } = await producerKeys()
const other = await producerKeys()
const HOUR = 3_600_000

const post = (url: string, body: string, type = 'application/jose') =>
  fetch(url, { method: 'POST', headers: { 'content-type': type }, body })

/** A request whose body streams `size` bytes without a content-length; counts what was read. */
function streamed(size: number): { request: Request; pulled: () => number } {
  let sent = 0
  const chunk = new TextEncoder().encode('a'.repeat(4096))
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) {
        controller.close()
        return
      }
      const part = chunk.subarray(0, Math.min(chunk.length, size - sent))
      sent += part.length
      controller.enqueue(part)
    },
  })
  const request = new Request('http://x/inbox', {
    method: 'POST',
    headers: { 'content-type': 'application/jose' },
    body,
    duplex: 'half',
  } as RequestInit)
  return { request, pulled: () => sent }
}

describe('the inbox answers', () => {
  let server: Server
  let app: ReturnType<typeof receiver>
  beforeAll(async () => {
    app = receiver(resolveKey, createMemoryDedupeStore())
    server = await startServer(app.handler)
  })
  afterAll(() => server.close())

  it('[DLV-INB-001] 202 for a new event, 200 for one it already has, and processes it once', async () => {
    const event = pingEvent()
    const jws = await signEvent(event, key)
    const first = await post(`${server.origin}/inbox`, jws)
    expect(first.status).toBe(202)
    expect(await first.json()).toEqual({ status: 'accepted', id: event.id })
    // A copy signed again is the same event: the key is (source, id), not the bytes.
    const again = await post(`${server.origin}/inbox`, await signEvent(event, key))
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual({ status: 'duplicate' })
    expect(app.processed.get(event.id)).toBe(1)
  })

  it('[DLV-INB-001] a problem+json rejection naming the code, or 415 for another media type, and never 2xx', async () => {
    const event = pingEvent()
    const forged = await forge(
      { alg: 'EdDSA', kid: key.kid, typ: 'cta-event+jws' },
      event,
      other.key,
    )
    const rejected = await post(`${server.origin}/inbox`, forged)
    expect(rejected.status).toBe(401)
    expect(rejected.headers.get('content-type')).toBe('application/problem+json')
    expect(await rejected.json()).toMatchObject({
      type: 'https://w3id.org/cta/errors#ERR_SIGNATURE_INVALID',
      code: 'ERR_SIGNATURE_INVALID',
    })
    const json = await post(`${server.origin}/inbox`, JSON.stringify(event), 'application/json')
    expect(json.status).toBe(415)
    expect(app.processed.has(event.id)).toBe(false)
  })

  it('[DLV-INB-002] reads bodies up to 64 KiB', async () => {
    const response = await post(`${server.origin}/inbox`, 'a'.repeat(64 * 1024))
    expect(response.status).toBe(400)
    expect(((await response.json()) as { code: string }).code).toBe('ERR_JWS_MALFORMED')
    const inbox = createInbox({
      speaksFor: 'any-source',
      resolveKey,
      dedupe: createMemoryDedupeStore(),
      onEvent: () => undefined,
    })
    expect((await inbox(streamed(64 * 1024).request)).status).toBe(400)
  })

  it('[DLV-INB-002] refuses a larger body with 413, declared or streamed', async () => {
    const response = await post(`${server.origin}/inbox`, 'a'.repeat(64 * 1024 + 1))
    expect(response.status).toBe(413)
    expect(((await response.json()) as { code: string }).code).toBe('ERR_TOO_LARGE')
    const inbox = createInbox({
      speaksFor: 'any-source',
      resolveKey,
      dedupe: createMemoryDedupeStore(),
      onEvent: () => undefined,
    })
    const big = streamed(8 * 1024 * 1024)
    expect((await inbox(big.request)).status).toBe(413)
    expect(big.pulled()).toBeLessThan(64 * 1024 + 64 * 1024)
  })
})

describe('deduplication over the retry window', () => {
  const clock = fakeClock()
  const dedupe: DedupeStore = createMemoryDedupeStore({ now: clock })
  const processed: string[] = []
  /** The inbox as it is at the clock's current time. */
  const inboxNow = () =>
    createInbox({
      speaksFor: 'any-source',
      resolveKey,
      dedupe,
      currentDate: new Date(clock()),
      onEvent: (event) => {
        processed.push(event.id)
      },
    })
  const deliver = async (jws: string) =>
    inboxNow()(
      new Request('http://x/inbox', {
        method: 'POST',
        headers: { 'content-type': 'application/jose' },
        body: jws,
      }),
    )

  it('[DLV-INB-004] answers 200 to a redelivery until the window and the skew have passed, without processing it again', async () => {
    const event = pingEvent({ id: 'window-1', time: new Date(clock()) })
    const jws = await signEvent(event, key)
    expect((await deliver(jws)).status).toBe(202)
    for (const ms of [HOUR, 24 * HOUR, 71 * HOUR, 72 * HOUR, 72 * HOUR + 60_000]) {
      clock.set(Date.parse(event.time) + ms)
      expect((await deliver(jws)).status, `${ms / HOUR} h`).toBe(200)
    }
    expect(processed.filter((id) => id === 'window-1')).toHaveLength(1)
  })

  it('[DLV-INB-004] refuses the event as too old once its record may be forgotten, never processing it as new', async () => {
    const start = Date.parse('2026-09-01T00:00:00Z')
    clock.set(start)
    const event = pingEvent({ id: 'window-2', time: new Date(start) })
    const jws = await signEvent(event, key)
    expect((await deliver(jws)).status).toBe(202)
    clock.set(start + 72 * HOUR + 60_001)
    const late = await deliver(jws)
    expect(late.status).toBe(422)
    expect(((await late.json()) as { code: string }).code).toBe('ERR_EVENT_STALE')
    expect(processed.filter((id) => id === 'window-2')).toHaveLength(1)
  })
})

describe('an application that fails', () => {
  it('[DLV-INB-003] is not acknowledged with 2xx, and the event is not remembered', async () => {
    const dedupe = createMemoryDedupeStore()
    const inbox = createInbox({
      speaksFor: 'any-source',
      resolveKey,
      dedupe,
      onEvent: () => {
        throw new Error('database down')
      },
    })
    const event = pingEvent()
    const response = await inbox(
      new Request('http://x/inbox', {
        method: 'POST',
        headers: { 'content-type': 'application/jose' },
        body: await signEvent(event, key),
      }),
    )
    expect(response.status).toBe(500)
    expect(await response.text()).not.toContain('database down')
    expect(await dedupe.claim(PRODUCER, event.id, new Date(Date.now() + HOUR))).toBe(true)
  })

  it('[DLV-INB-003] gets the retry, and processes the event once', async () => {
    let failures = 1
    const app = receiver(resolveKey, createMemoryDedupeStore(), {
      onEvent: () => {
        if (failures-- > 0) throw new Error('database down')
      },
    })
    const server = await startServer(app.handler)
    const clock = fakeClock(Date.now())
    const store = createMemoryDeliveryStore()
    await store.createSubscription({
      id: 's',
      subscriber: server.origin,
      sink: `${server.origin}/inbox`,
      group: GROUP,
      status: 'active',
      created: new Date().toISOString(),
    })
    const event = pingEvent()
    await publishEvent(await signEvent(event, key), { store, currentDate: new Date(clock()) })
    const worker = createDeliveryWorker({ store, ...LOCAL, now: clock, random: () => 0.5 })
    expect(await worker.runOnce()).toMatchObject({ retried: 1 })
    clock.advance(30_000)
    expect(await worker.runOnce()).toMatchObject({ delivered: 1 })
    expect(app.statuses).toEqual([500, 202])
    expect(app.processed.get(event.id)).toBe(1)
    await server.close()
  })
})

describe('an event still being processed', () => {
  const request = (jws: string) =>
    new Request('http://x/inbox', {
      method: 'POST',
      headers: { 'content-type': 'application/jose' },
      body: jws,
    })

  it('[DLV-INB-005] refuses a copy with 503, Retry-After and ERR_IN_PROGRESS while the first runs, then answers 200', async () => {
    let open!: () => void
    let started!: () => void
    const opened = new Promise<void>((resolve) => {
      open = resolve
    })
    const running = new Promise<void>((resolve) => {
      started = resolve
    })
    let runs = 0
    const inbox = createInbox({
      speaksFor: 'any-source',
      resolveKey,
      dedupe: createMemoryDedupeStore(),
      onEvent: async () => {
        runs++
        started()
        await opened
      },
    })
    const jws = await signEvent(pingEvent(), key)
    const first = inbox(request(jws))
    await running
    const copy = await inbox(request(jws))
    expect(copy.status).toBe(503)
    expect(copy.headers.get('retry-after')).toMatch(/^[1-9]\d*$/)
    expect(((await copy.json()) as { code: string }).code).toBe('ERR_IN_PROGRESS')
    open()
    expect((await first).status).toBe(202)
    expect((await inbox(request(jws))).status).toBe(200)
    expect(runs).toBe(1)
  })

  it('[DLV-INB-006] hands onEvent the inbox store’s transaction, and accepts the event once', async () => {
    const seen: unknown[] = []
    const store = createMemoryDedupeStore()
    const inbox = createInbox<string>({
      speaksFor: 'any-source',
      resolveKey,
      inbox: {
        receive: (k, expiresAt, effect) => store.receive(k, expiresAt, () => effect('tx-handle')),
      },
      onEvent: (_event, { transaction }) => {
        seen.push(transaction)
      },
    })
    const jws = await signEvent(pingEvent(), key)
    expect((await inbox(request(jws))).status).toBe(202)
    expect((await inbox(request(jws))).status).toBe(200)
    expect(seen).toEqual(['tx-handle'])
  })

  it('refuses options with neither or both of inbox and dedupe', () => {
    const dedupe = createMemoryDedupeStore()
    expect(() =>
      createInbox({ resolveKey, speaksFor: 'any-source', onEvent: () => undefined }),
    ).toThrow(TypeError)
    expect(() =>
      createInbox({
        resolveKey,
        speaksFor: 'any-source',
        dedupe,
        inbox: dedupe,
        onEvent: () => undefined,
      }),
    ).toThrow(TypeError)
  })

  it('[DLV-PUL-001] stops a pull at an event the inbox is processing, never skipping it, and processes it once', async () => {
    let open!: () => void
    let started!: () => void
    const opened = new Promise<void>((resolve) => {
      open = resolve
    })
    const running = new Promise<void>((resolve) => {
      started = resolve
    })
    const dedupe = createMemoryDedupeStore()
    const processed: string[] = []
    const inbox = createInbox({
      speaksFor: 'any-source',
      resolveKey,
      dedupe,
      onEvent: async (event) => {
        started()
        await opened
        processed.push(event.id)
      },
    })
    const jws = await signEvent(pingEvent(), key)
    const feed = await startServer(() => Response.json({ items: [jws], next: '1' }))
    try {
      const pushed = inbox(request(jws))
      await running
      const pull = () =>
        pullEvents(`${feed.origin}/feed`, {
          group: GROUP,
          resolveKey,
          dedupe,
          maxPages: 1,
          inProgressTimeout: 0.3,
          ...LOCAL,
          onEvent: (event) => {
            processed.push(event.id)
          },
        })
      await expect(pull()).rejects.toMatchObject({ code: 'ERR_IN_PROGRESS' })
      open()
      expect((await pushed).status).toBe(202)
      expect(await pull()).toMatchObject({ processed: 0, duplicates: 1 })
      expect(processed).toHaveLength(1)
    } finally {
      await feed.close()
    }
  })
})
