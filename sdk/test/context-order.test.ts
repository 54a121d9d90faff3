// DOC-CTX-004: one order of the context checks and one code per defect, whatever carries the
// document: validateDocument, checkJsonLd and verifyEvent agree on every case below.
import { describe, expect, it } from 'vitest'
import { CONTEXT, assertValid, signEvent, validateDocument, verifyEvent } from '../src/index.js'
import { checkJsonLd } from '../src/jsonld/index.js'
import { codeOf } from './helpers/code-of.js'
import { loadDocument } from './helpers/documents.js'
import { NOW, forge, joinedEvent, keys } from './helpers/events.js'

const AS2 = 'https://www.w3.org/ns/activitystreams'
const EVIL = 'https://evil.example/v1'

type Doc = Record<string, unknown>
const clone = <T>(value: T): T => structuredClone(value)

/** The example roster page with `change` applied to a copy. */
function rosterPage(change: (doc: Doc) => void): Doc {
  const doc = clone(loadDocument('roster-page.json')) as Doc
  change(doc)
  return doc
}

/** Nests a `@context` in the first member of a roster page, or in an activity's object. */
const nestedInMember = (doc: Doc) => {
  const members = doc['members']
  const target = Array.isArray(members) ? (members[0] as Doc) : (doc['object'] as Doc)
  target['@context'] = [...CONTEXT]
}

/** Each defect, alone or combined, and the one code it gets (DOC-CTX-004's order). */
const CASES: [string, (doc: Doc) => void, string][] = [
  ['the pinned array', () => undefined, 'accepted'],
  ['a nested @context', nestedInMember, 'ERR_JSONLD_UNSAFE'],
  [
    'a nested @context and an unknown context at the top (nested wins)',
    (doc) => {
      nestedInMember(doc)
      doc['@context'] = [AS2, EVIL]
    },
    'ERR_JSONLD_UNSAFE',
  ],
  [
    'an unknown context in the array',
    (doc) => (doc['@context'] = [AS2, EVIL]),
    'ERR_JSONLD_CONTEXT_UNKNOWN',
  ],
  [
    'an unknown context as a bare string',
    (doc) => (doc['@context'] = EVIL),
    'ERR_JSONLD_CONTEXT_UNKNOWN',
  ],
  [
    'an unknown context and a partial array (unknown wins)',
    (doc) => (doc['@context'] = [EVIL]),
    'ERR_JSONLD_CONTEXT_UNKNOWN',
  ],
  ['only the ActivityStreams context', (doc) => (doc['@context'] = [AS2]), 'ERR_JSONLD_UNSAFE'],
  [
    'the two contexts reversed',
    (doc) => (doc['@context'] = [...CONTEXT].reverse()),
    'ERR_JSONLD_UNSAFE',
  ],
  ['a bare ActivityStreams string', (doc) => (doc['@context'] = AS2), 'ERR_JSONLD_UNSAFE'],
  [
    'an embedded context object',
    (doc) => (doc['@context'] = [...CONTEXT, { x: 'https://evil.example/x' }]),
    'ERR_JSONLD_UNSAFE',
  ],
  [
    'a pinned-context defect and a schema defect (context wins)',
    (doc) => {
      doc['@context'] = [AS2]
      doc['unknownMember'] = 1
    },
    'ERR_JSONLD_UNSAFE',
  ],
  ['no @context at all (the schema)', (doc) => delete doc['@context'], 'ERR_SCHEMA_INVALID'],
  [
    'a declared extension context and member (EXT-CTX-001)',
    (doc) => {
      doc['@context'] = [...CONTEXT, { dec: 'https://decisions.example/ns#' }]
      doc['dec:quorum'] = '0.5'
    },
    'accepted',
  ],
  [
    'an extension context that redefines member (EXT-CTX-002)',
    (doc) => (doc['@context'] = [...CONTEXT, { member: 'https://evil.example/ns#' }]),
    'ERR_JSONLD_UNSAFE',
  ],
  [
    'an extension member with an undeclared prefix and a schema defect (context wins)',
    (doc) => {
      doc['dec:quorum'] = '0.5'
      doc['unknownMember'] = 1
    },
    'ERR_JSONLD_UNSAFE',
  ],
]

function codeOfValidation(doc: unknown): string {
  const result = validateDocument(doc)
  return result.valid ? 'accepted' : result.code
}

describe('the order of the context checks', () => {
  it.each(CASES)(
    '[DOC-CTX-004] validateDocument and assertValid: %s',
    async (_name, change, code) => {
      const doc = rosterPage(change)
      expect(codeOfValidation(doc)).toBe(code)
      expect(await codeOf(Promise.resolve().then(() => assertValid(doc)))).toBe(code)
    },
  )

  it.each(CASES.filter(([, , code]) => code !== 'ERR_SCHEMA_INVALID'))(
    '[DOC-CTX-004] checkJsonLd gives the same code: %s',
    async (_name, change, code) => {
      expect(await codeOf(checkJsonLd(rosterPage(change)))).toBe(code)
    },
  )

  it.each(CASES)(
    '[DOC-CTX-004] verifyEvent gives the same code for data: %s',
    async (_n, change, code) => {
      const { key, resolveKey } = await keys()
      const event = clone(joinedEvent()) as unknown as Doc
      const data = event['data'] as Doc
      change(data)
      if (code === 'accepted') {
        const jws = await signEvent(event, key)
        expect(await codeOf(verifyEvent(jws, { resolveKey, currentDate: NOW }))).toBe('accepted')
        return
      }
      const jws = await forge({ alg: 'EdDSA', kid: key.kid, typ: 'cta-event+jws' }, event, key)
      expect(await codeOf(verifyEvent(jws, { resolveKey, currentDate: NOW }))).toBe(code)
      expect(codeOfValidation(event)).toBe(code)
    },
  )

  it('[DOC-CTX-004] rejects a @context at the top of an event envelope, which is plain JSON', async () => {
    const { key, resolveKey } = await keys()
    const event = { ...(clone(joinedEvent()) as unknown as Doc), '@context': [...CONTEXT] }
    const jws = await forge({ alg: 'EdDSA', kid: key.kid, typ: 'cta-event+jws' }, event, key)
    expect(await codeOf(verifyEvent(jws, { resolveKey, currentDate: NOW }))).toBe(
      'ERR_JSONLD_UNSAFE',
    )
    expect(codeOfValidation(event)).toBe('ERR_JSONLD_UNSAFE')
  })

  it('[DOC-CTX-004] reports where the defect is, with the keyword @context', () => {
    const result = validateDocument(rosterPage(nestedInMember))
    expect(result.valid).toBe(false)
    if (result.valid) return
    expect(result.issues[0]).toMatchObject({
      instancePath: '/members/0/@context',
      keyword: '@context',
    })
  })

  it('[DOC-ASN-002] accepts an unknown @context claim in membership assertion claims: plain JSON, no context checks', () => {
    const claims = {
      ...(loadDocument('membership-assertion-claims.json') as Doc),
      '@context': EVIL,
    }
    expect(validateDocument(claims, { kind: 'MembershipAssertionClaims' }).valid).toBe(true)
  })

  it('[DOC-CTX-004] rejects a @context nested 100,000 deep without exhausting the stack', () => {
    let deep: Doc = { '@context': [...CONTEXT] }
    for (let i = 0; i < 100_000; i++) deep = { a: deep }
    const doc = rosterPage((d) => (d['x'] = deep))
    expect(codeOfValidation(doc)).toBe('ERR_JSONLD_UNSAFE')
  })
})
