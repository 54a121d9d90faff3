// Where a receiver may fetch keys from: trusted origins only, the JWKS on the manifest's origin,
// failures remembered. Real listeners on loopback count every connection they accept.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  TOOL_MANIFEST_PATH,
  createManifestResolver,
  createMemoryDedupeStore,
  createToolManifest,
  generateSigningKey,
  toJwks,
  verifyEvent,
  type SigningKey,
} from '../../src/index.js'
import { createNodeInbox, createSafeFetch } from '../../node/index.js'
import { codeOf } from '../helpers/code-of.js'
import { startToolServer, type ToolServer } from '../helpers/tool-server.js'
import { listen, lookupOf, type Listener } from './loopback.js'

const LOCAL = { allowHttp: true, allowPrivateNetwork: true } as const
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
/** An unsigned event with a chosen `kid`: the key lookup happens before any signature check. */
const unsigned = (kid: string) =>
  `${b64({ alg: 'EdDSA', kid, typ: 'cta-event+jws' })}.${b64({})}.${Buffer.alloc(64).toString('base64url')}`

let tool: ToolServer
let internal: Listener
beforeAll(async () => {
  tool = await startToolServer()
  internal = await listen()
})
afterAll(async () => {
  await tool.close()
  await internal.close()
})

describe('trusted sources', () => {
  it('[SEC-SSRF-004] refuses to create a key resolver without trustedSources unless any source is allowed explicitly', () => {
    expect(() => createManifestResolver(LOCAL)).toThrow(/trustedSources/)
    expect(() => createManifestResolver({ ...LOCAL, allowAnySource: true })).not.toThrow()
  })

  it('[SEC-SSRF-004] rejects a kid of an untrusted origin without any request, and accepts a trusted one (list or check)', async () => {
    const before = internal.connections()
    const kid = `http://127.0.0.1:${internal.port}#k1`
    for (const trustedSources of [
      [tool.origin],
      (o: string) => Promise.resolve(o === tool.origin),
    ]) {
      const resolver = createManifestResolver({ ...LOCAL, trustedSources })
      expect(await resolver.resolveKey(kid)).toBeUndefined()
      expect(await codeOf(verifyEvent(unsigned(kid), { resolveKey: resolver.resolveKey }))).toBe(
        'ERR_KEY_UNRESOLVED',
      )
      expect(await resolver.resolveKey(tool.key.kid)).toMatchObject({ source: tool.origin })
    }
    expect(internal.connections() - before).toBe(0)
  })
})

describe('an inbox in Node, with the safe fetch', () => {
  const servers: http.Server[] = []
  afterAll(async () => {
    for (const s of servers) await new Promise((resolve) => s.close(resolve))
  })
  async function inboxWith(resolveKey: Parameters<typeof createNodeInbox>[0]['resolveKey']) {
    const server = http.createServer(
      createNodeInbox({
        resolveKey,
        speaksFor: 'any-source',
        dedupe: createMemoryDedupeStore(),
        onEvent: () => undefined,
      }),
    )
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/inbox`
    return async (kid: string): Promise<{ status: number; code: string }> => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/jose' },
        body: unsigned(kid),
      })
      return { status: response.status, code: ((await response.json()) as { code: string }).code }
    }
  }

  it('[SEC-SSRF-001] [SEC-SSRF-002] refuses, without connecting, an unauthenticated event whose kid names an internal host', async () => {
    // `internal.test` resolves to 127.0.0.1, like a name in /etc/hosts or an attacker's DNS.
    const lookup = lookupOf({ 'internal.test': [{ address: '127.0.0.1', family: 4 }] })
    const post = await inboxWith(
      createManifestResolver({
        allowHttp: true,
        allowAnySource: true,
        fetch: createSafeFetch({ lookup }),
      }).resolveKey,
    )
    const before = internal.connections()
    for (const host of ['internal.test', '127.0.0.1', 'localhost.', '[::ffff:7f00:1]']) {
      expect(await post(`http://${host}:${internal.port}#k1`), host).toEqual({
        status: 422,
        code: 'ERR_ADDRESS_NOT_ALLOWED',
      })
    }
    expect(internal.connections() - before).toBe(0)
  })

  it('[SEC-SSRF-004] rejects an event whose kid names an origin that is not trusted, without a request', async () => {
    const post = await inboxWith(
      createManifestResolver({
        allowHttp: true,
        trustedSources: [tool.origin],
        fetch: createSafeFetch({ allowPrivateNetwork: true }),
      }).resolveKey,
    )
    const before = internal.connections()
    expect((await post(`http://127.0.0.1:${internal.port}#k1`)).code).toBe('ERR_KEY_UNRESOLVED')
    expect(internal.connections() - before).toBe(0)
  })
})

describe('failed origins', () => {
  it('[SEC-SSRF-005] remembers a failed origin: 200 events naming it cause one fetch within failureTtl, then one more', async () => {
    const victim = await listen((_req, res) => {
      res.statusCode = 404
      res.end()
    })
    let t = 1_000_000
    const resolver = createManifestResolver({ ...LOCAL, allowAnySource: true, now: () => t })
    const origin = `http://127.0.0.1:${victim.port}`
    const codes = new Set<string>()
    for (let i = 0; i < 200; i++) {
      codes.add(
        await codeOf(verifyEvent(unsigned(`${origin}#k${i}`), { resolveKey: resolver.resolveKey })),
      )
    }
    expect([...codes]).toEqual(['ERR_FETCH_FAILED'])
    expect(victim.requests).toEqual([`GET ${TOOL_MANIFEST_PATH}`])
    t += 29_000
    expect(await codeOf(Promise.resolve(resolver.resolveKey(`${origin}#x`)))).toBe(
      'ERR_FETCH_FAILED',
    )
    expect(victim.requests).toHaveLength(1)
    t += 2_000 // past the default failureTtl of 30 s
    expect(await codeOf(Promise.resolve(resolver.resolveKey(`${origin}#y`)))).toBe(
      'ERR_FETCH_FAILED',
    )
    expect(victim.requests).toHaveLength(2)
    await victim.close()
  })

  it('[SEC-SSRF-005] accepts a tool again once it recovers after failureTtl, and rejects an unbounded failureTtl', async () => {
    let up = false
    const published: SigningKey[] = []
    let origin = ''
    const flaky = await listen((req, res) => {
      if (!up) {
        res.statusCode = 503
        res.end()
        return
      }
      res.setHeader('content-type', 'application/json')
      if (req.url === '/jwks') res.end(JSON.stringify(toJwks(published)))
      else
        res.end(
          JSON.stringify(
            createToolManifest({ id: origin, name: 'Flaky', jwks_uri: `${origin}/jwks` }),
          ),
        )
    })
    origin = `http://127.0.0.1:${flaky.port}`
    const signing = await generateSigningKey({ origin })
    published.push(signing)
    let t = 0
    const resolver = createManifestResolver({
      ...LOCAL,
      allowAnySource: true,
      failureTtl: 5,
      now: () => t,
    })
    expect(await codeOf(Promise.resolve(resolver.resolveKey(`${origin}#k`)))).toBe(
      'ERR_FETCH_FAILED',
    )
    up = true
    expect(await codeOf(Promise.resolve(resolver.resolveKey(`${origin}#k`)))).toBe(
      'ERR_FETCH_FAILED',
    )
    t += 5_000 // failureTtl has passed, but one origin is fetched at most once per 10 s
    expect(await codeOf(Promise.resolve(resolver.resolveKey(signing.kid)))).toBe('ERR_FETCH_FAILED')
    t += 5_000
    expect(await resolver.resolveKey(signing.kid)).toMatchObject({ source: origin })
    for (const failureTtl of [0, 301, Number.NaN]) {
      expect(() => createManifestResolver({ ...LOCAL, allowAnySource: true, failureTtl })).toThrow(
        /failureTtl/,
      )
    }
    await flaky.close()
  })
})

describe('the key set of a manifest', () => {
  it('[SEC-SSRF-006] rejects a manifest whose jwks_uri is on another origin, without fetching it', async () => {
    const published: SigningKey[] = []
    const keys = await listen((_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(toJwks(published)))
    })
    let origin = ''
    const manifests = await listen((_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(
        JSON.stringify(
          createToolManifest({
            id: origin,
            name: 'Pointer',
            jwks_uri: `http://127.0.0.1:${keys.port}/jwks`,
          }),
        ),
      )
    })
    origin = `http://127.0.0.1:${manifests.port}`
    published.push(await generateSigningKey({ origin }))
    const resolver = createManifestResolver({ ...LOCAL, allowAnySource: true })
    expect(await codeOf(Promise.resolve(resolver.resolveKey(`${origin}#k`)))).toBe(
      'ERR_MANIFEST_INVALID',
    )
    expect(keys.connections()).toBe(0)
    await keys.close()
    await manifests.close()
  })

  it('[SEC-SSRF-006] accepts a manifest whose jwks_uri is on its own origin', async () => {
    const resolver = createManifestResolver({ ...LOCAL, trustedSources: [tool.origin] })
    expect(await resolver.resolveKey(tool.key.kid)).toMatchObject({ source: tool.origin })
    expect(new URL((await resolver.manifest(tool.origin)).jwks_uri).origin).toBe(tool.origin)
  })
})
