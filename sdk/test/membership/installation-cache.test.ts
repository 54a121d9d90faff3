import { describe, expect, it } from 'vitest'
import {
  createGroupHandler,
  createGroupRegistry,
  createInstallationCache,
  createMemoryMembershipStore,
  generateSigningKey,
  readInstallations,
  type Event,
  type Group,
  type ReadInstallationsOptions,
} from '../../src/index.js'
import { codeOf } from '../helpers/code-of.js'

const AUTHORITY = 'https://decisions.example'
const RECEIVER = 'https://dashboard.example'
const BUDGETING = 'https://budgeting.example'
const STRANGER = 'https://stranger.example'
const group = (slug: string): Group => ({
  '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
  id: `${AUTHORITY}/g/${slug}`,
  type: 'Group',
  name: slug,
  authority: AUTHORITY,
  joinPolicy: 'approval',
  visibility: 'public',
  rosterVisibility: 'members',
  memberships: `${AUTHORITY}/g/${slug}/memberships`,
  tools: `${AUTHORITY}/g/${slug}/tools`,
})
const GROUP = group('harbour-commons')
const must = <T>(value: T | undefined): T => {
  if (value === undefined) throw new Error('missing')
  return value
}
const key = await generateSigningKey({ origin: AUTHORITY })

/** A real authority in memory; its group endpoints are the receiver's `fetch`. */
async function authority() {
  const store = createMemoryMembershipStore()
  await store.putGroup(GROUP)
  await store.putGroup(group('other'))
  const emitted: Event[] = []
  const registry = createGroupRegistry({
    store,
    source: AUTHORITY,
    key,
    emit: (_jws, event) => {
      emitted.push(event)
    },
  })
  await registry.connectTool({
    id: `${GROUP.id}/tools/dashboard`,
    organization: GROUP.id,
    tool: RECEIVER,
    scopes: ['cta:roster'],
  })
  const handler = createGroupHandler({
    store,
    authenticate: (request) =>
      request.headers.get('authorization') === 'Bearer receiver-token' ? RECEIVER : undefined,
  })
  const state = { down: false, reads: 0, now: Date.parse('2026-08-20T09:00:00Z') }
  const options: ReadInstallationsOptions = {
    accessToken: 'receiver-token',
    fetch: (url, init) =>
      state.down
        ? Promise.resolve(new Response('{}', { status: 502 }))
        : handler(new Request(url, init)),
  }
  const cache = createInstallationCache({
    authority: (g) => (g === GROUP.id ? GROUP.authority : undefined),
    load: () => {
      state.reads++
      return readInstallations(GROUP, options)
    },
    now: () => state.now,
  })
  const connect = (tool: string) =>
    registry.connectTool({
      id: `${GROUP.id}/tools/${new URL(tool).hostname}`,
      organization: GROUP.id,
      tool,
      scopes: [],
    })
  return { store, registry, handler, options, cache, state, emitted, connect }
}

describe('readInstallations', () => {
  it('[EVT-AUTHZ-002] reads the group’s tools collection from the authority with the tool’s cta:roster token', async () => {
    const { options, connect, registry } = await authority()
    await connect(BUDGETING)
    await connect(STRANGER)
    await registry.disconnectTool(GROUP.id, STRANGER)
    expect(await readInstallations(GROUP, options)).toEqual([
      { tool: RECEIVER, installationStatus: 'active' },
      { tool: BUDGETING, installationStatus: 'active' },
      { tool: STRANGER, installationStatus: 'removed' },
    ])
  })

  it('[EVT-AUTHZ-002] passes on the authority’s refusals, and refuses a collection that lists another group’s installation', async () => {
    const { options, handler } = await authority()
    expect(await codeOf(readInstallations(GROUP, { ...options, accessToken: 'wrong' }))).toBe(
      'ERR_UNAUTHORIZED',
    )
    // The receiver is not installed in the other group: the authority refuses it the list.
    expect(await codeOf(readInstallations(group('other'), options))).toBe('ERR_NOT_INSTALLED')
    const lying = async (url: string | URL | Request, init?: RequestInit) => {
      const body = (await (await handler(new Request(url, init))).json()) as {
        orderedItems: Record<string, unknown>[]
      }
      body.orderedItems.push({ ...body.orderedItems[0], organization: group('other').id })
      return Response.json(body)
    }
    expect(await codeOf(readInstallations(GROUP, { ...options, fetch: lying }))).toBe(
      'ERR_GROUP_MISMATCH',
    )
    const notACollection = () => Promise.resolve(Response.json({ type: 'Collection', items: [] }))
    expect(await codeOf(readInstallations(GROUP, { ...options, fetch: notACollection }))).toBe(
      'ERR_SCHEMA_INVALID',
    )
    // The outbound guard: a loopback, plain-HTTP `tools` URL is not fetched.
    expect(
      await codeOf(readInstallations({ ...GROUP, tools: 'http://127.0.0.1/g/x/tools' }, options)),
    ).toBe('ERR_ADDRESS_NOT_ALLOWED')
  })
})

describe('createInstallationCache', () => {
  it('[EVT-AUTHZ-001] answers true for the authority and installed tools, false for others and for groups it does not serve', async () => {
    const { cache, connect, state } = await authority()
    await connect(BUDGETING)
    expect(await cache.speaksFor(GROUP.id, AUTHORITY)).toBe(true)
    expect(state.reads).toBe(0)
    expect(await cache.speaksFor(GROUP.id, BUDGETING)).toBe(true)
    expect(await cache.speaksFor(GROUP.id, STRANGER)).toBe(false)
    expect(await cache.speaksFor(group('other').id, AUTHORITY)).toBe(false)
    expect(state.reads).toBe(1)
  })

  it('[EVT-AUTHZ-003] reads one group’s collection at most once per 60 seconds, however many tools that are not installed ask', async () => {
    const { cache, state } = await authority()
    const asks = await Promise.all(
      Array.from({ length: 50 }, (_, i) => cache.speaksFor(GROUP.id, `https://t${i}.example`)),
    )
    expect(asks.every((a) => !a)).toBe(true)
    state.now += 59_000
    expect(await cache.speaksFor(GROUP.id, STRANGER)).toBe(false)
    expect(state.reads).toBe(1)
    state.now += 2_000
    expect(await cache.speaksFor(GROUP.id, STRANGER)).toBe(false)
    expect(state.reads).toBe(2)
  })

  it('[EVT-AUTHZ-003] refuses only on a copy read within 60 seconds: a tool installed since is accepted once that copy is older', async () => {
    const { cache, state, connect } = await authority()
    expect(await cache.speaksFor(GROUP.id, BUDGETING)).toBe(false)
    await connect(BUDGETING)
    state.now += 30_000
    expect(await cache.speaksFor(GROUP.id, BUDGETING)).toBe(false)
    state.now += 31_000
    expect(await cache.speaksFor(GROUP.id, BUDGETING)).toBe(true)
  })

  it('[EVT-AUTHZ-003] does not accept on an installation read more than 300 seconds ago: it reads again', async () => {
    const { cache, state, connect, store } = await authority()
    await connect(BUDGETING)
    expect(await cache.speaksFor(GROUP.id, BUDGETING)).toBe(true)
    // Removed at the authority without an event reaching the receiver.
    const installation = await store.getInstallation(GROUP.id, BUDGETING)
    await store.putInstallation({ ...must(installation), installationStatus: 'suspended' })
    state.now += 300_000
    expect(await cache.speaksFor(GROUP.id, BUDGETING)).toBe(true)
    expect(state.reads).toBe(1)
    state.now += 1_000
    expect(await cache.speaksFor(GROUP.id, BUDGETING)).toBe(false)
    expect(state.reads).toBe(2)
  })

  it('[EVT-AUTHZ-002] takes group.tool.connected and .disconnected from the authority at once, and ignores them from any other source', async () => {
    const { cache, state, connect, registry, emitted } = await authority()
    expect(await cache.speaksFor(GROUP.id, BUDGETING)).toBe(false)
    await connect(BUDGETING)
    const connected = must(emitted.at(-1))
    // The same announcement relayed under another tool's name changes nothing.
    await cache.onEvent({ ...connected, source: STRANGER })
    expect(await cache.speaksFor(GROUP.id, BUDGETING)).toBe(false)
    await cache.onEvent(connected)
    expect(await cache.speaksFor(GROUP.id, BUDGETING)).toBe(true)
    await registry.disconnectTool(GROUP.id, BUDGETING)
    await cache.onEvent(must(emitted.at(-1)))
    expect(await cache.speaksFor(GROUP.id, BUDGETING)).toBe(false)
    // A late copy of the older connected event does not undo the newer disconnection.
    await cache.onEvent(connected)
    expect(await cache.speaksFor(GROUP.id, BUDGETING)).toBe(false)
    expect(state.reads).toBe(1)
  })

  it('[EVT-AUTHZ-004] throws ERR_FETCH_FAILED while the collection cannot be read, without asking again inside 60 seconds', async () => {
    const { cache, state, connect } = await authority()
    await connect(BUDGETING)
    state.down = true
    expect(await codeOf(cache.speaksFor(GROUP.id, BUDGETING))).toBe('ERR_FETCH_FAILED')
    state.now += 10_000
    expect(await codeOf(cache.speaksFor(GROUP.id, STRANGER))).toBe('ERR_FETCH_FAILED')
    expect(state.reads).toBe(1)
    // The authority itself still speaks for its group.
    expect(await cache.speaksFor(GROUP.id, AUTHORITY)).toBe(true)
    state.down = false
    state.now += 50_000
    expect(await cache.speaksFor(GROUP.id, BUDGETING)).toBe(true)
    expect(state.reads).toBe(2)
  })

  it('refuses bounds that cannot hold', () => {
    const base = { authority: () => AUTHORITY, load: () => Promise.resolve([]) }
    expect(() => createInstallationCache({ ...base, maxAge: 0 })).toThrow(TypeError)
    expect(() => createInstallationCache({ ...base, maxAge: 30, refetchInterval: 60 })).toThrow(
      TypeError,
    )
  })
})
