import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  REQUEST_AUTH_SCHEME,
  createDeliveryWorker,
  createFeed,
  createManifestResolver,
  createMemoryDedupeStore,
  createMemoryDeliveryStore,
  publishEvent,
  pullEvents,
  signEvent,
  signRequestToken,
  type DeliveryStore,
  type FeedOptions,
  type FeedPage,
} from '../../src/index.js'
import { forge } from '../helpers/events.js'
import { startToolServer, type ToolServer } from '../helpers/tool-server.js'
import {
  GROUP,
  LOCAL,
  OTHER_GROUP,
  codeOf,
  pingEvent,
  producerKeys,
  receiver,
  signedPings,
  startServer,
  type Server,
} from './support.js'

const { key, resolveKey } = await producerKeys()
const resolver = createManifestResolver({ ...LOCAL, allowAnySource: true })
const installed = new Set<string>()
let server: Server
let feedUrl: string
let store: DeliveryStore
let feed: (request: Request) => Promise<Response>
let reader: ToolServer
let stranger: ToolServer

function makeFeed(extra: Partial<FeedOptions> = {}) {
  return createFeed({
    url: feedUrl,
    store,
    resolveKey: resolver.resolveKey,
    isInstalled: (group, tool) => installed.has(`${group} ${tool}`),
    ...extra,
  })
}

beforeAll(async () => {
  server = await startServer((request: Request) => feed(request))
  feedUrl = `${server.origin}/cta/feed`
  reader = await startToolServer()
  stranger = await startToolServer()
})
afterAll(async () => {
  await server.close()
  await reader.close()
  await stranger.close()
})
beforeEach(() => {
  store = createMemoryDeliveryStore()
  feed = makeFeed()
  installed.clear()
  installed.add(`${GROUP} ${reader.origin}`)
})

async function read(query: string, tool: ToolServer = reader): Promise<Response> {
  const token = await signRequestToken({ method: 'GET', url: feedUrl }, tool.key)
  return fetch(`${feedUrl}?${query}`, {
    headers: { authorization: `${REQUEST_AUTH_SCHEME} ${token}` },
  })
}

const group = `group=${encodeURIComponent(GROUP)}`

async function publishAll(jwss: string[]): Promise<void> {
  for (const jws of jwss) await publishEvent(jws, { store })
}

describe('the feed', () => {
  it('[DLV-FED-001] pages through the events of a group after a cursor, oldest first, exactly as signed', async () => {
    const mine = await signedPings(key, 7, { prefix: 'fed1' })
    await publishAll(mine.slice(0, 4))
    await publishAll(await signedPings(key, 3, { prefix: 'fed1-other', group: OTHER_GROUP }))
    await publishAll(mine.slice(4))
    const items: string[] = []
    const sizes: number[] = []
    let after = ''
    for (;;) {
      const response = await read(`${group}&limit=3${after}`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('application/json')
      const page = (await response.json()) as FeedPage
      sizes.push(page.items.length)
      if (page.items.length === 0) {
        expect(page.next).toBeNull()
        break
      }
      items.push(...page.items)
      after = `&after=${page.next ?? ''}`
    }
    expect(sizes).toEqual([3, 3, 1, 0])
    expect(items).toEqual(mine)
    const all = (await (await read(`${group}&limit=5000`)).json()) as FeedPage
    expect(all.items).toHaveLength(7)
  })

  it('[DLV-FED-001] refuses a missing group, a cursor it did not issue, and a bad limit', async () => {
    for (const query of [
      'limit=3',
      `${group}&after=abc`,
      `${group}&after=-1`,
      `${group}&after=01`,
      `${group}&after=99999999999999999999`,
      `${group}&limit=0`,
      `${group}&limit=ten`,
      'group=not%20an%20iri',
      'group=https%3A%2F%2Fdecisions.example%2Fg%2F%00',
    ]) {
      const response = await read(query)
      expect(response.status, query).toBe(400)
      expect(((await response.json()) as { code: string }).code).toBe('ERR_REQUEST_INVALID')
    }
  })

  it('[DLV-FED-002] hands out every event published after a cursor, later, after that cursor', async () => {
    await publishAll(await signedPings(key, 3, { prefix: 'fed2a' }))
    const first = (await (await read(group)).json()) as FeedPage
    const later = await signedPings(key, 2, { prefix: 'fed2b' })
    await publishAll(later)
    const next = (await (await read(`${group}&after=${first.next ?? ''}`)).json()) as FeedPage
    expect(next.items).toEqual(later)
  })

  it('[DLV-FED-002] never returns an event at or before the cursor again', async () => {
    await publishAll(await signedPings(key, 4, { prefix: 'fed2c' }))
    const page = (await (await read(group)).json()) as FeedPage
    const again = (await (await read(`${group}&after=${page.next ?? ''}`)).json()) as FeedPage
    expect(again).toEqual({ items: [], next: null })
    const tail = (await (await read(`${group}&limit=2`)).json()) as FeedPage
    const rest = (await (await read(`${group}&after=${tail.next ?? ''}`)).json()) as FeedPage
    expect(rest.items).toEqual(page.items.slice(2))
  })

  it('[DLV-FED-003] serves the events of a group to an authenticated tool installed in it, or as authorize decides', async () => {
    await publishAll(await signedPings(key, 2, { prefix: 'fed3' }))
    expect(((await (await read(group)).json()) as FeedPage).items).toHaveLength(2)
    feed = makeFeed({ authorize: (request) => request.headers.get('x-member') === 'yes' })
    const response = await fetch(`${feedUrl}?${group}`, { headers: { 'x-member': 'yes' } })
    expect(((await response.json()) as FeedPage).items).toHaveLength(2)
  })

  it('[DLV-FED-003] refuses anonymous callers, tools not installed in the group, and whom authorize refuses', async () => {
    await publishAll(await signedPings(key, 2, { prefix: 'fed3b' }))
    const anonymous = await fetch(`${feedUrl}?${group}`)
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toBe(REQUEST_AUTH_SCHEME)
    const outsider = await read(group, stranger)
    expect(outsider.status).toBe(403)
    expect(((await outsider.json()) as { code: string }).code).toBe('ERR_NOT_INSTALLED')
    const otherGroup = await read(`group=${encodeURIComponent(OTHER_GROUP)}`)
    expect(otherGroup.status).toBe(403)
    feed = makeFeed({ authorize: () => false })
    expect((await fetch(`${feedUrl}?${group}`)).status).toBe(401)
    expect(() => createFeed({ url: feedUrl, store })).toThrow(TypeError)
  })
})

describe('the feed with a signature verifier hook', () => {
  it('[EVT-SIG-005] accepts request tokens that the hook it is given verifies, and rejects what it refuses', async () => {
    await publishAll(await signedPings(key, 1, { prefix: 'hook' }))
    let calls = 0
    feed = makeFeed({
      verifySignature: () => {
        calls++
        return Promise.resolve(true)
      },
    })
    expect(((await (await read(group)).json()) as FeedPage).items).toHaveLength(1)
    expect(calls).toBe(1)
    feed = makeFeed({ verifySignature: () => Promise.resolve(false) })
    const refused = await read(group)
    expect(refused.status).toBe(401)
    expect(((await refused.json()) as { code: string }).code).toBe('ERR_SIGNATURE_INVALID')
  })
})

describe('pulling', () => {
  it('[DLV-PUL-001] processes each event once when some were pushed and all are pulled', async () => {
    const dedupe = createMemoryDedupeStore()
    const app = receiver(resolveKey, dedupe)
    const inbox = await startServer(app.handler)
    await store.createSubscription({
      id: 'push',
      subscriber: inbox.origin,
      sink: `${inbox.origin}/inbox`,
      group: GROUP,
      status: 'active',
      created: new Date().toISOString(),
    })
    const events = await signedPings(key, 10, { prefix: 'pul1' })
    await publishAll(events)
    const worker = createDeliveryWorker({ store, ...LOCAL, batchSize: 6 })
    expect(await worker.runOnce()).toMatchObject({ delivered: 6 })
    const pulled = await pullEvents(feedUrl, {
      group: GROUP,
      key: reader.key,
      resolveKey,
      dedupe,
      limit: 4,
      ...LOCAL,
      onEvent: (event) => {
        app.processed.set(event.id, (app.processed.get(event.id) ?? 0) + 1)
      },
    })
    expect(pulled).toMatchObject({ processed: 4, duplicates: 6, rejected: [], caughtUp: true })
    expect(await worker.runOnce()).toMatchObject({ delivered: 4 })
    expect(app.statuses).toEqual([202, 202, 202, 202, 202, 202, 200, 200, 200, 200])
    expect(app.processed.size).toBe(10)
    expect([...app.processed.values()].every((n) => n === 1)).toBe(true)
    await inbox.close()
  })

  it('[DLV-PUL-001] processes nothing when the same events are pulled again', async () => {
    await publishAll(await signedPings(key, 5, { prefix: 'pul1b' }))
    const dedupe = createMemoryDedupeStore()
    const seen: string[] = []
    const options = {
      group: GROUP,
      key: reader.key,
      resolveKey,
      dedupe,
      ...LOCAL,
      onEvent: (event: { id: string }) => {
        seen.push(event.id)
      },
    }
    const first = await pullEvents(feedUrl, options)
    expect(first.processed).toBe(5)
    const again = await pullEvents(feedUrl, options)
    expect(again).toMatchObject({ processed: 0, duplicates: 5 })
    const resumed = await pullEvents(feedUrl, { ...options, after: String(first.cursor) })
    expect(resumed).toMatchObject({ processed: 0, duplicates: 0, cursor: first.cursor })
    expect(seen).toHaveLength(5)
  })

  it('[DLV-PUL-002] verifies pulled events like pushed ones, processing those that pass', async () => {
    const good = await signedPings(key, 2, { prefix: 'pul2' })
    await publishAll(good)
    const seen: string[] = []
    const result = await pullEvents(feedUrl, {
      group: GROUP,
      key: reader.key,
      resolveKey,
      dedupe: createMemoryDedupeStore(),
      ...LOCAL,
      onEvent: (event) => {
        seen.push(event.id)
      },
    })
    expect(result).toMatchObject({ processed: 2, rejected: [] })
    expect(seen).toEqual(['pul2-0', 'pul2-1'])
  })

  it('[DLV-PUL-002] skips and reports a pulled event that fails verification, and goes on', async () => {
    const impostor = await producerKeys()
    const forged = await forge(
      { alg: 'EdDSA', kid: key.kid, typ: 'cta-event+jws' },
      pingEvent({ id: 'pul2b-forged' }),
      impostor.key,
    )
    const stale = await signEvent(
      pingEvent({ id: 'pul2b-stale', time: new Date(Date.now() - 5 * 86_400_000) }),
      key,
    )
    const [good = ''] = await signedPings(key, 1, { prefix: 'pul2b' })
    await store.enqueue(
      { source: 'x', id: 'f', type: 't', group: GROUP, jws: forged },
      [],
      new Date(),
    )
    await store.enqueue(
      { source: 'x', id: 's', type: 't', group: GROUP, jws: stale },
      [],
      new Date(),
    )
    await publishAll([good])
    const seen: string[] = []
    const result = await pullEvents(feedUrl, {
      group: GROUP,
      key: reader.key,
      resolveKey,
      dedupe: createMemoryDedupeStore(),
      ...LOCAL,
      onEvent: (event) => {
        seen.push(event.id)
      },
    })
    expect(result.rejected.map((e) => e.code)).toEqual(['ERR_SIGNATURE_INVALID', 'ERR_EVENT_STALE'])
    expect(seen).toEqual(['pul2b-0'])
  })

  it('forgets an event whose processing failed, so that the next pull processes it', async () => {
    await publishAll(await signedPings(key, 3, { prefix: 'pul3' }))
    const dedupe = createMemoryDedupeStore()
    let fail = true
    const seen: string[] = []
    const options = {
      group: GROUP,
      key: reader.key,
      resolveKey,
      dedupe,
      ...LOCAL,
      onEvent: (event: { id: string }) => {
        if (event.id === 'pul3-1' && fail) throw new Error('busy')
        seen.push(event.id)
      },
    }
    await expect(pullEvents(feedUrl, options)).rejects.toThrow('busy')
    fail = false
    expect(await pullEvents(feedUrl, options)).toMatchObject({ processed: 2, duplicates: 1 })
    expect(seen).toEqual(['pul3-0', 'pul3-1', 'pul3-2'])
  })

  it('[DLV-FED-001] rejects a feed page that holds events but no next cursor, and processes none of them', async () => {
    const [jws] = await signedPings(key, 1, { prefix: 'pul5' })
    feed = () =>
      Promise.resolve(
        new Response(JSON.stringify({ items: [jws], next: null }), {
          headers: { 'content-type': 'application/json' },
        }),
      )
    const seen: string[] = []
    const options = {
      ...LOCAL,
      group: GROUP,
      resolveKey,
      dedupe: createMemoryDedupeStore(),
      onEvent: (event: { id: string }) => {
        seen.push(event.id)
      },
    }
    expect(await codeOf(pullEvents(feedUrl, options))).toBe('ERR_FETCH_FAILED')
    expect(seen).toEqual([])
  })

  it('refuses a feed at a non-public address unless allowed, and reports a refusal by the feed', async () => {
    const base = {
      group: GROUP,
      resolveKey,
      dedupe: createMemoryDedupeStore(),
      onEvent: () => undefined,
    }
    expect(await codeOf(pullEvents(feedUrl, base))).toBe('ERR_ADDRESS_NOT_ALLOWED')
    expect(await codeOf(pullEvents(feedUrl, { ...base, ...LOCAL }))).toBe('ERR_FETCH_FAILED')
  })
})
