// Size limits of bodies, tokens and fetched documents (DLV-LIM-001 … DLV-LIM-007), both ways, with
// real servers on loopback: at the limit accepted, one byte over refused, a gzip bomb refused.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  SIZE_LIMITS,
  createFeed,
  createManifestResolver,
  createMemoryDedupeStore,
  createMemoryDeliveryStore,
  createSubscriptionsHandler,
  discoverAuthority,
  pullEvents,
  readInstallations,
  verifyRequestToken,
} from '../../src/index.js'
import { fetchJson } from '../../src/http/guarded-fetch.js'
import { createSafeFetch } from '../../node/index.js'
import { GROUP, LOCAL, codeOf, startServer, type Server } from '../delivery/support.js'

/** What the raw server answers next: bytes, and whether they are sent gzip-encoded. */
let answer: { body: Buffer; gzip?: boolean } = { body: Buffer.from('{}') }
let raw: http.Server
let origin: string

beforeAll(async () => {
  raw = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json')
    if (answer.gzip === true) res.setHeader('content-encoding', 'gzip')
    res.end(answer.body)
  })
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => raw.close(resolve))
})

/** JSON of exactly `size` bytes: `value`, padded with spaces (which JSON allows after it). */
function padded(value: unknown, size: number): Buffer {
  const text = JSON.stringify(value)
  if (text.length > size) throw new Error('too small a size')
  return Buffer.from(text + ' '.repeat(size - text.length))
}

/** A gzip bomb: about 10 KiB on the wire that inflates to 16 MiB. */
const bomb = gzipSync(padded({}, 16 * 1024 * 1024), { level: 9 })

const fetches = {
  'createSafeFetch()': { ...LOCAL, fetch: createSafeFetch({ allowPrivateNetwork: true }) },
  'the global fetch': LOCAL,
}

describe('[DLV-LIM-001] limits count decoded bytes', () => {
  it('keeps the bomb small on the wire', () => {
    expect(bomb.length).toBeLessThan(64 * 1024)
  })

  for (const [name, policy] of Object.entries(fetches)) {
    it(`refuses a gzip bomb and accepts a gzip body at the limit, through ${name}`, async () => {
      answer = { body: bomb, gzip: true }
      expect(await codeOf(fetchJson(`${origin}/doc`, policy, SIZE_LIMITS.document))).toBe(
        'ERR_TOO_LARGE',
      )
      answer = { body: gzipSync(padded({ a: 1 }, SIZE_LIMITS.document)), gzip: true }
      expect(await fetchJson(`${origin}/doc`, policy, SIZE_LIMITS.document)).toEqual({ a: 1 })
      answer = { body: gzipSync(padded({ a: 1 }, SIZE_LIMITS.document + 1)), gzip: true }
      expect(await codeOf(fetchJson(`${origin}/doc`, policy, SIZE_LIMITS.document))).toBe(
        'ERR_TOO_LARGE',
      )
    })
  }
})

describe('[DLV-LIM-004] manifests, key sets and group documents: 64 KiB', () => {
  for (const [name, policy] of Object.entries(fetches)) {
    it(`accepts 64 KiB and refuses 64 KiB + 1, through ${name}`, async () => {
      answer = { body: padded({ keys: [] }, SIZE_LIMITS.document) }
      expect(await fetchJson(`${origin}/jwks`, policy, SIZE_LIMITS.document)).toEqual({ keys: [] })
      answer = { body: padded({ keys: [] }, SIZE_LIMITS.document + 1) }
      expect(await codeOf(fetchJson(`${origin}/jwks`, policy, SIZE_LIMITS.document))).toBe(
        'ERR_TOO_LARGE',
      )
    })
  }

  it('refuses a manifest, and a group document, one byte over 64 KiB, and a bomb of either', async () => {
    const authority = { ...fetches['createSafeFetch()'], clientId: 'https://tool.example' }
    // A fresh resolver each time: a resolver remembers a failure for a while.
    const resolver = () =>
      createManifestResolver({ ...fetches['createSafeFetch()'], allowAnySource: true })
    for (const body of [padded({}, SIZE_LIMITS.document + 1), bomb]) {
      answer = { body, gzip: body === bomb }
      expect(await codeOf(Promise.resolve(resolver().resolveKey(`${origin}#k1`)))).toBe(
        'ERR_TOO_LARGE',
      )
      expect(await codeOf(discoverAuthority(`${origin}/g/a`, authority))).toBe('ERR_TOO_LARGE')
    }
    // At the limit the size is no reason: what is refused then is the content.
    answer = { body: padded({}, SIZE_LIMITS.document) }
    expect(await codeOf(Promise.resolve(resolver().resolveKey(`${origin}#k1`)))).not.toBe(
      'ERR_TOO_LARGE',
    )
    expect(await codeOf(discoverAuthority(`${origin}/g/a`, authority))).not.toBe('ERR_TOO_LARGE')
  })
})

describe('[DLV-LIM-006] a pulled feed page: 4 MiB', () => {
  const pull = () =>
    pullEvents(`${origin}/cta/feed`, {
      ...fetches['createSafeFetch()'],
      group: GROUP,
      resolveKey: () => Promise.reject(new Error('no key needed')),
      dedupe: createMemoryDedupeStore(),
      onEvent: () => undefined,
    })

  it('accepts a page of 4 MiB, refuses 4 MiB + 1 and a bomb', async () => {
    answer = { body: padded({ items: [], next: null }, SIZE_LIMITS.feedPage) }
    expect((await pull()).caughtUp).toBe(true)
    answer = { body: padded({ items: [], next: null }, SIZE_LIMITS.feedPage + 1) }
    expect(await codeOf(pull())).toBe('ERR_TOO_LARGE')
    answer = { body: gzipSync(padded({ items: [], next: null }, 64 * 1024 * 1024)), gzip: true }
    expect(await codeOf(pull())).toBe('ERR_TOO_LARGE')
  })

  it('[DLV-FED-001] refuses a page that does not match feed-page.json', async () => {
    answer = { body: Buffer.from(JSON.stringify({ items: ['{"not":"a JWS"}'], next: '1' })) }
    expect(await codeOf(pull())).toBe('ERR_SCHEMA_INVALID')
    answer = { body: Buffer.from(JSON.stringify({ events: [], next: null })) }
    expect(await codeOf(pull())).toBe('ERR_SCHEMA_INVALID')
  })
})

describe('[DLV-LIM-007] an installations collection: 4 MiB', () => {
  const read = () =>
    readInstallations({ id: GROUP, tools: `${origin}/g/tools` }, fetches['createSafeFetch()'])
  const empty = { type: 'OrderedCollection', orderedItems: [] }

  it('accepts 4 MiB, refuses 4 MiB + 1 and a bomb', async () => {
    answer = { body: padded(empty, SIZE_LIMITS.collectionPage) }
    expect(await read()).toEqual([])
    answer = { body: padded(empty, SIZE_LIMITS.collectionPage + 1) }
    expect(await codeOf(read())).toBe('ERR_TOO_LARGE')
    answer = { body: bomb, gzip: true }
    expect(await codeOf(read())).toBe('ERR_TOO_LARGE')
  })

  it('[MEM-INS-001] refuses a collection that does not match installation-collection.json', async () => {
    const item = {
      id: `${GROUP}/tools/a`,
      type: 'ToolInstallation',
      organization: GROUP,
      tool: 'https://a.example',
      scopes: [],
      published: '2026-02-02T00:00:00Z',
      installationStatus: 'paused',
    }
    answer = { body: Buffer.from(JSON.stringify({ ...empty, orderedItems: [item] })) }
    expect(await codeOf(read())).toBe('ERR_SCHEMA_INVALID')
    answer = {
      body: Buffer.from(
        JSON.stringify({ ...empty, orderedItems: [{ ...item, installationStatus: 'active' }] }),
      ),
    }
    expect(await read()).toEqual([{ tool: 'https://a.example', installationStatus: 'active' }])
  })
})

describe('[DLV-LIM-002] a subscription request body: 8 KiB', () => {
  let producer: Server
  beforeAll(async () => {
    const store = createMemoryDeliveryStore()
    const handler = createSubscriptionsHandler({
      url: 'http://127.0.0.1/cta/subscriptions',
      store,
      resolveKey: () => Promise.reject(new Error('no key')),
      isInstalled: () => true,
      ...LOCAL,
    })
    producer = await startServer((request: Request) => handler(request))
  })
  afterAll(async () => {
    await producer.close()
  })

  const post = async (body: Uint8Array, headers: Record<string, string> = {}) => {
    const response = await fetch(`${producer.origin}/cta/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/jose', ...headers },
      body: new Uint8Array(body),
    })
    const problem = (await response.json()) as { code?: string }
    return { status: response.status, code: problem.code }
  }

  it('reads 8 KiB, answers 413 to 8 KiB + 1 and to a bomb', async () => {
    const atLimit = await post(Buffer.alloc(SIZE_LIMITS.subscriptionRequest, 'a'))
    expect(atLimit.code).not.toBe('ERR_TOO_LARGE')
    expect(atLimit.status).not.toBe(413)
    expect(await post(Buffer.alloc(SIZE_LIMITS.subscriptionRequest + 1, 'a'))).toEqual({
      status: 413,
      code: 'ERR_TOO_LARGE',
    })
    expect(await post(bomb, { 'content-encoding': 'gzip' })).toEqual({
      status: 413,
      code: 'ERR_TOO_LARGE',
    })
    // Compressed at the limit: decoded, then refused for what it says, not for its size.
    const zipped = await post(gzipSync(Buffer.alloc(SIZE_LIMITS.subscriptionRequest, 'a')), {
      'content-encoding': 'gzip',
    })
    expect(zipped.code).toBe(atLimit.code)
    expect(await post(Buffer.from('a'), { 'content-encoding': 'zstd' })).toEqual({
      status: 400,
      code: 'ERR_REQUEST_INVALID',
    })
  })
})

describe('[DLV-LIM-003] a request token: 4 KiB', () => {
  const verify = (token: string) =>
    verifyRequestToken(
      new Request('https://decisions.example/cta/feed', {
        headers: { authorization: `CTA-JWS ${token}` },
      }),
      {
        resolveKey: () => Promise.reject(new Error('no key')),
        replay: createMemoryDedupeStore(),
      },
    )

  it('reads a token of 4 KiB, refuses one of 4 KiB + 1', async () => {
    expect(await codeOf(verify('a'.repeat(SIZE_LIMITS.requestToken)))).toBe('ERR_JWS_MALFORMED')
    expect(await codeOf(verify('a'.repeat(SIZE_LIMITS.requestToken + 1)))).toBe('ERR_TOO_LARGE')
  })
})

describe('[DLV-LIM-005] a feed page answered: at most 4 MiB', () => {
  it('[DLV-LIM-005] serves fewer than `limit` events and the rest on the next page, never a page over 4 MiB', async () => {
    const store = createMemoryDeliveryStore()
    // 70 events of 60 KiB: 4.1 MiB in all; what is served is not verified, so any ASCII will do.
    const jws = (i: number) => `${String(i).padStart(4, '0')}.${'a'.repeat(60 * 1024)}.sig`
    for (let i = 0; i < 70; i++) {
      await store.enqueue(
        {
          source: 'https://decisions.example',
          id: `big-${i}`,
          type: 'ping',
          group: GROUP,
          jws: jws(i),
        },
        [],
        new Date(),
      )
    }
    const feed = createFeed({
      url: 'https://decisions.example/cta/feed',
      store,
      authorize: () => true,
    })
    const query = `group=${encodeURIComponent(GROUP)}&limit=1000`
    const first = await feed(new Request(`https://decisions.example/cta/feed?${query}`))
    const text = await first.text()
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(SIZE_LIMITS.feedPage)
    const page = JSON.parse(text) as { items: string[]; next: string }
    expect(page.items.length).toBeGreaterThan(60)
    expect(page.items.length).toBeLessThan(70)
    const rest = await feed(
      new Request(`https://decisions.example/cta/feed?${query}&after=${page.next}`),
    )
    const second = (await rest.json()) as { items: string[] }
    expect([...page.items, ...second.items]).toEqual(Array.from({ length: 70 }, (_, i) => jws(i)))
  })
})
