import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import {
  createEvent,
  createGroupHandler,
  createGroupRegistry,
  createInbox,
  createInstallationCache,
  createMemoryDedupeStore,
  createMemoryMembershipStore,
  readInstallations,
  signEvent,
  type Event,
  type Group,
  type SourceCheck,
} from '../../src/index.js'
import { createNodeInbox } from '../../node/index.js'
import { loadDocument } from '../helpers/documents.js'
import { NOW, OTHER_SOURCE, SOURCE, joinedEvent, keys } from '../helpers/events.js'

const { key, other, resolveKey } = await keys()
const GROUP_ID = 'https://decisions.example/g/harbour-commons'
const GROUP: Group = {
  '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
  id: GROUP_ID,
  type: 'Group',
  name: 'Harbour Commons',
  authority: SOURCE,
  joinPolicy: 'approval',
  visibility: 'public',
  rosterVisibility: 'members',
  memberships: `${GROUP_ID}/memberships`,
  tools: `${GROUP_ID}/tools`,
}
/** The receiver under test: installed in the group, so the authority shows it the installations. */
const RECEIVER = 'https://dashboard.example'

/** The example member-joined event, emitted by the other tool (not the authority). */
function eventFromOther(): Event {
  const doc = loadDocument('events/membership-joined.json') as { data: Record<string, unknown> }
  return createEvent('tech.collaborative.membership.joined', doc.data as never, {
    source: OTHER_SOURCE,
  })
}

/**
 * A real authority in memory (store, registry, group endpoints) reached through `fetch`, and an
 * inbox whose `speaksFor` is the SDK's installation cache over it. `down` makes the authority
 * answer 503; `clock` moves the cache's time.
 */
async function setUp() {
  const store = createMemoryMembershipStore()
  await store.putGroup(GROUP)
  const registry = createGroupRegistry({ store, source: SOURCE, key, emit: () => undefined })
  await registry.connectTool({
    id: `${GROUP_ID}/tools/dashboard`,
    organization: GROUP_ID,
    tool: RECEIVER,
    scopes: ['cta:roster'],
  })
  const handler = createGroupHandler({
    store,
    authenticate: (request) =>
      request.headers.get('authorization') === 'Bearer receiver-token' ? RECEIVER : undefined,
  })
  const state = { down: false, reads: 0, now: NOW.getTime() }
  const installations = createInstallationCache({
    authority: (group) => (group === GROUP_ID ? GROUP.authority : undefined),
    load: () => {
      state.reads++
      return readInstallations(GROUP, {
        accessToken: 'receiver-token',
        fetch: (url, init) =>
          state.down
            ? Promise.resolve(new Response(null, { status: 503 }))
            : handler(new Request(url, init)),
      })
    },
    now: () => state.now,
  })
  const processed: Event[] = []
  const inbox = createInbox({
    resolveKey,
    currentDate: NOW,
    speaksFor: installations.speaksFor,
    dedupe: createMemoryDedupeStore({ now: () => NOW.getTime() }),
    onEvent: (event) => {
      processed.push(event)
    },
  })
  const post = async (jws: string) => {
    const response = await inbox(
      new Request('https://dashboard.example/cta/inbox', {
        method: 'POST',
        headers: { 'content-type': 'application/jose' },
        body: jws,
      }),
    )
    const body = (await response.json()) as { code?: string }
    return {
      status: response.status,
      code: body.code,
      retryAfter: response.headers.get('retry-after'),
    }
  }
  return { registry, state, processed, post, installations }
}

describe('who may speak for a group, in the inbox', () => {
  it('[EVT-AUTHZ-001] accepts an event from the group’s authority without reading the installations', async () => {
    const { post, state } = await setUp()
    expect((await post(await signEvent(joinedEvent(), key))).status).toBe(202)
    expect(state.reads).toBe(0)
  })

  it('[EVT-AUTHZ-001] accepts an event from a tool with an active installation in the group', async () => {
    const { post, registry, processed } = await setUp()
    await registry.connectTool({
      id: `${GROUP_ID}/tools/intruder`,
      organization: GROUP_ID,
      tool: OTHER_SOURCE,
      scopes: [],
    })
    const event = eventFromOther()
    expect(await post(await signEvent(event, other))).toMatchObject({ status: 202 })
    expect(processed.map((e) => e.id)).toContain(event.id)
  })

  it('[EVT-AUTHZ-001] refuses 403 ERR_NOT_INSTALLED a correctly signed event from a tool the group never installed, and does not remember it', async () => {
    const { post, registry, state, processed } = await setUp()
    const event = eventFromOther()
    const jws = await signEvent(event, other)
    expect(await post(jws)).toMatchObject({ status: 403, code: 'ERR_NOT_INSTALLED' })
    expect(processed).toHaveLength(0)
    // Once the group installs the tool (and the refusal is older than the refetch interval), the
    // same event is new: the refusal was not remembered as an acceptance.
    await registry.connectTool({
      id: `${GROUP_ID}/tools/intruder`,
      organization: GROUP_ID,
      tool: OTHER_SOURCE,
      scopes: [],
    })
    state.now += 61_000
    expect(await post(jws)).toMatchObject({ status: 202 })
    expect(processed.map((e) => e.id)).toEqual([event.id])
  })

  it('[EVT-AUTHZ-001] refuses a tool whose installation was removed, and any group the receiver does not serve', async () => {
    const { post, registry, state } = await setUp()
    await registry.connectTool({
      id: `${GROUP_ID}/tools/intruder`,
      organization: GROUP_ID,
      tool: OTHER_SOURCE,
      scopes: [],
    })
    await registry.disconnectTool(GROUP_ID, OTHER_SOURCE)
    expect(await post(await signEvent(eventFromOther(), other))).toMatchObject({
      status: 403,
      code: 'ERR_NOT_INSTALLED',
    })
    // An event about another group (its authority's own tool included) names no group served here.
    const elsewhere = 'https://elsewhere.example/g/other'
    const doc = loadDocument('events/membership-joined.json') as { data: Record<string, unknown> }
    const foreign = createEvent(
      'tech.collaborative.membership.joined',
      { ...doc.data, audience: elsewhere } as never,
      { source: SOURCE },
    )
    expect(await post(await signEvent(foreign, key))).toMatchObject({
      status: 403,
      code: 'ERR_NOT_INSTALLED',
    })
    expect(state.reads).toBe(1)
  })

  it('[EVT-AUTHZ-004] answers 503 ERR_FETCH_FAILED with Retry-After while the authority cannot be asked, and accepts the retry once it can', async () => {
    const { post, registry, state } = await setUp()
    await registry.connectTool({
      id: `${GROUP_ID}/tools/intruder`,
      organization: GROUP_ID,
      tool: OTHER_SOURCE,
      scopes: [],
    })
    state.down = true
    const jws = await signEvent(eventFromOther(), other)
    const refused = await post(jws)
    expect(refused).toMatchObject({ status: 503, code: 'ERR_FETCH_FAILED' })
    expect(Number(refused.retryAfter)).toBeGreaterThan(0)
    // Inside the refetch interval the authority is not asked again: still 503, never 403.
    expect(await post(jws)).toMatchObject({ status: 503, code: 'ERR_FETCH_FAILED' })
    expect(state.reads).toBe(1)
    state.down = false
    state.now += 60_000
    expect(await post(jws)).toMatchObject({ status: 202 })
    expect(state.reads).toBe(2)
  })

  it('[EVT-AUTHZ-004] answers 503 ERR_FETCH_FAILED when speaksFor throws anything, without its detail', async () => {
    const inbox = createInbox({
      resolveKey,
      currentDate: NOW,
      speaksFor: () => {
        throw new Error('connect ECONNREFUSED 10.0.0.7:443')
      },
      dedupe: createMemoryDedupeStore({ now: () => NOW.getTime() }),
      onEvent: () => undefined,
    })
    const response = await inbox(
      new Request('https://dashboard.example/cta/inbox', {
        method: 'POST',
        headers: { 'content-type': 'application/jose' },
        body: await signEvent(joinedEvent(), key),
      }),
    )
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).not.toBeNull()
    const problem = (await response.json()) as { code: string; detail: string }
    expect(problem.code).toBe('ERR_FETCH_FAILED')
    expect(problem.detail).not.toContain('10.0.0.7')
  })

  it('[EVT-AUTHZ-001] an inbox without speaksFor is refused at creation; any-source is an explicit opt-out', async () => {
    const base = {
      resolveKey,
      currentDate: NOW,
      dedupe: createMemoryDedupeStore({ now: () => NOW.getTime() }),
      onEvent: () => undefined,
    }
    expect(() => createInbox(base as never)).toThrow(TypeError)
    expect(() => createInbox({ ...base, speaksFor: 'anyone' as unknown as SourceCheck })).toThrow(
      TypeError,
    )
    const open = createInbox({ ...base, speaksFor: 'any-source' })
    const response = await open(
      new Request('https://dashboard.example/cta/inbox', {
        method: 'POST',
        headers: { 'content-type': 'application/jose' },
        body: await signEvent(eventFromOther(), other),
      }),
    )
    expect(response.status).toBe(202)
  })

  it('[EVT-AUTHZ-001] createNodeInbox refuses a tool the group never installed with 403 ERR_NOT_INSTALLED too', async () => {
    const { installations } = await setUp()
    const server = http.createServer(
      createNodeInbox({
        resolveKey,
        currentDate: NOW,
        speaksFor: installations.speaksFor,
        dedupe: createMemoryDedupeStore({ now: () => NOW.getTime() }),
        onEvent: () => undefined,
      }),
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cta/inbox`
      const post = (jws: string) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: jws })
      const refused = await post(await signEvent(eventFromOther(), other))
      expect(refused.status).toBe(403)
      expect(((await refused.json()) as { code: string }).code).toBe('ERR_NOT_INSTALLED')
      expect((await post(await signEvent(joinedEvent(), key))).status).toBe(202)
    } finally {
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve()
        }),
      )
    }
  })
})
