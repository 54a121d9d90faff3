import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createEvent,
  createManifestResolver,
  createToolManifest,
  generateSigningKey,
  isNonPublicAddress,
  signEvent,
  verifyEvent,
} from '../../src/index.js'
import { createSafeFetch } from '../../node/index.js'
import { loadDocument } from '../helpers/documents.js'
import { startToolServer, type ToolServer } from '../helpers/tool-server.js'
import { codeOf } from '../helpers/code-of.js'

const local = { allowPrivateNetwork: true, allowHttp: true, allowAnySource: true } as const

function eventFrom(origin: string) {
  const doc = loadDocument('events/membership-joined.json') as { data: Record<string, unknown> }
  return createEvent('tech.collaborative.membership.joined', doc.data as never, {
    source: origin,
    time: new Date().toISOString(),
  })
}

describe('createManifestResolver, against a real tool on loopback', () => {
  let tool: ToolServer
  beforeAll(async () => {
    tool = await startToolServer()
  })
  afterAll(() => tool.close())

  it('[EVT-KEY-001] [EVT-KEY-002] [EVT-KEY-004] [EVT-SRC-001] accepts an event whose key is found through the manifest of its source', async () => {
    const resolver = createManifestResolver(local)
    const jws = await signEvent(eventFrom(tool.origin), tool.key)
    const { event } = await verifyEvent(jws, { resolveKey: resolver.resolveKey })
    expect(event.source).toBe(tool.origin)
    expect((await resolver.manifest(tool.origin)).jwks_uri).toBe(`${tool.origin}/jwks.json`)
  })

  it('[EVT-KEY-003] caches the manifest and keys', async () => {
    const resolver = createManifestResolver(local)
    const before = tool.hits.get('/.well-known/cta-tool') ?? 0
    for (let i = 0; i < 5; i++) await resolver.resolveKey(tool.key.kid)
    expect((tool.hits.get('/.well-known/cta-tool') ?? 0) - before).toBe(1)
  })

  it('[EVT-KEY-006] [EVT-KEY-008] refetches keys for an unknown kid at most once per interval (rotation without a flood), answering "retry" meanwhile', async () => {
    let t = 0
    const resolver = createManifestResolver({ ...local, refetchInterval: 60, now: () => t })
    await resolver.resolveKey(tool.key.kid)
    const before = tool.hits.get('/jwks.json') ?? 0
    for (let i = 0; i < 50; i++) {
      await expect(
        Promise.resolve(resolver.resolveKey(`${tool.origin}#nope-${i}`)),
      ).rejects.toMatchObject({ code: 'ERR_FETCH_FAILED' })
    }
    expect((tool.hits.get('/jwks.json') ?? 0) - before).toBe(0)
    // A rotated key appears after the interval.
    const next = await generateSigningKey({ origin: tool.origin })
    tool.setKeys([tool.key, next])
    t += 61_000
    expect(await resolver.resolveKey(next.kid)).toMatchObject({ source: tool.origin, alg: 'EdDSA' })
    expect((tool.hits.get('/jwks.json') ?? 0) - before).toBe(1)
    tool.setKeys([tool.key])
  })

  it('[EVT-KEY-002] rejects a kid that is not <origin>#<id>, or from an untrusted origin', async () => {
    const resolver = createManifestResolver({
      ...local,
      trustedSources: ['https://decisions.example'],
    })
    expect(await resolver.resolveKey(tool.key.kid)).toBeUndefined()
    const open = createManifestResolver(local)
    expect(await open.resolveKey('plain-kid')).toBeUndefined()
    expect(await open.resolveKey(`${tool.origin}/path#x`)).toBeUndefined()
  })

  it('[SEC-SSRF-001] rejects loopback addresses and plain http unless allowed, before any request', async () => {
    const before = tool.hits.get('/.well-known/cta-tool') ?? 0
    const strict = createManifestResolver({
      allowHttp: true,
      allowAnySource: true,
      fetch: createSafeFetch(),
    })
    expect(await codeOf(Promise.resolve(strict.resolveKey(tool.key.kid)))).toBe(
      'ERR_ADDRESS_NOT_ALLOWED',
    )
    expect(tool.hits.get('/.well-known/cta-tool') ?? 0).toBe(before)
    const https = createManifestResolver({ allowPrivateNetwork: true, allowAnySource: true })
    expect(await codeOf(Promise.resolve(https.resolveKey(tool.key.kid)))).toBe(
      'ERR_ADDRESS_NOT_ALLOWED',
    )
  })
})

describe('hostile tool servers', () => {
  const servers: http.Server[] = []
  async function serve(listener: http.RequestListener): Promise<string> {
    const server = http.createServer(listener)
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }
  afterAll(async () => {
    for (const s of servers) await new Promise((resolve) => s.close(resolve))
  })

  it('[SEC-SSRF-001] rejects an oversized manifest without reading all of it', async () => {
    const origin = await serve((_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(`{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`)
    })
    const resolver = createManifestResolver(local)
    expect(await codeOf(Promise.resolve(resolver.resolveKey(`${origin}#k`)))).toBe('ERR_TOO_LARGE')
  })

  it('[SEC-SSRF-001] rejects a redirect instead of following it', async () => {
    const origin = await serve((_req, res) => {
      res.statusCode = 302
      res.setHeader('location', 'http://169.254.169.254/latest/meta-data')
      res.end()
    })
    expect(
      await codeOf(Promise.resolve(createManifestResolver(local).resolveKey(`${origin}#k`))),
    ).toBe('ERR_FETCH_FAILED')
  })

  it('[SEC-SSRF-001] rejects a server that never answers, after the timeout', async () => {
    const origin = await serve(() => undefined)
    const resolver = createManifestResolver({ ...local, timeout: 200 })
    expect(await codeOf(Promise.resolve(resolver.resolveKey(`${origin}#k`)))).toBe(
      'ERR_FETCH_FAILED',
    )
  })

  it("[EVT-KEY-004] rejects a manifest whose id is another tool's origin", async () => {
    let origin = ''
    origin = await serve((_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(
        JSON.stringify(
          createToolManifest({
            id: 'https://decisions.example',
            name: 'Impostor',
            jwks_uri: `${origin}/jwks`,
          }),
        ),
      )
    })
    expect(
      await codeOf(Promise.resolve(createManifestResolver(local).resolveKey(`${origin}#k`))),
    ).toBe('ERR_MANIFEST_INVALID')
  })

  it('[EVT-KEY-002] rejects private keys and keys for other algorithms in a JWKS', async () => {
    const key = await generateSigningKey({ extractable: true })
    const { exportJWK } = await import('jose')
    const privateJwk = { ...(await exportJWK(key.privateKey)), kid: 'x', alg: 'EdDSA' }
    let origin = ''
    origin = await serve((req, res) => {
      res.setHeader('content-type', 'application/json')
      if (req.url === '/jwks') {
        res.end(
          JSON.stringify({
            keys: [
              { ...privateJwk, kid: `${origin}#private` },
              { kty: 'oct', k: 'c2VjcmV0', kid: `${origin}#hmac`, alg: 'HS256' },
            ],
          }),
        )
      } else {
        res.end(
          JSON.stringify(
            createToolManifest({ id: origin, name: 'Leaky', jwks_uri: `${origin}/jwks` }),
          ),
        )
      }
    })
    // One resolver each: a second kid within the refetch interval is "retry", not "unresolved".
    expect(await createManifestResolver(local).resolveKey(`${origin}#private`)).toBeUndefined()
    expect(await createManifestResolver(local).resolveKey(`${origin}#hmac`)).toBeUndefined()
  })
})

describe('createSafeFetch (Node)', () => {
  it('[SEC-SSRF-001] rejects a host name that resolves to loopback, and accepts it when allowed', async () => {
    const tool = await startToolServer()
    const port = new URL(tool.origin).port
    const strict = createSafeFetch()
    await expect(strict(`http://localhost:${port}/.well-known/cta-tool`)).rejects.toMatchObject({
      code: 'ERR_ADDRESS_NOT_ALLOWED',
    })
    const allowed = createSafeFetch({ allowPrivateNetwork: true })
    const response = await allowed(`http://localhost:${port}/.well-known/cta-tool`)
    expect(response.status).toBe(200)
    expect(((await response.json()) as { id: string }).id).toBe(tool.origin)
    await tool.close()
  })
})

describe('isNonPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::10.0.0.1',
    'ff02::1',
    '[::1]',
  ])('refuses %s', (address) => {
    expect(isNonPublicAddress(address)).toBe(true)
  })
  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', 'example.org', '1.2.3'])(
    'allows %s',
    (address) => {
      expect(isNonPublicAddress(address)).toBe(false)
    },
  )
})
