import { readFileSync, readdirSync } from 'node:fs'
import { Ajv, type AnySchemaObject } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import { fromFep0837Proposal, isProtocolError, toMurmurationsOpportunity } from '../../src/index.js'
import { ROOT } from '../helpers/documents.js'
import { GROUP, NOW, USD, offer, qty, request, thrown } from './fixtures.js'

// Murmurations publishes draft-07 schemas whose fields are `$ref`s to separate files; see the
// README beside the fixtures for their source and versions.
const DIR = `${ROOT}sdk/test/fixtures/murmurations/`
const json = (file: string): AnySchemaObject =>
  JSON.parse(readFileSync(DIR + file, 'utf8')) as AnySchemaObject
const DRAFT_07 = 'http://json-schema.org/draft-07/schema#'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

function compileOpportunitySchema() {
  const ajv = new Ajv({ strict: true, allErrors: true })
  addFormats(ajv)
  // Annotations Murmurations adds to its schemas; they do not constrain anything.
  ajv.addKeyword({ keyword: 'metadata' })
  ajv.addKeyword({ keyword: 'enumNames' })
  const schema = json('cta_opportunity-v0.1.0.json')
  // `$schema` names draft-07 by its https URI, which Ajv knows by http: check the schema against
  // the draft-07 meta-schema first, then compile it under the URI Ajv knows.
  expect(schema['$schema']).toBe('https://json-schema.org/draft-07/schema#')
  const local = { ...schema, $schema: DRAFT_07 }
  expect(ajv.validateSchema(local), JSON.stringify(ajv.errors)).toBe(true)
  const base = String(schema['$id'])
  for (const file of readdirSync(`${DIR}fields`)) {
    const field = json(`fields/${file}`)
    expect(ajv.validateSchema(field), file).toBe(true)
    ajv.addSchema(field, new URL(`../fields/${file}`, base).href)
  }
  return ajv.compile(local)
}

const validate = compileOpportunitySchema()

function codeOf(fn: () => unknown): string | undefined {
  const err = thrown(fn)
  return isProtocolError(err) ? err.code : `not a ProtocolError: ${String(err)}`
}

const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public'

describe('toMurmurationsOpportunity', () => {
  it('[INT-DIR-002] accepts a public offer and request as cta_opportunity-v0.1.0 profiles that Murmurations’ schema validates', () => {
    const bikeRepair = offer('o', {
      to: [PUBLIC],
      tags: ['#bikes', 'repairs', 'Bikes'],
      content: '<p>I fix <b>bikes</b>\non Saturdays.</p>',
      url: 'https://tool.example/o/page',
      endTime: '2026-12-31T23:59:59Z',
      intent: {
        action: 'deliverService',
        resourceConformsTo: 'https://example.org/skills/bike-repair',
        hasBeginning: '2026-10-01T00:00:00+02:00',
      },
      price: { amount: '15', currency: USD },
    })
    const profile = toMurmurationsOpportunity(bikeRepair, { contactEmail: 'u@tool.example' })
    expect(validate(profile), JSON.stringify(validate.errors)).toBe(true)
    expect(profile).toEqual({
      linked_schemas: ['cta_opportunity-v0.1.0'],
      primary_url: 'https://tool.example/u/o',
      exchange_type: 'offer',
      title: 'Offer o',
      description: 'I fix bikes on Saturdays.',
      tags: ['bikes', 'repairs', 'Bikes'],
      details_url: 'https://tool.example/o/page',
      contact_details: { email: 'u@tool.example', contact_form: 'https://tool.example/o/page' },
      starts_at: Date.parse('2026-09-30T22:00:00Z') / 1000,
      ends_at: Date.parse('2026-12-31T23:59:59Z') / 1000,
      relationships: [{ predicate_url: 'https://w3id.org/cta#castInto', object_url: GROUP }],
    })
    const want = toMurmurationsOpportunity(
      request('r', {
        to: ['as:Public'],
        summary: 'Six hours of repairs',
        intent: { action: 'work', effortQuantity: qty('6') },
      }),
    )
    expect(validate(want), JSON.stringify(validate.errors)).toBe(true)
    expect(want).toMatchObject({
      exchange_type: 'want',
      description: 'Six hours of repairs',
      tags: [],
    })
    expect(Object.isFrozen(want.contact_details)).toBe(true)
  })

  it('[INT-DIR-002] accepts an FEP-0837 proposal read by fromFep0837Proposal, exported and validated', () => {
    const fep = JSON.parse(
      readFileSync(`${ROOT}sdk/test/fixtures/fep-0837/offer-full.json`, 'utf8'),
    ) as unknown
    const proposal = fromFep0837Proposal(fep, {
      audience: 'https://market.example/groups/bikes',
      now: NOW,
    })
    const profile = toMurmurationsOpportunity(proposal)
    expect(validate(profile), JSON.stringify(validate.errors)).toBe(true)
    expect(profile).toMatchObject({
      primary_url: 'https://market.example/users/alice',
      title: 'Offering used bike',
      description: 'Blue one-speed bike, 15 years old, some rust',
      details_url: 'https://market.example/proposals/ddde9d6f-6f3b-4770-a966-3a18ef006930',
    })
  })

  it('[INT-DIR-002] rejects a proposal without an http(s) creator URL with ERR_PROPOSAL_NOT_EXPORTABLE', () => {
    const did = offer('d', { to: [PUBLIC], attributedTo: 'did:web:tool.example:u:d' })
    expect(codeOf(() => toMurmurationsOpportunity(did))).toBe('ERR_PROPOSAL_NOT_EXPORTABLE')
    const profile = toMurmurationsOpportunity(did, { primaryUrl: 'https://tool.example/u/d' })
    expect(validate(profile)).toBe(true)
  })

  it('[INT-DIR-001] accepts a public proposal for export', () => {
    expect(toMurmurationsOpportunity(offer('o', { to: [PUBLIC] })).exchange_type).toBe('offer')
  })

  it('[INT-DIR-001] rejects a proposal cast into a group only with ERR_PROPOSAL_NOT_EXPORTABLE', () => {
    expect(codeOf(() => toMurmurationsOpportunity(offer('o')))).toBe('ERR_PROPOSAL_NOT_EXPORTABLE')
    expect(codeOf(() => toMurmurationsOpportunity(offer('o', { to: [GROUP] })))).toBe(
      'ERR_PROPOSAL_NOT_EXPORTABLE',
    )
  })

  it('uses a validator that does reject what Murmurations refuses', () => {
    const good = toMurmurationsOpportunity(offer('o', { to: [PUBLIC] }))
    expect(validate({ ...good, exchange_type: 'sell' })).toBe(false)
    expect(validate({ ...good, linked_schemas: ['cta_opportunity'] })).toBe(false)
    const { tags: _tags, ...untagged } = good
    expect(validate(untagged)).toBe(false)
    expect(
      validate({ ...good, relationships: [{ predicate_url: 'urn:x', object_url: GROUP }] }),
    ).toBe(false)
  })
})
