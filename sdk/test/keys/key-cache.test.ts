import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  KEY_REFETCH_INTERVAL,
  KEY_SET_MAX_AGE,
  TOOL_MANIFEST_PATH,
  createEvent,
  createInbox,
  createManifestResolver,
  createMemoryDedupeStore,
  createToolManifest,
  generateSigningKey,
  keySetMaxAge,
  signEvent,
  toJwks,
  type InboxOptions,
  type SigningKey,
} from '../../src/index.js'
import { createNodeInbox } from '../../node/index.js'
import { loadDocument } from '../helpers/documents.js'

const LOCAL = { allowPrivateNetwork: true, allowHttp: true, allowAnySource: true } as const

/** A real tool on loopback whose keys, Cache-Control and failures a test sets as it goes. */
interface Peer {
  origin: string
  key: SigningKey
  keys: SigningKey[]
  cacheControl: string | null
  /** Answer every request with this status instead (a tool that is down). */
  failWith: number | null
  fetches: number
  close(): Promise<void>
}

async function startPeer(): Promise<Peer> {
  const peer = { keys: [], cacheControl: null, failWith: null, fetches: 0 } as unknown as Peer
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path === TOOL_MANIFEST_PATH) peer.fetches++
    if (peer.failWith !== null) {
      res.statusCode = peer.failWith
      res.end()
      return
    }
    res.setHeader('content-type', 'application/json')
    if (peer.cacheControl !== null) res.setHeader('cache-control', peer.cacheControl)
    if (path === TOOL_MANIFEST_PATH) {
      res.end(
        JSON.stringify(
          createToolManifest({
            id: peer.origin,
            name: 'Rotating tool',
            jwks_uri: `${peer.origin}/jwks.json`,
          }),
        ),
      )
    } else res.end(JSON.stringify(toJwks(peer.keys)))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  peer.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  peer.key = await generateSigningKey({ origin: peer.origin })
  peer.keys = [peer.key]
  peer.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => {
        resolve()
      })
    })
  return peer
}

function eventFrom(origin: string) {
  const doc = loadDocument('events/membership-joined.json') as { data: Record<string, unknown> }
  return createEvent('tech.collaborative.membership.joined', doc.data as never, {
    source: origin,
    time: new Date().toISOString(),
  })
}

/** Events from any source about any group: these are tests of keys only. */
const ANY_SOURCE = { speaksFor: 'any-source' } as const

/** Inbox options over `resolveKey`. */
const options = ({ resolveKey }: Pick<InboxOptions, 'resolveKey'>) => ({
  ...ANY_SOURCE,
  resolveKey,
  dedupe: createMemoryDedupeStore(),
  onEvent: () => undefined,
})

/** An inbox over a resolver with a clock of the test's; `post` answers status, code, Retry-After. */
function inboxFor(resolveKey: Parameters<typeof createInbox>[0]['resolveKey']) {
  const inbox = createInbox(options({ resolveKey }))
  return async (jws: string) => {
    const answer = await inbox(
      new Request('http://inbox.test/', {
        method: 'POST',
        headers: { 'content-type': 'application/jose' },
        body: jws,
      }),
    )
    const body = (await answer.json()) as { code?: string }
    return { status: answer.status, code: body.code, retryAfter: answer.headers.get('retry-after') }
  }
}

describe('keySetMaxAge', () => {
  it('[EVT-KEY-007] honours max-age within 10 s and one hour, and counts no-store and no-cache as 0', () => {
    expect(KEY_SET_MAX_AGE).toBe(3600)
    expect(KEY_REFETCH_INTERVAL).toBe(10)
    expect(keySetMaxAge(null)).toBe(3600)
    expect(keySetMaxAge('public')).toBe(3600)
    expect(keySetMaxAge('public, max-age=600')).toBe(600)
    expect(keySetMaxAge('max-age=86400')).toBe(3600)
    expect(keySetMaxAge('max-age=2')).toBe(10)
    expect(keySetMaxAge('no-store')).toBe(10)
    expect(keySetMaxAge('max-age=600, no-cache')).toBe(10)
    expect(keySetMaxAge('max-age=nonsense')).toBe(3600)
  })
})

describe('a receiver whose sender keys cannot be fetched now', () => {
  let peer: Peer
  beforeAll(async () => {
    peer = await startPeer()
  })
  afterAll(() => peer.close())

  it('[EVT-KEY-008] answers 503 ERR_FETCH_FAILED with Retry-After when the manifest answers 5xx, then accepts the retry', async () => {
    let t = 1_000_000
    const post = inboxFor(createManifestResolver({ ...LOCAL, now: () => t }).resolveKey)
    const jws = await signEvent(eventFrom(peer.origin), peer.key)
    peer.failWith = 502
    const refused = await post(jws)
    expect(refused).toMatchObject({ status: 503, code: 'ERR_FETCH_FAILED' })
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1)
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(30)
    peer.failWith = null
    t += Number(refused.retryAfter) * 1000
    expect((await post(jws)).status).toBe(202)
  })

  it('[EVT-KEY-008] answers 503 with Retry-After when the sender cannot be reached or times out', async () => {
    const closed = await startPeer()
    const jws = await signEvent(eventFrom(closed.origin), closed.key)
    await closed.close()
    const unreachable = await inboxFor(createManifestResolver(LOCAL).resolveKey)(jws)
    expect(unreachable).toMatchObject({ status: 503, code: 'ERR_FETCH_FAILED' })
    expect(unreachable.retryAfter).toMatch(/^\d+$/)
    const silent = http.createServer(() => undefined) // never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const origin = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
    const key = await generateSigningKey({ origin })
    const timedOut = await inboxFor(createManifestResolver({ ...LOCAL, timeout: 200 }).resolveKey)(
      await signEvent(eventFrom(origin), key),
    )
    expect(timedOut).toMatchObject({ status: 503, code: 'ERR_FETCH_FAILED' })
    silent.closeAllConnections()
    silent.close()
  })

  it('[EVT-KEY-008] node inbox: the same 503 and Retry-After', async () => {
    const listener = createNodeInbox(
      options({ resolveKey: createManifestResolver(LOCAL).resolveKey }),
    )
    const server = http.createServer(listener)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    peer.failWith = 500
    try {
      const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/jose' },
        body: await signEvent(eventFrom(peer.origin), peer.key),
      })
      expect(answer.status).toBe(503)
      expect(((await answer.json()) as { code: string }).code).toBe('ERR_FETCH_FAILED')
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    } finally {
      peer.failWith = null
      server.close()
    }
  })
})

describe('unknown kids, the refetch throttle and the cache bound', () => {
  let peer: Peer
  beforeAll(async () => {
    peer = await startPeer()
  })
  afterAll(() => peer.close())

  it('[EVT-KEY-008] a kid absent from a key set fetched after the event arrived is 401 ERR_KEY_UNRESOLVED', async () => {
    const post = inboxFor(createManifestResolver(LOCAL).resolveKey)
    const stranger = await generateSigningKey({ origin: peer.origin })
    expect(await post(await signEvent(eventFrom(peer.origin), stranger))).toMatchObject({
      status: 401,
      code: 'ERR_KEY_UNRESOLVED',
      retryAfter: null,
    })
  })

  it('[EVT-KEY-008] [EVT-KEY-006] a bogus kid sent first cannot make the receiver refuse a new key: 503 while throttled, then it accepts the key after Retry-After', async () => {
    let t = 0
    const post = inboxFor(createManifestResolver({ ...LOCAL, now: () => t }).resolveKey)
    expect((await post(await signEvent(eventFrom(peer.origin), peer.key))).status).toBe(202)
    const fetched = peer.fetches
    // The attacker's bogus kid: the copy predates it and the throttle forbids a fetch: retry.
    t += 3_000
    const bogus = await generateSigningKey({ origin: peer.origin })
    const first = await post(await signEvent(eventFrom(peer.origin), bogus))
    expect(first).toMatchObject({ status: 503, code: 'ERR_FETCH_FAILED' })
    expect(Number(first.retryAfter)).toBe(7)
    // The tool publishes its next key and signs with it at once: refused as "retry", never 401.
    const next = await generateSigningKey({ origin: peer.origin })
    peer.keys = [peer.key, next]
    const jws = await signEvent(eventFrom(peer.origin), next)
    const early = await post(jws)
    expect(early).toMatchObject({ status: 503, code: 'ERR_FETCH_FAILED' })
    expect(peer.fetches).toBe(fetched)
    t += Number(early.retryAfter) * 1000
    expect((await post(jws)).status).toBe(202)
    expect(peer.fetches).toBe(fetched + 1)
    peer.keys = [peer.key]
  })

  it('[EVT-KEY-006] fetches an origin at most once per 10 s, whatever the kids', async () => {
    let t = 0
    const resolver = createManifestResolver({ ...LOCAL, now: () => t })
    await resolver.resolveKey(peer.key.kid)
    const before = peer.fetches
    const answers = new Set<string>()
    for (let i = 0; i < 50; i++) {
      t += 100
      answers.add(
        await Promise.resolve(resolver.resolveKey(`${peer.origin}#bogus-${i}`)).then(
          (found) => (found === undefined ? 'unresolved' : 'found'),
          (err: unknown) => (err as { code: string }).code,
        ),
      )
    }
    expect(peer.fetches - before).toBe(0)
    expect([...answers]).toEqual(['ERR_FETCH_FAILED'])
    t += 5_000
    expect(await resolver.resolveKey(`${peer.origin}#bogus-x`)).toBeUndefined()
    expect(peer.fetches - before).toBe(1)
    expect(() => createManifestResolver({ ...LOCAL, refetchInterval: 5 })).toThrow(TypeError)
    expect(() => createManifestResolver({ ...LOCAL, ttl: 7200 })).toThrow(TypeError)
  })

  it('[EVT-KEY-007] refetches a copy older than its max-age (at least 10 s) and a removed key stops verifying then', async () => {
    let t = 0
    const post = inboxFor(
      createManifestResolver({ ...LOCAL, ttl: KEY_SET_MAX_AGE, now: () => t }).resolveKey,
    )
    const next = await generateSigningKey({ origin: peer.origin })
    peer.keys = [peer.key, next]
    peer.cacheControl = 'max-age=2'
    expect((await post(await signEvent(eventFrom(peer.origin), peer.key))).status).toBe(202)
    const before = peer.fetches
    peer.keys = [next] // the old key is withdrawn
    t += 9_999 // within the bound (max-age 2 counts as 10 s): the copy may still be used
    expect((await post(await signEvent(eventFrom(peer.origin), peer.key))).status).toBe(202)
    expect(peer.fetches).toBe(before)
    t += 1 // the bound: refetched, and the withdrawn key is unknown
    expect(await post(await signEvent(eventFrom(peer.origin), peer.key))).toMatchObject({
      status: 401,
      code: 'ERR_KEY_UNRESOLVED',
    })
    expect(peer.fetches).toBe(before + 1)
    expect((await post(await signEvent(eventFrom(peer.origin), next))).status).toBe(202)
    peer.keys = [peer.key]
    peer.cacheControl = null
  })

  it('[EVT-KEY-007] without max-age a copy is used at most one hour (the ttl option, at most 3,600 s)', async () => {
    let t = 0
    const resolver = createManifestResolver({ ...LOCAL, ttl: KEY_SET_MAX_AGE, now: () => t })
    await resolver.resolveKey(peer.key.kid)
    const before = peer.fetches
    t += 3_599_999
    await resolver.resolveKey(peer.key.kid)
    expect(peer.fetches).toBe(before)
    t += 1
    await resolver.resolveKey(peer.key.kid)
    expect(peer.fetches).toBe(before + 1)
  })

  it('[EVT-KEY-007] breaks: a resolver whose copy never expires keeps verifying a withdrawn key', async () => {
    // What EVT-KEY-007 forbids, shown with pinned keys: nothing ever refetches them.
    const { staticKeyResolver } = await import('../../src/index.js')
    const pinned = staticKeyResolver([{ source: peer.origin, jwks: toJwks([peer.key]) }])
    const post = inboxFor(pinned)
    peer.keys = []
    expect((await post(await signEvent(eventFrom(peer.origin), peer.key))).status).toBe(202)
    peer.keys = [peer.key]
  })
})
