// A member's export (spec/export.md) end to end over real HTTP on 127.0.0.1: a tool's export
// endpoint from createExportHandler, its manifest and JWKS, collectExport following the pages and
// verifying each against the tool's keys, and every refusal of the chapter, both ways.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  EXPORT_MEDIA_TYPE,
  EXPORT_SCOPE,
  collectExport,
  createExportHandler,
  createToolManifest,
  createManifestResolver,
  generateSigningKey,
  issueGroupAssertion,
  signExportPage,
  staticKeyResolver,
  toJwks,
  verifyExportPage,
  type ExportPage,
  type SigningKey,
} from '../../src/index.js'
import { toNodeListener } from '../../node/index.js'
import { codeOf } from '../helpers/code-of.js'
import { ROOT } from '../helpers/documents.js'
import { startToolServer, type ToolServer } from '../helpers/tool-server.js'

const AUTHORITY = 'https://decisions.example'
const GROUP = `${AUTHORITY}/g/harbour-commons`
const AROHA = `${AUTHORITY}/u/aroha`
const TUI = `${AUTHORITY}/u/tui`
const loopback = { allowHttp: true, allowPrivateNetwork: true } as const

const example = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(`${ROOT}examples/documents/${path}`, 'utf8')) as Record<string, unknown>
const stance = (member: string, n: number): Record<string, unknown> => ({
  ...example('decisions/stance.json'),
  id: `${AUTHORITY}/s/${n}-${member.split('/').pop() ?? ''}`,
  attributedTo: member,
})

/** Everything the tool stores: Aroha's poll and five stances, Tui's two stances. */
const stored = [
  example('decisions/poll.json'),
  ...[1, 2, 3, 4, 5].map((n) => stance(AROHA, n)),
  stance(TUI, 6),
  stance(TUI, 7),
]

let authorityKey: SigningKey
let tool: ToolServer
let other: ToolServer
let endpoint: string
let resolveKey: ReturnType<typeof createManifestResolver>['resolveKey']
const asked: string[] = []
let active = true
let leak = false

beforeAll(async () => {
  authorityKey = await generateSigningKey({ kid: 'authority-2026' })
  const authority = {
    issuer: AUTHORITY,
    resolveKey: staticKeyResolver([{ source: AUTHORITY, jwks: toJwks([authorityKey]) }]),
  }
  const handlers: { exporter?: (request: Request) => Promise<Response> } = {}
  tool = await startToolServer({
    '/cta/export': (req, res) => {
      toNodeListener(handlers.exporter as (request: Request) => Promise<Response>, {
        origin: tool.origin,
      })(req, res)
    },
  })
  other = await startToolServer()
  endpoint = `${tool.origin}/cta/export`
  handlers.exporter = createExportHandler({
    origin: tool.origin,
    key: tool.key,
    authority: (group) => (group === GROUP ? authority : undefined),
    isActive: () => active,
    pageSize: 2,
    items: ({ member, after, limit }) => {
      asked.push(member)
      const mine = stored.filter((d) => leak || d['attributedTo'] === member)
      const start = Number(after ?? 0)
      const next = start + limit < mine.length ? String(start + limit) : undefined
      return Promise.resolve({ items: mine.slice(start, start + limit), next })
    },
  })
  resolveKey = createManifestResolver({ allowAnySource: true, ...loopback }).resolveKey
})
afterAll(async () => {
  await tool.close()
  await other.close()
})

const assertionFor = (
  options: {
    sub?: string
    aud?: string
    scope?: string | null
    lifetime?: number
    now?: Date
  } = {},
): Promise<string> =>
  issueGroupAssertion(
    { sub: options.sub ?? AROHA, group: GROUP, roles: ['member'], entitlements: ['read'] },
    authorityKey,
    {
      issuer: AUTHORITY,
      audience: options.aud ?? tool.origin,
      ...(options.scope === null ? {} : { scope: options.scope ?? EXPORT_SCOPE }),
      ...(options.lifetime === undefined ? {} : { lifetime: options.lifetime }),
      ...(options.now === undefined ? {} : { currentDate: options.now }),
    },
  )

const get = async (assertion: string | undefined, query = `group=${encodeURIComponent(GROUP)}`) =>
  fetch(`${endpoint}?${query}`, {
    headers: assertion === undefined ? {} : { authorization: `Bearer ${assertion}` },
  })

const problemOf = async (response: Response) => ({
  status: response.status,
  type: response.headers.get('content-type'),
  code: ((await response.json()) as { code: string }).code,
})

describe('a member’s export', () => {
  it('[EXP-REQ-001] [EXP-AUTH-001] [EXP-SIGN-001] [EXP-PAGE-001] [EXP-PRV-001] [EXP-VER-002] accepts the member’s own assertion and serves their own documents, in signed pages that verify against the tool’s JWKS', async () => {
    asked.length = 0
    const exported = await collectExport({
      endpoint,
      group: GROUP,
      assertion: await assertionFor(),
      resolveKey,
      ...loopback,
    })
    expect(exported).toMatchObject({ tool: tool.origin, member: AROHA, group: GROUP })
    expect(exported.items).toHaveLength(6)
    expect(exported.pages).toHaveLength(3)
    expect(exported.items.every((item) => item['attributedTo'] === AROHA)).toBe(true)
    expect(JSON.stringify(exported.items)).not.toContain(TUI)
    expect(new Set(asked)).toEqual(new Set([AROHA]))
    const { page } = await verifyExportPage(exported.pages[0] ?? '', { resolveKey })
    expect(page).toMatchObject({
      type: 'OrderedCollectionPage',
      partOf: `${endpoint}?group=${encodeURIComponent(GROUP)}`,
      id: `${endpoint}?group=${encodeURIComponent(GROUP)}&page=first`,
      attributedTo: AROHA,
      generator: tool.origin,
      context: GROUP,
    })
    expect(page.next).toBe(`${endpoint}?group=${encodeURIComponent(GROUP)}&page=2`)
    const header = JSON.parse(
      Buffer.from(exported.pages[0]?.split('.')[0] ?? '', 'base64url').toString(),
    ) as Record<string, unknown>
    expect(header).toEqual({ alg: tool.key.alg, kid: tool.key.kid, typ: 'cta-export+jws' })
    const response = await get(await assertionFor())
    expect(response.headers.get('content-type')).toBe(EXPORT_MEDIA_TYPE)
    expect(response.headers.get('cache-control')).toBe('no-store')
  })

  it('[EXP-REQ-001] rejects a request without an assertion (401 ERR_UNAUTHORIZED), without a group (400) and for a group the tool does not serve (404)', async () => {
    const none = await get(undefined)
    expect(await problemOf(none)).toEqual({
      status: 401,
      type: 'application/problem+json',
      code: 'ERR_UNAUTHORIZED',
    })
    expect((await problemOf(await get(await assertionFor(), ''))).code).toBe('ERR_REQUEST_INVALID')
    expect(
      (await problemOf(await get(await assertionFor(), 'group=https%3A%2F%2Fx.example%2Fg')))
        .status,
    ).toBe(404)
  })

  it('[EXP-AUTH-001] rejects an assertion for another tool, an expired one and a forged one with 401 and their codes', async () => {
    const forOther = await get(await assertionFor({ aud: other.origin }))
    expect(await problemOf(forOther)).toMatchObject({ status: 401, code: 'ERR_AUDIENCE_MISMATCH' })
    const old = await assertionFor({ now: new Date(Date.now() - 3_600_000) })
    expect(await problemOf(await get(old))).toMatchObject({
      status: 401,
      code: 'ERR_ASSERTION_EXPIRED',
    })
    const forged = await issueGroupAssertion(
      { sub: AROHA, group: GROUP, roles: ['member'], entitlements: ['read'] },
      await generateSigningKey({ kid: 'authority-2026' }),
      { issuer: AUTHORITY, audience: tool.origin, scope: EXPORT_SCOPE },
    )
    expect(await problemOf(await get(forged))).toMatchObject({
      status: 401,
      code: 'ERR_SIGNATURE_INVALID',
    })
  })

  it('[EXP-AUTH-002] rejects an assertion without cta:export with 403 ERR_INSUFFICIENT_SCOPE, and accepts one that carries it among others', async () => {
    const response = await get(await assertionFor({ scope: null }))
    expect(await problemOf(response)).toMatchObject({ status: 403, code: 'ERR_INSUFFICIENT_SCOPE' })
    expect(response.headers.get('www-authenticate')).toContain('insufficient_scope')
    expect((await get(await assertionFor({ scope: 'cta:membership' }))).status).toBe(403)
    expect((await get(await assertionFor({ scope: 'cta:membership cta:export' }))).status).toBe(200)
  })

  it('[EXP-AUTH-001] rejects a member the tool knows is no longer active with 403 ERR_MEMBERSHIP_ENDED', async () => {
    active = false
    try {
      expect(await problemOf(await get(await assertionFor()))).toMatchObject({
        status: 403,
        code: 'ERR_MEMBERSHIP_ENDED',
      })
    } finally {
      active = true
    }
    expect((await get(await assertionFor())).status).toBe(200)
  })

  it('[EXP-PRV-001] gives Tui only Tui’s stances, and a collector notices a tool that leaks another member’s documents', async () => {
    const tui = await collectExport({
      endpoint,
      group: GROUP,
      assertion: await assertionFor({ sub: TUI }),
      resolveKey,
      ...loopback,
    })
    expect(tui.items.map((i) => i['attributedTo'])).toEqual([TUI, TUI])
    leak = true
    try {
      const leaked = await collectExport({
        endpoint,
        group: GROUP,
        assertion: await assertionFor(),
        resolveKey,
        ...loopback,
      })
      const strangers = leaked.items.filter((i) => i['attributedTo'] !== leaked.member)
      expect(strangers.length).toBeGreaterThan(0)
    } finally {
      leak = false
    }
  })
})

describe('verifying export pages', () => {
  const base = (): ExportPage => ({
    '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
    id: `${endpoint}?group=${encodeURIComponent(GROUP)}&page=first`,
    type: 'OrderedCollectionPage',
    partOf: `${endpoint}?group=${encodeURIComponent(GROUP)}`,
    attributedTo: AROHA,
    generator: tool.origin,
    context: GROUP,
    published: '2026-08-22T09:00:00Z',
    orderedItems: [stance(AROHA, 1)],
  })

  it('[EXP-VER-001] [EXP-SIGN-001] accepts a page signed by its generator’s key, and rejects another typ, another tool’s key and a changed payload', async () => {
    const signed = await signExportPage(base(), tool.key)
    await expect(codeOf(verifyExportPage(signed, { resolveKey }))).resolves.toBe('accepted')
    const byOther = await signExportPage(base(), other.key)
    await expect(codeOf(verifyExportPage(byOther, { resolveKey }))).resolves.toBe(
      'ERR_SOURCE_MISMATCH',
    )
    const [h, , s] = signed.split('.')
    const changed = Buffer.from(JSON.stringify({ ...base(), attributedTo: TUI })).toString(
      'base64url',
    )
    await expect(codeOf(verifyExportPage(`${h}.${changed}.${s}`, { resolveKey }))).resolves.toBe(
      'ERR_SIGNATURE_INVALID',
    )
    const { CompactSign } = await import('jose')
    const asEvent = await new CompactSign(new TextEncoder().encode(JSON.stringify(base())))
      .setProtectedHeader({ alg: tool.key.alg, kid: tool.key.kid, typ: 'cta-event+jws' })
      .sign(tool.key.privateKey)
    await expect(codeOf(verifyExportPage(asEvent, { resolveKey }))).resolves.toBe(
      'ERR_TYP_MISMATCH',
    )
  })

  it('[EXP-PAGE-001] refuses to sign a page with more than 100 items, an unknown member, an invalid item or no published', async () => {
    const many = {
      ...base(),
      orderedItems: Array.from({ length: 101 }, (_, n) => stance(AROHA, n)),
    }
    await expect(codeOf(signExportPage(many, tool.key))).resolves.toBe('ERR_SCHEMA_INVALID')
    const extra = { ...base(), totalItems: 1 } as unknown as ExportPage
    await expect(codeOf(signExportPage(extra, tool.key))).resolves.toBe('ERR_SCHEMA_INVALID')
    const bad = { ...base(), orderedItems: [{ ...stance(AROHA, 1), attributedTo: 'not an iri' }] }
    await expect(codeOf(signExportPage(bad, tool.key))).resolves.toBe('ERR_SCHEMA_INVALID')
    const { published: _p, ...undated } = base()
    await expect(codeOf(signExportPage(undated as ExportPage, tool.key))).resolves.toBe(
      'ERR_SCHEMA_INVALID',
    )
  })

  it('[EXP-VER-002] rejects pages of another member, another group or a next off the endpoint with ERR_EXPORT_INCONSISTENT', async () => {
    const pages: Record<string, ExportPage> = {
      member: { ...base(), attributedTo: TUI },
      group: { ...base(), context: `${AUTHORITY}/g/night-market` },
      next: { ...base(), next: `${other.origin}/cta/export?group=x&page=2` },
    }
    for (const [name, page] of Object.entries(pages)) {
      const jws = await signExportPage(page, tool.key)
      const serve = (): Promise<Response> =>
        Promise.resolve(new Response(jws, { headers: { 'content-type': EXPORT_MEDIA_TYPE } }))
      await expect(
        codeOf(
          collectExport({
            endpoint,
            group: GROUP,
            assertion: await assertionFor(),
            resolveKey,
            fetch: serve,
            allowHttp: true,
            allowPrivateNetwork: true,
          }),
        ),
        name,
      ).resolves.toBe('ERR_EXPORT_INCONSISTENT')
    }
    const good = await signExportPage(base(), tool.key)
    const exported = await collectExport({
      endpoint,
      group: GROUP,
      assertion: await assertionFor(),
      resolveKey,
      fetch: () =>
        Promise.resolve(new Response(good, { headers: { 'content-type': EXPORT_MEDIA_TYPE } })),
      ...loopback,
    })
    expect(exported.items).toHaveLength(1)
  })
})

describe('the export chapter’s examples', () => {
  const chapter = readFileSync(`${ROOT}spec/export.md`, 'utf8')
  const blocks = [...chapter.matchAll(/^```json\n([\s\S]*?)^```$/gm)].map(
    (m) => JSON.parse(m[1] ?? '') as Record<string, unknown>,
  )

  it('[EXP-PAGE-001] [EXP-SIGN-001] shows a page that signs and verifies, and an export file of signed pages', async () => {
    const [page, file] = blocks
    expect(page?.['type']).toBe('OrderedCollectionPage')
    const key = await generateSigningKey({ origin: 'https://decisions.example' })
    const signed = await signExportPage(page as unknown as ExportPage, key)
    const resolveExample = staticKeyResolver([
      { source: 'https://decisions.example', jwks: toJwks([key]) },
    ])
    const { page: verified } = await verifyExportPage(signed, { resolveKey: resolveExample })
    expect(verified).toEqual(page)
    expect(Object.keys(file ?? {})).toEqual(['member', 'group', 'exported', 'exports'])
  })

  it('[EXP-PAGE-001] rejects the chapter’s page with an item of no known type, or a generator with a path', async () => {
    const [page] = blocks as [Record<string, unknown>]
    const key = await generateSigningKey({ origin: 'https://decisions.example' })
    const items = page['orderedItems'] as Record<string, unknown>[]
    const unknownItem = { ...page, orderedItems: [{ ...items[0], type: 'Whatever' }] }
    await expect(codeOf(signExportPage(unknownItem as unknown as ExportPage, key))).resolves.toBe(
      'ERR_SCHEMA_INVALID',
    )
    const pathed = { ...page, generator: 'https://decisions.example/x' }
    await expect(codeOf(signExportPage(pathed as unknown as ExportPage, key))).resolves.toBe(
      'ERR_SCHEMA_INVALID',
    )
  })
})

describe('the manifest’s export endpoint', () => {
  it('[EXP-MAN-001] accepts a manifest naming its export endpoint, and rejects an export that is not an IRI', async () => {
    const base = {
      id: 'https://decisions.example',
      name: 'Decisions',
      jwks_uri: 'https://decisions.example/.well-known/jwks.json',
    }
    const manifest = createToolManifest({ ...base, export: 'https://decisions.example/cta/export' })
    expect(manifest.export).toBe('https://decisions.example/cta/export')
    await expect(
      codeOf(Promise.resolve().then(() => createToolManifest({ ...base, export: 'cta/export' }))),
    ).resolves.toBe('ERR_SCHEMA_INVALID')
  })
})
