import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AS2_CONTEXT, CTA_CONTEXT } from '../src/index.js'
import {
  BUNDLED_CONTEXTS,
  buildContext,
  checkJsonLd,
  staticDocumentLoader,
} from '../src/jsonld/index.js'
import activityStreams from '../src/jsonld/contexts/activitystreams.json' with { type: 'json' }
import { PROPERTY_TERMS, REDEFINED_AS2_TERMS, TYPE_TERMS } from '../src/jsonld/terms.js'
import { documentSchemas, protocolSchemas } from '../src/schemas/index.js'
import { examples, loadDocument } from './helpers/documents.js'
import { codeOf } from './helpers/code-of.js'

const AS = 'https://www.w3.org/ns/activitystreams#'
const ORG = 'http://www.w3.org/ns/org#'
const VF = 'https://w3id.org/valueflows/ont/vf#'
const CTA = 'https://w3id.org/cta#'
const OM2 = 'http://www.ontology-of-units-of-measure.org/resource/om-2/'

/** Kinds whose documents are not JSON-LD (JWT claims) or only fragments of one. */
const NOT_JSON_LD = new Set<string>(['MembershipAssertionClaims', ...Object.keys(protocolSchemas)])
const jsonLdExamples = examples.filter(({ kind }) => !NOT_JSON_LD.has(kind))

/** Collects every property IRI and type IRI in an expanded document. */
function iris(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => iris(item, found))
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (!key.startsWith('@')) found.add(key)
      if (key === '@type') for (const t of [value].flat()) found.add(String(t))
      iris(value, found)
    }
  }
  return found
}

describe('JSON-LD: every example means what it says', () => {
  const attempts: string[] = []
  // eslint-disable-next-line @typescript-eslint/unbound-method -- saved only to be restored
  const realConnect = net.Socket.prototype.connect
  const realFetch = globalThis.fetch

  beforeAll(() => {
    net.Socket.prototype.connect = function (...args: unknown[]) {
      attempts.push(JSON.stringify(args[0]))
      throw new Error('network access during JSON-LD processing')
    }
    globalThis.fetch = (input: unknown) => {
      attempts.push(String(input))
      return Promise.reject(new Error('network access during JSON-LD processing'))
    }
  })
  afterAll(() => {
    net.Socket.prototype.connect = realConnect
    globalThis.fetch = realFetch
    expect(attempts).toEqual([])
  })

  it.each(jsonLdExamples)('$file expands in safe mode and drops nothing', async ({ file }) => {
    const { expanded } = await checkJsonLd(loadDocument(file))
    expect(expanded).toHaveLength(1)
  })

  it('expands each term to its intended IRI', async () => {
    const expectations: Record<string, string[]> = {
      'membership.json': [
        `${ORG}Membership`,
        `${ORG}member`,
        `${ORG}organization`,
        `${ORG}role`,
        `${CTA}membershipStatus`,
        `${AS}Person`,
      ],
      'group.json': [
        `${AS}Group`,
        `${CTA}authority`,
        `${CTA}joinPolicy`,
        `${CTA}rosterVisibility`,
        `${CTA}tools`,
        `${AS}alsoKnownAs`,
      ],
      'tool-installation.json': [`${CTA}ToolInstallation`, `${CTA}tool`, `${ORG}organization`],
      'tool-manifest.json': [`${AS}Application`, `${CTA}jwksUri`, `${CTA}inbox`, `${CTA}emits`],
      'proposal-offer.json': [
        `${VF}Proposal`,
        `${VF}Intent`,
        `${VF}purpose`,
        `${VF}publishes`,
        `${VF}reciprocal`,
        `${VF}resourceConformsTo`,
        `${VF}resourceQuantity`,
        `${OM2}hasUnit`,
        `${OM2}hasNumericalValue`,
        `${AS}Hashtag`,
        `${AS}audience`,
      ],
      'resource-specification.json': [
        `${VF}ResourceSpecification`,
        `${CTA}currencyType`,
        `${CTA}decimals`,
        `${CTA}symbol`,
      ],
      'match.json': [`${AS}Relationship`, `${AS}subject`, `${AS}relationship`, `${CTA}score`],
      'events/membership-joined.json': [
        `${AS}Accept`,
        `${AS}actor`,
        `${AS}result`,
        `${ORG}Membership`,
        `${AS}audience`,
      ],
    }
    for (const [file, expected] of Object.entries(expectations)) {
      const found = iris((await checkJsonLd(loadDocument(file))).expanded)
      for (const iri of expected) expect(found, `${file} → ${iri}`).toContain(iri)
    }
  })

  it('reads a decimal amount as xsd:decimal, never as a float', async () => {
    const { expanded } = await checkJsonLd(loadDocument('proposal-offer.json'))
    const text = JSON.stringify(expanded)
    expect(text).toContain('{"@type":"http://www.w3.org/2001/XMLSchema#decimal","@value":"1.00"}')
  })
})

describe('JSON-LD: hostile documents', () => {
  const group = loadDocument('group.json') as Record<string, unknown>

  it('refuses a context that is not bundled', async () => {
    const doc = { ...group, '@context': [AS2_CONTEXT, 'https://evil.example/ctx'] }
    expect(await codeOf(checkJsonLd(doc))).toBe('ERR_JSONLD_CONTEXT_UNKNOWN')
    expect(await codeOf(staticDocumentLoader('https://evil.example/ctx'))).toBe(
      'ERR_JSONLD_CONTEXT_UNKNOWN',
    )
  })

  it('[EXT-CTX-002] refuses an inline context object that redefines a protected term', async () => {
    const doc = {
      ...group,
      '@context': [AS2_CONTEXT, CTA_CONTEXT, { member: 'https://e.example/' }],
    }
    expect(await codeOf(checkJsonLd(doc))).toBe('ERR_JSONLD_UNSAFE')
  })

  it('[EXT-CTX-001] expands a declared extension member to its own IRI, outside the CTA namespace', async () => {
    const doc = {
      ...group,
      '@context': [AS2_CONTEXT, CTA_CONTEXT, { dec: 'https://decisions.example/ns#' }],
      'dec:quorum': '0.5',
    }
    const { expanded } = await checkJsonLd(doc)
    expect(expanded[0]).toHaveProperty(['https://decisions.example/ns#quorum'])
  })

  it('refuses a context array in another order', async () => {
    const doc = { ...group, '@context': [CTA_CONTEXT, AS2_CONTEXT] }
    expect(await codeOf(checkJsonLd(doc))).toBe('ERR_JSONLD_UNSAFE')
  })

  it('refuses a nested @context', async () => {
    const doc = {
      ...group,
      icon: {
        '@context': { url: 'https://e.example/u' },
        type: 'Image',
        url: 'https://x.example/i.png',
      },
    }
    expect(await codeOf(checkJsonLd(doc))).toBe('ERR_JSONLD_UNSAFE')
  })

  it('refuses a term that no context defines (it would become a blank-node property)', async () => {
    expect(await codeOf(checkJsonLd({ ...group, undefinedTerm: 'x' }))).toBe('ERR_JSONLD_UNSAFE')
  })

  it('refuses a type that no context defines', async () => {
    expect(await codeOf(checkJsonLd({ ...group, type: 'Gruop' }))).toBe('ERR_JSONLD_UNSAFE')
  })

  it('refuses a relative IRI value that safe mode would drop', async () => {
    expect(await codeOf(checkJsonLd({ ...group, id: 'relative/path' }))).toBe('ERR_JSONLD_UNSAFE')
  })

  it('refuses something that is not an object', async () => {
    expect(await codeOf(checkJsonLd([group]))).toBe('ERR_JSONLD_UNSAFE')
    expect(await codeOf(checkJsonLd(null))).toBe('ERR_JSONLD_UNSAFE')
  })
})

describe('the CTA context', () => {
  const context = buildContext()['@context']
  const as2Terms = new Set(Object.keys(activityStreams['@context']))

  it('is protected, JSON-LD 1.1, and has no @vocab or @base', () => {
    expect(context['@protected']).toBe(true)
    expect(context['@version']).toBe(1.1)
    expect(context).not.toHaveProperty('@vocab')
    expect(context).not.toHaveProperty('@base')
  })

  it('bundles exactly the two contexts documents may use', () => {
    expect([...BUNDLED_CONTEXTS].sort()).toEqual([AS2_CONTEXT, CTA_CONTEXT].sort())
  })

  it('redefines no ActivityStreams term but the listed ones (inbox)', () => {
    const ours = [...Object.keys(TYPE_TERMS), ...Object.keys(PROPERTY_TERMS)]
    expect(ours.filter((term) => as2Terms.has(term))).toEqual([...REDEFINED_AS2_TERMS])
    expect(REDEFINED_AS2_TERMS).toEqual(['inbox'])
  })

  it("expands a manifest's inbox to cta:inbox, never to the ActivityPub inbox (ldp:inbox)", async () => {
    const { expanded } = await checkJsonLd(loadDocument('tool-manifest.json'))
    const node = expanded[0] ?? {}
    expect(node).toHaveProperty([`${CTA}inbox`])
    expect(node).not.toHaveProperty(['http://www.w3.org/ns/ldp#inbox'])
    expect(JSON.stringify(expanded)).not.toContain('ldp#inbox')
  })

  it('defines every property and type any schema uses', () => {
    const defined = new Set([...as2Terms, ...Object.keys(context)])
    const missing = new Set<string>()
    const visit = (schema: unknown): void => {
      if (Array.isArray(schema)) {
        schema.forEach(visit)
        return
      }
      if (typeof schema !== 'object' || schema === null) return
      const s = schema as Record<string, unknown>
      if (s['type'] === 'object' && typeof s['properties'] === 'object') {
        for (const key of Object.keys(s['properties'] as object)) {
          if (key !== '@context' && !defined.has(key)) missing.add(key)
        }
        const typeSchema = (s['properties'] as Record<string, { const?: unknown }>)['type']
        if (typeof typeSchema?.const === 'string' && !defined.has(typeSchema.const)) {
          missing.add(typeSchema.const)
        }
      }
      Object.values(s).forEach(visit)
    }
    // Envelopes and JWT claims are plain JSON; only their JSON-LD parts are checked.
    for (const [kind, schema] of Object.entries(documentSchemas)) {
      if (kind === 'MembershipAssertionClaims' || kind in protocolSchemas) continue
      if (kind.endsWith('Event'))
        visit((schema as { properties: { data: unknown } }).properties.data)
      else visit(schema)
    }
    expect([...missing]).toEqual([])
  })
})
