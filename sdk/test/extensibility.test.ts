// How the protocol grows (spec/extensibility.md): a tool built on today's SDK accepts documents
// and events carrying declared extensions, and refuses extensions that would redefine CTA's terms
// or change what is verified.
import { describe, expect, it } from 'vitest'
import {
  CONTEXT,
  assertValid,
  signEvent,
  validateDocument,
  verifyEvent,
  type DocumentKind,
} from '../src/index.js'
import { checkJsonLd } from '../src/jsonld/index.js'
import { codeOf } from './helpers/code-of.js'
import { examples, loadDocument, optionsFor } from './helpers/documents.js'
import { NOW, forge, joinedEvent, keys } from './helpers/events.js'

type Doc = Record<string, unknown>
const clone = <T>(value: T): T => structuredClone(value)

/** A tool's own extension context: one prefix, in the tool's own namespace. */
const DECISIONS = { dec: 'https://decisions.example/ns#' } as const
/** The namespace a later minor version publishes its additions in (EXT-VER-001). */
const MINOR = { cta11: 'https://w3id.org/cta/1.1#' } as const

function withContext(doc: Doc, ...extensions: unknown[]): Doc {
  return { ...clone(doc), '@context': [...CONTEXT, ...extensions] }
}

function codeOfValidation(doc: unknown, kind?: DocumentKind): string {
  const result = validateDocument(doc, kind === undefined ? {} : { kind })
  return result.valid ? 'accepted' : result.code
}

const group = loadDocument('group.json') as Doc

describe('extensions a receiver accepts', () => {
  it('[EXT-VER-001] [EXT-MEM-001] accepts a 1.1-style document whose new optional member is declared', async () => {
    const doc = { ...withContext(group, MINOR), 'cta11:timezone': 'Europe/Berlin' }
    expect(codeOfValidation(doc)).toBe('accepted')
    expect(assertValid(doc)).toBe(doc)
    const { expanded } = await checkJsonLd(doc)
    expect(expanded[0]).toHaveProperty(['https://w3id.org/cta/1.1#timezone'])
  })

  it('[EXT-VER-001] refuses the same member undeclared, and a 1.1 context IRI it would have to fetch', () => {
    const bare = { ...clone(group), timezone: 'Europe/Berlin' }
    expect(codeOfValidation(bare)).toBe('ERR_SCHEMA_INVALID')
    const fetched = { ...clone(group), '@context': [...CONTEXT, 'https://w3id.org/cta/v1.1'] }
    expect(codeOfValidation(fetched)).toBe('ERR_JSONLD_CONTEXT_UNKNOWN')
  })

  // The protocol documents added under protocol/ (feed pages, subscription requests, request
  // tokens, problems, manifests) are plain JSON, not JSON-LD: they carry no `@context`, so the
  // extension members of EXT-CTX-001/EXT-MEM-001 do not apply to them and their schemas are closed.
  // Only the ones that are JSON-LD documents (with a `@context`) are checked here.
  const jsonLd = (file: string): boolean =>
    !file.startsWith('protocol/') || Object.hasOwn(loadDocument(file) as Doc, '@context')

  it.each(examples.filter((e) => e.kind !== 'MembershipAssertionClaims' && jsonLd(e.file)))(
    '[EXT-CTX-001] [EXT-MEM-001] every kind accepts a declared extension member: $file',
    ({ file, kind }) => {
      const doc = clone(loadDocument(file)) as Doc
      const isEvent = Object.hasOwn(doc, 'specversion')
      const holder = (isEvent ? doc['data'] : doc) as Doc
      holder['@context'] = [...CONTEXT, DECISIONS]
      holder['dec:pollType'] = 'proposal'
      holder['dec:options'] = [{ id: 'https://decisions.example/o/1', 'dec:label': 'Agree' }]
      const object = holder['object']
      if (typeof object === 'object' && object !== null) (object as Doc)['dec:closing'] = true
      expect(codeOfValidation(doc, optionsFor(kind).kind)).toBe('accepted')
    },
  )

  it('[EXT-CTX-001] accepts up to four extension contexts, each declaring its own prefixes', () => {
    const doc = {
      ...withContext(group, DECISIONS, { bud: 'https://budgeting.example/ns/' }),
      'dec:quorum': '0.5',
      'bud:roundOf': 'https://budgeting.example/rounds/7',
    }
    expect(codeOfValidation(doc)).toBe('accepted')
    const five = withContext(
      group,
      ...['a', 'b', 'c', 'd', 'e'].map((p) => ({ [p]: `https://${p}.example/#` })),
    )
    expect(codeOfValidation(five)).toBe('ERR_JSONLD_UNSAFE')
  })
})

describe('extensions a receiver refuses', () => {
  it.each([
    ['member', { member: 'https://evil.example/ns#' }],
    ['group', { group: 'https://evil.example/ns#' }],
    ['source', { source: 'https://evil.example/ns#' }],
    ['type', { type: 'https://evil.example/ns#' }],
    ['id', { id: 'https://evil.example/ns#' }],
    ['the cta prefix', { cta: 'https://evil.example/ns#' }],
    ['the as prefix', { as: 'https://evil.example/ns#' }],
    ['a keyword', { '@vocab': 'https://evil.example/ns#' }],
    ['@protected', { '@protected': false, dec: 'https://decisions.example/ns#' }],
    ['a prefix in the CTA namespace', { dec: 'https://w3id.org/cta#' }],
    ['a prefix under the CTA context IRI', { dec: 'https://w3id.org/cta/v1/' }],
    [
      'a prefix in the ActivityStreams namespace',
      { dec: 'https://www.w3.org/ns/activitystreams#' },
    ],
    ['a prefix in the ORG namespace', { dec: 'http://www.w3.org/ns/org#' }],
    ['a prefix that does not end a namespace', { dec: 'https://decisions.example/ns' }],
    ['a prefix that is not an IRI', { dec: 'decisions' }],
    ['a term definition object', { dec: { '@id': 'https://decisions.example/ns#' } }],
    ['no prefix at all', {}],
  ])('[EXT-CTX-002] refuses an extension context that defines %s', async (_name, extension) => {
    const doc = withContext(group, extension)
    expect(codeOfValidation(doc)).toBe('ERR_JSONLD_UNSAFE')
    expect(await codeOf(checkJsonLd(doc))).toBe('ERR_JSONLD_UNSAFE')
  })

  it('[EXT-CTX-002] refuses an extension context that redefines @context, nested or not', async () => {
    const doc = withContext(group, { '@context': { member: 'https://evil.example/ns#' } })
    expect(codeOfValidation(doc)).toBe('ERR_JSONLD_UNSAFE')
    expect(await codeOf(checkJsonLd(doc))).toBe('ERR_JSONLD_UNSAFE')
  })

  it('[EXT-CTX-002] refuses a prefix that two extension contexts define', () => {
    const doc = withContext(group, DECISIONS, { dec: 'https://other.example/ns#' })
    expect(codeOfValidation(doc)).toBe('ERR_JSONLD_UNSAFE')
  })

  it('[EXT-CTX-001] refuses an extension context before the pinned ones, or named by IRI', () => {
    const before = { ...clone(group), '@context': [DECISIONS, ...CONTEXT] }
    expect(codeOfValidation(before)).toBe('ERR_JSONLD_UNSAFE')
    const named = { ...clone(group), '@context': [...CONTEXT, 'https://decisions.example/ctx'] }
    expect(codeOfValidation(named)).toBe('ERR_JSONLD_CONTEXT_UNKNOWN')
  })

  it.each([
    ['an undeclared prefix', 'bud:roundOf'],
    ['the cta prefix', 'cta:authority'],
    ['the as prefix', 'as:name'],
    ['an absolute IRI as a name', 'https://decisions.example/ns#quorum'],
  ])('[EXT-MEM-001] refuses a member named with %s', async (_name, member) => {
    const doc = { ...withContext(group, DECISIONS), [member]: 'x' }
    expect(codeOfValidation(doc)).toBe('ERR_JSONLD_UNSAFE')
    expect(await codeOf(checkJsonLd(doc))).toBe('ERR_JSONLD_UNSAFE')
  })

  it('[EXT-MEM-001] refuses an undeclared name inside an extension value, and says where', () => {
    const doc = { ...withContext(group, DECISIONS), 'dec:options': [{ 'x:label': 'Agree' }] }
    const result = validateDocument(doc)
    expect(result.valid).toBe(false)
    if (result.valid) return
    expect(result.code).toBe('ERR_JSONLD_UNSAFE')
    expect(result.issues[0]?.instancePath).toBe('/dec:options/0/x:label')
  })

  it('[EXT-MEM-001] [DOC-VAL-003] still refuses an unknown member without a prefix', () => {
    const doc = { ...withContext(group, DECISIONS), quorum: '0.5' }
    expect(codeOfValidation(doc)).toBe('ERR_SCHEMA_INVALID')
  })
})

describe('extensions never change what is verified', () => {
  it('[EXT-MEM-002] [EVT-CTX-001] a signed event carrying an extension verifies', async () => {
    const { key, resolveKey } = await keys()
    const event = clone(joinedEvent()) as unknown as Doc
    const data = event['data'] as Doc
    data['@context'] = [...CONTEXT, DECISIONS]
    data['dec:via'] = 'https://decisions.example/polls/42'
    const jws = await signEvent(event, key)
    const verified = await verifyEvent(jws, { resolveKey, currentDate: NOW })
    expect(verified.event.id).toBe(event['id'])
  })

  it('[EXT-MEM-002] events that differ only in their extension members verify the same', async () => {
    const { key, resolveKey } = await keys()
    const outcomes: string[] = []
    for (const value of ['a', { 'dec:nested': [1, 2, 3] }, null]) {
      const event = clone(joinedEvent()) as unknown as Doc
      const data = event['data'] as Doc
      data['@context'] = [...CONTEXT, DECISIONS]
      data['dec:extra'] = value
      const jws = await signEvent(event, key)
      outcomes.push(await codeOf(verifyEvent(jws, { resolveKey, currentDate: NOW })))
    }
    expect(outcomes).toEqual(['accepted', 'accepted', 'accepted'])
  })

  it('[EXT-MEM-002] an extension member naming another group does not change the group check', async () => {
    const { key, resolveKey } = await keys()
    const event = clone(joinedEvent()) as unknown as Doc
    const data = event['data'] as Doc
    data['@context'] = [...CONTEXT, DECISIONS]
    event['group'] = 'https://other.example/groups/1'
    data['dec:audience'] = 'https://other.example/groups/1'
    const jws = await forge({ alg: 'EdDSA', kid: key.kid, typ: 'cta-event+jws' }, event, key)
    expect(await codeOf(verifyEvent(jws, { resolveKey, currentDate: NOW }))).toBe(
      'ERR_EVENT_INCONSISTENT',
    )
  })

  it('[EXT-MEM-001] [EVT-CTX-001] verifyEvent refuses an event whose data redefines a protected term', async () => {
    const { key, resolveKey } = await keys()
    const event = clone(joinedEvent()) as unknown as Doc
    ;(event['data'] as Doc)['@context'] = [...CONTEXT, { member: 'https://evil.example/ns#' }]
    const jws = await forge({ alg: 'EdDSA', kid: key.kid, typ: 'cta-event+jws' }, event, key)
    expect(await codeOf(verifyEvent(jws, { resolveKey, currentDate: NOW }))).toBe(
      'ERR_JSONLD_UNSAFE',
    )
  })
})
