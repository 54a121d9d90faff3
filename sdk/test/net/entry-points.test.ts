// Every SDK function that calls a URL a peer supplied, given Node's safe fetch: a host name that
// resolves to loopback is refused with ERR_ADDRESS_NOT_ALLOWED, and the listener behind it never
// sees a connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createMemoryDedupeStore,
  deliverEvent,
  discoverAuthority,
  pullEvents,
  syncRoster,
  verifySinkHandshake,
  type Group,
} from '../../src/index.js'
import { createSafeFetch } from '../../node/index.js'
import { codeOf } from '../helpers/code-of.js'
import { loadDocument } from '../helpers/documents.js'
import { listen, lookupOf, type Listener } from './loopback.js'

let internal: Listener
let base = ''
const fetch = createSafeFetch({
  lookup: lookupOf({ 'internal.test': [{ address: '127.0.0.1', family: 4 }] }),
})
beforeAll(async () => {
  internal = await listen()
  base = `http://internal.test:${internal.port}`
})
afterAll(() => internal.close())

describe('every outbound call, with the safe fetch', () => {
  it('[SEC-SSRF-001] refuses a host name that resolves to loopback in deliveries, handshakes, pulls, rosters and discovery, without connecting', async () => {
    const policy = { allowHttp: true, fetch } as const
    expect(await deliverEvent('a.b.c', `${base}/inbox`, policy)).toMatchObject({
      outcome: 'failed',
      code: 'ERR_ADDRESS_NOT_ALLOWED',
    })
    expect(
      await codeOf(
        verifySinkHandshake(`${base}/inbox`, { ...policy, origin: 'https://p.example' }),
      ),
    ).toBe('ERR_ADDRESS_NOT_ALLOWED')
    expect(
      await codeOf(
        pullEvents(`${base}/cta/feed`, {
          ...policy,
          group: `${base}/g/1`,
          resolveKey: () => undefined,
          dedupe: createMemoryDedupeStore(),
          onEvent: () => undefined,
        }),
      ),
    ).toBe('ERR_ADDRESS_NOT_ALLOWED')
    const group = {
      ...(loadDocument('group.json') as Group),
      id: `${base}/g/1`,
      authority: base,
      memberships: `${base}/g/1/memberships`,
    } as Group
    expect(await codeOf(syncRoster(group, policy))).toBe('ERR_ADDRESS_NOT_ALLOWED')
    expect(await codeOf(discoverAuthority(`${base}/g/1`, { ...policy, clientId: 'x' }))).toBe(
      'ERR_ADDRESS_NOT_ALLOWED',
    )
    expect(await codeOf(discoverAuthority(group, { ...policy, clientId: 'x' }))).toBe(
      'ERR_ADDRESS_NOT_ALLOWED',
    )
    expect(internal.connections()).toBe(0)
  })
})
