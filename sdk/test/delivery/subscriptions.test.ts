import type http from 'node:http'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  MAX_SUBSCRIPTION_LIFETIME,
  REQUEST_AUTH_SCHEME,
  answerHandshake,
  createDeliveryWorker,
  createInbox,
  createManifestResolver,
  createMemoryDedupeStore,
  createMemoryDeliveryStore,
  createSubscriptionsHandler,
  matchesSubscription,
  publishEvent,
  signEvent,
  signRequestToken,
  signSubscriptionRequest,
  verifySubscriptionRequest,
  type DeliveryStore,
  type SigningKey,
  type SubscriptionRequest,
  type SubscriptionsHandlerOptions,
} from '../../src/index.js'
import { createSafeFetch, toNodeListener } from '../../node/index.js'
import { forge } from '../helpers/events.js'
import { startToolServer, type ToolServer } from '../helpers/tool-server.js'
import {
  GROUP,
  LOCAL,
  OTHER_GROUP,
  PRODUCER,
  pingEvent,
  producerKeys,
  startServer,
  type Server,
} from './support.js'

const producerKey = await producerKeys()

/** A subscribing tool: manifest, keys, and an inbox whose behaviour a test can replace. */
interface Subscriber {
  readonly tool: ToolServer
  readonly sink: string
  /** Received event ids. */
  readonly received: string[]
  inbox: http.RequestListener
  /** Puts the standard inbox back. */
  reset(): void
  close(): Promise<void>
}

async function startSubscriber(allowed: () => string[]): Promise<Subscriber> {
  const received: string[] = []
  const inbox = createInbox({
    speaksFor: 'any-source',
    resolveKey: producerKey.resolveKey,
    dedupe: createMemoryDedupeStore(),
    onEvent: (event) => {
      received.push(event.id)
    },
  })
  const standard = toNodeListener(
    async (request) =>
      (await answerHandshake(request, { allowedOrigins: allowed() })) ?? inbox(request),
  )
  const state: { inbox: http.RequestListener } = { inbox: standard }
  const tool = await startToolServer({
    '/inbox': (req, res) => {
      state.inbox(req, res)
    },
  })
  return {
    tool,
    sink: `${tool.origin}/inbox`,
    received,
    get inbox() {
      return state.inbox
    },
    set inbox(listener) {
      state.inbox = listener
    },
    reset() {
      state.inbox = standard
    },
    close: () => tool.close(),
  }
}

let producer: Server
let url: string
let store: DeliveryStore
let handler: (request: Request) => Promise<Response>
const installed = new Set<string>()
let alice: Subscriber
let bob: Subscriber
const resolver = createManifestResolver({ ...LOCAL, allowAnySource: true })

function makeHandler(extra: Partial<SubscriptionsHandlerOptions> = {}) {
  return createSubscriptionsHandler({
    url,
    store,
    resolveKey: resolver.resolveKey,
    isInstalled: (group, tool) => installed.has(`${group} ${tool}`),
    ...LOCAL,
    ...extra,
  })
}

beforeAll(async () => {
  producer = await startServer((request: Request) => handler(request))
  url = `${producer.origin}/cta/subscriptions`
  alice = await startSubscriber(() => [producer.origin])
  bob = await startSubscriber(() => [producer.origin])
})
afterAll(async () => {
  await producer.close()
  await alice.close()
  await bob.close()
})
beforeEach(() => {
  store = createMemoryDeliveryStore()
  handler = makeHandler()
  installed.clear()
  installed.add(`${GROUP} ${alice.tool.origin}`)
  installed.add(`${GROUP} ${bob.tool.origin}`)
})

const request = (
  who: Subscriber,
  extra: Partial<SubscriptionRequest> = {},
): SubscriptionRequest => ({
  sink: who.sink,
  group: GROUP,
  types: ['tech.collaborative.*'],
  ...extra,
})

async function create(body: string, type = 'application/jose'): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': type }, body })
}

async function subscribe(who: Subscriber, extra: Partial<SubscriptionRequest> = {}) {
  return create(
    await signSubscriptionRequest(request(who, extra), who.tool.key, { audience: producer.origin }),
  )
}

async function authed(
  key: SigningKey,
  method: string,
  target: string,
  tokenFor = { method, url: target },
) {
  const token = await signRequestToken(tokenFor, key)
  return fetch(target, { method, headers: { authorization: `${REQUEST_AUTH_SCHEME} ${token}` } })
}

const codeIn = async (response: Response): Promise<string> =>
  ((await response.json()) as { code: string }).code

describe('the subscriptions API', () => {
  it('[DLV-SUB-001] creates, lists, reads and deletes a subscription', async () => {
    const created = await subscribe(alice)
    expect(created.status).toBe(201)
    const body = (await created.json()) as { id: string }
    expect(body).toMatchObject({
      protocol: 'HTTP',
      sink: alice.sink,
      types: ['tech.collaborative.*'],
      filters: [{ exact: { group: GROUP } }],
      subscriber: alice.tool.origin,
      status: 'active',
    })
    const location = created.headers.get('location') ?? ''
    expect(location).toBe(`${url}/${body.id}`)
    const list = await authed(alice.tool.key, 'GET', url)
    expect(list.status).toBe(200)
    expect(((await list.json()) as { id: string }[]).map((s) => s.id)).toEqual([body.id])
    const one = await authed(alice.tool.key, 'GET', location)
    expect(await one.json()).toEqual(body)
    expect((await authed(alice.tool.key, 'DELETE', location)).status).toBe(204)
    expect((await authed(alice.tool.key, 'GET', location)).status).toBe(404)
    expect(await store.listSubscriptions({})).toEqual([])
  })

  it("[DLV-SUB-001] shows and deletes only the caller's own subscriptions", async () => {
    const created = await subscribe(alice)
    const location = created.headers.get('location') ?? ''
    const list = await authed(bob.tool.key, 'GET', url)
    expect(await list.json()).toEqual([])
    const read = await authed(bob.tool.key, 'GET', location)
    expect(read.status).toBe(404)
    expect(await codeIn(read)).toBe('ERR_NOT_FOUND')
    expect((await authed(bob.tool.key, 'DELETE', location)).status).toBe(404)
    expect(await store.listSubscriptions({})).toHaveLength(1)
    expect((await authed(alice.tool.key, 'GET', `${url}/nope`)).status).toBe(404)
    expect((await authed(alice.tool.key, 'GET', `${url}/%E0%A4%A`)).status).toBe(404)
  })

  it('delivers published events to a subscription created through the API', async () => {
    expect((await subscribe(alice, { types: ['tech.collaborative.ping'] })).status).toBe(201)
    const event = pingEvent()
    await publishEvent(await signEvent(event, producerKey.key), { store })
    expect(await createDeliveryWorker({ store, ...LOCAL }).runOnce()).toMatchObject({
      delivered: 1,
    })
    expect(alice.received).toContain(event.id)
  })
})

describe('subscription requests', () => {
  it('[DLV-SUB-002] are accepted when signed by a key the subscriber publishes, which names the subscriber', async () => {
    const body = await signSubscriptionRequest(request(alice), alice.tool.key, {
      audience: producer.origin,
    })
    const verified = await verifySubscriptionRequest(body, {
      resolveKey: resolver.resolveKey,
      audience: producer.origin,
      replay: createMemoryDedupeStore(),
    })
    expect(verified).toMatchObject({ subscriber: alice.tool.origin, kid: alice.tool.key.kid })
    expect((await create(body)).status).toBe(201)
  })

  it('[DLV-SUB-002] are refused when forged, of another typ or header, of the wrong shape, or unsigned', async () => {
    const payload = {
      protocol: 'HTTP',
      sink: alice.sink,
      filters: [{ exact: { group: GROUP } }],
      aud: producer.origin,
      iat: Math.floor(Date.now() / 1000),
    }
    const header = { alg: 'EdDSA', kid: alice.tool.key.kid, typ: 'cta-subscription+jws' }
    const cases: [string, string, number][] = [
      [await forge(header, { ...payload, jti: 'a' }, bob.tool.key), 'ERR_SIGNATURE_INVALID', 401],
      [
        await forge(
          { ...header, typ: 'cta-request+jws' },
          { ...payload, jti: 'b' },
          alice.tool.key,
        ),
        'ERR_TYP_MISMATCH',
        401,
      ],
      [
        await forge(
          { ...header, jwk: bob.tool.key.publicJwk },
          { ...payload, jti: 'c' },
          bob.tool.key,
        ),
        'ERR_HEADER_NOT_ALLOWED',
        401,
      ],
      [
        await forge(
          { ...header, kid: `${alice.tool.origin}#unknown` },
          { ...payload, jti: 'd' },
          alice.tool.key,
        ),
        // Alice's keys were fetched moments ago: the refetch an unknown kid needs waits for the
        // rate limit, so the answer is a retryable 503, never a final 401 (EVT-KEY-008).
        'ERR_FETCH_FAILED',
        503,
      ],
      [
        await forge(header, { ...payload, jti: 'e', config: { secret: 'x' } }, alice.tool.key),
        'ERR_SCHEMA_INVALID',
        422,
      ],
      [
        await forge(header, { ...payload, jti: 'f', protocol: 'MQTT' }, alice.tool.key),
        'ERR_SCHEMA_INVALID',
        422,
      ],
      [
        await forge(
          header,
          { ...payload, jti: 'g', filters: [{ prefix: { group: GROUP } }] },
          alice.tool.key,
        ),
        'ERR_SCHEMA_INVALID',
        422,
      ],
      [
        await forge(header, { ...payload, jti: 'h', types: ['Tech.*'] }, alice.tool.key),
        'ERR_SCHEMA_INVALID',
        422,
      ],
      ['not.a.jws', 'ERR_JWS_MALFORMED', 400],
    ]
    for (const [body, code, status] of cases) {
      const response = await create(body)
      expect(response.status, code).toBe(status)
      expect(await codeIn(response), code).toBe(code)
    }
    expect((await create(JSON.stringify(payload), 'application/json')).status).toBe(415)
    expect(await store.listSubscriptions({})).toEqual([])
  })

  it('[DLV-SUB-003] are accepted within five minutes of their iat', async () => {
    const body = await signSubscriptionRequest(request(alice), alice.tool.key, {
      audience: producer.origin,
      currentDate: new Date(Date.now() - 4 * 60_000),
    })
    expect((await create(body)).status).toBe(201)
  })

  it('[DLV-SUB-003] are refused when replayed, stale, from the future or for another producer', async () => {
    const fresh = await signSubscriptionRequest(request(alice), alice.tool.key, {
      audience: producer.origin,
    })
    expect((await create(fresh)).status).toBe(201)
    const sign = (audience: string, offset: number) =>
      signSubscriptionRequest(request(alice), alice.tool.key, {
        audience,
        currentDate: new Date(Date.now() + offset),
      })
    for (const body of [
      fresh,
      await sign(producer.origin, -6 * 60_000 - 61_000),
      await sign(producer.origin, 2 * 60_000),
      await sign('https://elsewhere.example', 0),
    ]) {
      const response = await create(body)
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toBe('CTA-JWS')
      expect(await codeIn(response)).toBe('ERR_UNAUTHORIZED')
    }
    expect(await store.listSubscriptions({})).toHaveLength(1)
  })

  it("[DLV-SUB-004] are accepted for a sink anywhere on the subscriber's origin", async () => {
    const other = `${alice.tool.origin}/inbox?tenant=7`
    alice.inbox = (_req, res) => {
      res.setHeader('webhook-allowed-origin', '*')
      res.end()
    }
    const response = await subscribe(alice, { sink: other })
    expect(response.status).toBe(201)
    alice.reset()
  })

  it('[DLV-SUB-004] are refused for a sink on another origin', async () => {
    const response = await subscribe(alice, { sink: bob.sink })
    expect(response.status).toBe(401)
    expect(await codeIn(response)).toBe('ERR_UNAUTHORIZED')
    expect(bob.tool.hits.get('/inbox') ?? 0).toBe(0)
  })

  it('[DLV-SND-003] are refused when the sink is a non-public address and private networks are not allowed', async () => {
    handler = makeHandler({ allowPrivateNetwork: false, fetch: createSafeFetch() })
    const response = await subscribe(alice)
    expect(response.status).toBe(422)
    expect(await codeIn(response)).toBe('ERR_ADDRESS_NOT_ALLOWED')
    expect(await store.listSubscriptions({})).toEqual([])
  })
})

describe('installation gating', () => {
  it('[DLV-SUB-005] accepts a subscriber installed in the group', async () => {
    expect((await subscribe(alice)).status).toBe(201)
  })

  it('[DLV-SUB-005] refuses a subscriber not installed in the group, before contacting its sink', async () => {
    const before = alice.tool.hits.get('/inbox') ?? 0
    const response = await subscribe(alice, { group: OTHER_GROUP })
    expect(response.status).toBe(403)
    expect(await codeIn(response)).toBe('ERR_NOT_INSTALLED')
    expect(alice.tool.hits.get('/inbox') ?? 0).toBe(before)
    expect(await store.listSubscriptions({})).toEqual([])
  })
})

describe('expiry', () => {
  const DAY = 86_400_000
  const expiresOf = async (response: Response) =>
    Date.parse(((await response.json()) as { expires: string }).expires)

  it('[DLV-SUB-010] gives every subscription an expires: the one asked for, or 90 days after it was created at the latest', async () => {
    const asked = new Date(Date.now() + 7 * DAY).toISOString()
    const short = await subscribe(alice, { expires: asked })
    expect(short.status).toBe(201)
    expect(new Date(await expiresOf(short)).toISOString()).toBe(asked)
    const before = Date.now()
    const none = await subscribe(alice)
    const longest = await expiresOf(none)
    expect(longest).toBeGreaterThanOrEqual(before + MAX_SUBSCRIPTION_LIFETIME * 1000)
    expect(longest).toBeLessThanOrEqual(Date.now() + MAX_SUBSCRIPTION_LIFETIME * 1000)
    const tooLong = await subscribe(alice, {
      expires: new Date(Date.now() + 400 * DAY).toISOString(),
    })
    expect(await expiresOf(tooLong)).toBeLessThanOrEqual(
      Date.now() + MAX_SUBSCRIPTION_LIFETIME * 1000,
    )
    handler = makeHandler({ maxLifetime: 3600 })
    const capped = await subscribe(alice)
    expect(await expiresOf(capped)).toBeLessThanOrEqual(Date.now() + 3600 * 1000)
    expect(() => makeHandler({ maxLifetime: MAX_SUBSCRIPTION_LIFETIME + 1 })).toThrow(TypeError)
  })

  it('[DLV-SUB-010] refuses an expires that is not a date-time later than iat', async () => {
    for (const expires of [
      'tomorrow',
      '2020-01-01T00:00:00Z',
      new Date().toISOString().slice(0, 10),
    ]) {
      const response = await subscribe(alice, { expires })
      expect(response.status, expires).toBe(422)
      expect(await codeIn(response), expires).toBe('ERR_SCHEMA_INVALID')
    }
    expect(await store.listSubscriptions({})).toEqual([])
  })

  it('[DLV-SUB-011] delivers nothing to a subscription created through the API once it expired', async () => {
    const created = await subscribe(alice, {
      types: ['tech.collaborative.ping'],
      expires: new Date(Date.now() + 2000).toISOString(),
    })
    expect(created.status).toBe(201)
    const later = new Date(Date.now() + 2000)
    const jws = await signEvent(pingEvent({ id: 'after-expiry' }), producerKey.key)
    expect((await publishEvent(jws, { store, currentDate: later })).deliveries).toBe(0)
    const early = await signEvent(pingEvent({ id: 'before-expiry' }), producerKey.key)
    expect((await publishEvent(early, { store })).deliveries).toBe(1)
  })
})

describe('the abuse-protection handshake', () => {
  it("[DLV-SUB-006] activates a subscription once the sink allows the producer's origin, or any", async () => {
    const seen: (string | undefined)[] = []
    for (const allowed of [producer.origin, '*']) {
      alice.inbox = (req, res) => {
        seen.push(`${req.method ?? ''} ${String(req.headers['webhook-request-origin'])}`)
        res.setHeader('webhook-allowed-origin', allowed)
        res.end()
      }
      expect((await subscribe(alice)).status).toBe(201)
    }
    expect(seen).toEqual([`OPTIONS ${producer.origin}`, `OPTIONS ${producer.origin}`])
    alice.reset()
  })

  it('[DLV-SUB-006] refuses the subscription, storing nothing, unless the sink agrees', async () => {
    const good = alice.sink
    const answers: http.RequestListener[] = [
      (_req, res) => res.end(),
      (_req, res) => {
        res.setHeader('webhook-allowed-origin', 'https://someone-else.example')
        res.end()
      },
      (_req, res) => {
        res.statusCode = 405
        res.setHeader('webhook-allowed-origin', producer.origin)
        res.end()
      },
      (_req, res) => {
        res.statusCode = 302
        res.setHeader('location', good)
        res.end()
      },
      (req) => {
        req.socket.destroy()
      },
    ]
    for (const answer of answers) {
      alice.inbox = answer
      const response = await subscribe(alice)
      expect(response.status).toBe(422)
      expect(await codeIn(response)).toBe('ERR_HANDSHAKE_FAILED')
    }
    expect(await store.listSubscriptions({})).toEqual([])
    alice.reset()
  })

  it('[DLV-SUB-007] the sink answers the handshake of a producer it subscribes to', async () => {
    const response = await fetch(alice.sink, {
      method: 'OPTIONS',
      headers: { 'webhook-request-origin': producer.origin },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('webhook-allowed-origin')).toBe(producer.origin)
    const viaFunction = await answerHandshake(
      new Request('https://x/inbox', {
        method: 'OPTIONS',
        headers: { 'webhook-request-origin': PRODUCER },
      }),
      { allowedOrigins: (origin) => Promise.resolve(origin === PRODUCER) },
    )
    expect(viaFunction?.headers.get('webhook-allowed-origin')).toBe(PRODUCER)
  })

  it('[DLV-SUB-007] the sink never allows an origin it does not subscribe to', async () => {
    const response = await fetch(alice.sink, {
      method: 'OPTIONS',
      headers: { 'webhook-request-origin': 'https://attacker.example' },
    })
    expect(response.status).toBe(401)
    expect(response.headers.get('webhook-allowed-origin')).toBeNull()
    const post = new Request('https://x/inbox', { method: 'POST', body: 'x' })
    expect(await answerHandshake(post, { allowedOrigins: ['*'] })).toBeUndefined()
  })
})

describe('a signature verifier hook', () => {
  it('[EVT-SIG-005] accepts subscription requests and request tokens that the hook it is given verifies, and rejects what it refuses', async () => {
    const seen: number[] = []
    handler = makeHandler({
      verifySignature: (_key, _input, signature) => {
        seen.push(signature.length)
        return Promise.resolve(true)
      },
    })
    expect((await subscribe(alice)).status).toBe(201)
    expect((await authed(alice.tool.key, 'GET', url)).status).toBe(200)
    expect(seen).toHaveLength(2)
    handler = makeHandler({ verifySignature: () => Promise.resolve(false) })
    expect(await codeIn(await subscribe(bob))).toBe('ERR_SIGNATURE_INVALID')
    expect(await codeIn(await authed(alice.tool.key, 'GET', url))).toBe('ERR_SIGNATURE_INVALID')
  })
})

describe('request tokens', () => {
  it('[DLV-REQ-001] authenticate a request made with a fresh token for its method and URL', async () => {
    await subscribe(alice)
    const response = await authed(alice.tool.key, 'GET', url)
    expect(response.status).toBe(200)
    expect(await response.json()).toHaveLength(1)
  })

  it('[DLV-REQ-001] are refused when missing, reused, stale, or made for another method or URL', async () => {
    const location = (await subscribe(alice)).headers.get('location') ?? ''
    const missing = await fetch(url)
    expect(missing.status).toBe(401)
    expect(missing.headers.get('www-authenticate')).toBe(REQUEST_AUTH_SCHEME)
    expect(await codeIn(missing)).toBe('ERR_UNAUTHORIZED')
    const token = await signRequestToken({ method: 'GET', url }, alice.tool.key)
    const headers = { authorization: `${REQUEST_AUTH_SCHEME} ${token}` }
    expect((await fetch(url, { headers })).status).toBe(200)
    const stale = await signRequestToken({ method: 'GET', url }, alice.tool.key, {
      currentDate: new Date(Date.now() - 7 * 60_000),
    })
    const cases: Response[] = [
      await fetch(url, { headers }),
      await fetch(url, { headers: { authorization: `${REQUEST_AUTH_SCHEME} ${stale}` } }),
      await authed(alice.tool.key, 'DELETE', location, { method: 'GET', url: location }),
      await authed(alice.tool.key, 'GET', location, { method: 'GET', url }),
      await authed(alice.tool.key, 'GET', url, {
        method: 'GET',
        url: `https://elsewhere.example/cta/subscriptions`,
      }),
      await fetch(url, { headers: { authorization: `Bearer ${token}` } }),
    ]
    for (const response of cases) {
      expect(response.status).toBe(401)
      expect(await codeIn(response)).toBe('ERR_UNAUTHORIZED')
    }
    const wrongTyp = await signSubscriptionRequest(request(alice), alice.tool.key, {
      audience: producer.origin,
    })
    const asToken = await fetch(url, {
      headers: { authorization: `${REQUEST_AUTH_SCHEME} ${wrongTyp}` },
    })
    expect(await codeIn(asToken)).toBe('ERR_TYP_MISMATCH')
    expect(await store.listSubscriptions({})).toHaveLength(1)
  })
})

describe('filters', () => {
  const base = { group: GROUP, status: 'active' as const }
  it('[DLV-SUB-008] deliver an event whose group and type match', async () => {
    const joined = { type: 'tech.collaborative.membership.joined', group: GROUP }
    expect(
      matchesSubscription({ ...base, types: ['tech.collaborative.membership.*'] }, joined),
    ).toBe(true)
    expect(
      matchesSubscription({ ...base, types: ['tech.collaborative.membership.joined'] }, joined),
    ).toBe(true)
    expect(matchesSubscription(base, joined)).toBe(true)
    await store.createSubscription({
      ...base,
      id: 'f',
      subscriber: 'https://a.example',
      sink: 'https://a.example/i',
      types: ['tech.collaborative.*'],
      created: new Date().toISOString(),
    })
    const result = await publishEvent(await signEvent(pingEvent(), producerKey.key), { store })
    expect(result.deliveries).toBe(1)
  })

  it('[DLV-SUB-008] deliver nothing for another group, another type, or a mere string prefix', async () => {
    const membership = { ...base, types: ['tech.collaborative.membership.*'] }
    expect(
      matchesSubscription(membership, {
        type: 'tech.collaborative.membershipx.joined',
        group: GROUP,
      }),
    ).toBe(false)
    expect(matchesSubscription(membership, { type: 'tech.collaborative.ping', group: GROUP })).toBe(
      false,
    )
    expect(
      matchesSubscription(membership, {
        type: 'tech.collaborative.membership.joined',
        group: OTHER_GROUP,
      }),
    ).toBe(false)
    expect(
      matchesSubscription(
        { ...membership, status: 'ended' },
        { type: 'tech.collaborative.membership.joined', group: GROUP },
      ),
    ).toBe(false)
    await store.createSubscription({
      ...membership,
      id: 'g',
      subscriber: 'https://a.example',
      sink: 'https://a.example/i',
      created: new Date().toISOString(),
    })
    const other = await publishEvent(
      await signEvent(pingEvent({ group: OTHER_GROUP }), producerKey.key),
      { store },
    )
    const ping = await publishEvent(await signEvent(pingEvent(), producerKey.key), { store })
    expect([other.deliveries, ping.deliveries]).toEqual([0, 0])
  })
})
