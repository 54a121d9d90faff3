// The URL guard that runs before any request, and the address classification behind it.
import { describe, expect, it } from 'vitest'
import {
  createDeliveryWorker,
  createManifestResolver,
  createMemoryDedupeStore,
  createMemoryDeliveryStore,
  createSubscriptionsHandler,
  deliverEvent,
  isNonPublicAddress,
  pullEvents,
  syncRoster,
  verifySinkHandshake,
} from '../../src/index.js'

/** The caller error of a missing fetch (a `TypeError`, which has no code). */
const NO_FETCH = /createSafeFetch/

/** A fetch that records what it was asked and sends nothing. */
function recorder() {
  const calls: string[] = []
  const fetch = ((input: string | URL | Request) => {
    calls.push(input instanceof Request ? input.url : String(input))
    return Promise.reject(new Error('recorded, not sent'))
  }) as typeof globalThis.fetch
  return { calls, fetch }
}

async function guardCode(url: string): Promise<{ code?: string; calls: string[] }> {
  const { calls, fetch } = recorder()
  const attempt = await deliverEvent('a.b.c', url, { allowHttp: true, fetch })
  return { ...(attempt.code === undefined ? {} : { code: attempt.code }), calls }
}

describe('the outbound URL guard', () => {
  it.each([
    'http://localhost.:8080/',
    'http://LOCALHOST.:8080/',
    'http://localhost..:8080/',
    'http://a.localhost.:8080/',
    'https://x.y.localhost./inbox',
  ])('[SEC-SSRF-002] refuses %s (trailing dot) before any request', async (url) => {
    expect(await guardCode(url)).toEqual({ code: 'ERR_ADDRESS_NOT_ALLOWED', calls: [] })
  })

  it.each([
    'http://[::ffff:0:127.0.0.1]:8080/',
    'http://[::ffff:0:7f00:1]:8080/',
    'http://[::ffff:7f00:1]:8080/',
    'http://[2002:7f00:1::1]:8080/',
    'http://[2002:a00:1::1]:8080/',
    'http://[2002:a9fe:a9fe::1]/latest/meta-data',
    'http://[64:ff9b::7f00:1]:8080/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[64:ff9b:1::7f00:1]:8080/',
    'http://[::127.0.0.1]:8080/',
    'http://[2001::1]/',
    'http://[100::1]/',
    'http://[3fff::1]/',
  ])('[SEC-SSRF-003] refuses the IPv6 literal %s before any request', async (url) => {
    expect(await guardCode(url)).toEqual({ code: 'ERR_ADDRESS_NOT_ALLOWED', calls: [] })
  })

  it('[SEC-SSRF-002] sends a request for a public name and a public address literal', async () => {
    for (const url of [
      'http://sink.example./inbox',
      'http://[2606:4700::1111]/',
      'http://8.8.8.8/',
    ]) {
      const { calls } = await guardCode(url)
      expect(calls, url).toHaveLength(1)
    }
  })
})

describe('isNonPublicAddress', () => {
  it.each([
    '::ffff:0:127.0.0.1',
    '::ffff:0:10.0.0.1',
    '::ffff:0:7f00:1',
    '2002:7f00:1::1',
    '2002:c0a8:101::1',
    '2002:6440:1::1',
    '64:ff9b::127.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b:1::8.8.8.8',
    '2001::1',
    '2001:2::1',
    '2001:10::1',
    '3fff::1',
    '100::1',
    '::8.8.8.8',
    '192.88.99.1',
    'fe80::1%eth0',
    '[fe80::1%25lo]',
  ])('[SEC-SSRF-003] refuses %s', (address) => {
    expect(isNonPublicAddress(address)).toBe(true)
  })

  it.each([
    '::ffff:8.8.8.8',
    '::ffff:0:8.8.8.8',
    '2002:808:808::1',
    '64:ff9b::8.8.8.8',
    '2606:4700::1111',
    '2a00:1450:4001::200e',
    '2001:4860::8888',
  ])('[SEC-SSRF-003] accepts %s (public, or carrying a public IPv4 address)', (address) => {
    expect(isNonPublicAddress(address)).toBe(false)
  })
})

describe('a fetch that checks resolved addresses', () => {
  it('[SEC-SSRF-001] refuses to request a peer URL without a fetch unless private networks are allowed', async () => {
    const sink = 'https://sink.example/inbox'
    await expect(deliverEvent('a.b.c', sink, {})).rejects.toThrow(NO_FETCH)
    await expect(verifySinkHandshake(sink, { origin: 'https://p.example' })).rejects.toThrow(
      NO_FETCH,
    )
    await expect(
      pullEvents('https://feed.example/cta/feed', {
        group: 'https://feed.example/g/1',
        resolveKey: () => undefined,
        dedupe: createMemoryDedupeStore(),
        onEvent: () => undefined,
      }),
    ).rejects.toThrow(NO_FETCH)
    await expect(
      syncRoster({
        id: 'https://authority.example/g/1',
        memberships: 'https://authority.example/g/1/memberships',
      } as never),
    ).rejects.toThrow(NO_FETCH)
    expect(() => createManifestResolver({ allowAnySource: true })).toThrow(NO_FETCH)
    expect(() => createDeliveryWorker({ store: createMemoryDeliveryStore() })).toThrow(NO_FETCH)
    expect(() =>
      createSubscriptionsHandler({
        url: 'https://p.example/cta/subscriptions',
        store: createMemoryDeliveryStore(),
        resolveKey: () => undefined,
        isInstalled: () => true,
      }),
    ).toThrow(NO_FETCH)
  })

  it('[SEC-SSRF-001] accepts the global fetch only when private networks are allowed explicitly', () => {
    expect(() =>
      createManifestResolver({ allowAnySource: true, allowPrivateNetwork: true }),
    ).not.toThrow()
    expect(() =>
      createDeliveryWorker({ store: createMemoryDeliveryStore(), allowPrivateNetwork: true }),
    ).not.toThrow()
    expect(() =>
      createManifestResolver({ allowAnySource: true, fetch: recorder().fetch }),
    ).not.toThrow()
  })
})
