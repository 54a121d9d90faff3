// A public group exported as a Murmurations `organizations_schema-v1.0.0` profile, validated with
// Ajv against the schema bundled in sdk/test/fixtures/murmurations/organizations/ (see its README).
import { readFileSync, readdirSync } from 'node:fs'
import { Ajv, type AnySchemaObject } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import {
  createGroupRegistry,
  createMemoryMembershipStore,
  generateSigningKey,
  isProtocolError,
  toMurmurationsOrganization,
  type Group,
  type ToolInstallation,
} from '../../src/index.js'
import { ROOT } from '../helpers/documents.js'

const DIR = `${ROOT}sdk/test/fixtures/murmurations/organizations/`
const json = (file: string): AnySchemaObject =>
  JSON.parse(readFileSync(DIR + file, 'utf8')) as AnySchemaObject
const DRAFT_07 = 'http://json-schema.org/draft-07/schema#'
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

function compileOrganizationSchema() {
  const ajv = new Ajv({ strict: true, allErrors: true })
  addFormats(ajv)
  // Annotations Murmurations adds to its schemas; they do not constrain anything.
  ajv.addKeyword({ keyword: 'metadata' })
  ajv.addKeyword({ keyword: 'enumNames' })
  const schema = json('organizations_schema-v1.0.0.json')
  // Draft-07 named by its https URI, which Ajv knows by http: checked, then compiled under http.
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

const validate = compileOrganizationSchema()

const example = (file: string): unknown =>
  JSON.parse(readFileSync(`${ROOT}examples/documents/${file}`, 'utf8'))
/** The spec's example group (public, roster for members) and its Budgeting installation. */
const GROUP = example('group.json') as Group
const BUDGETING = example('tool-installation.json') as ToolInstallation

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return isProtocolError(err) ? err.code : `not a ProtocolError: ${String(err)}`
  }
  return undefined
}

describe('toMurmurationsOrganization', () => {
  it('[MEM-DIR-001] accepts a public group and exports it with its active tools as an organizations_schema-v1.0.0 profile the schema validates', () => {
    const polls: ToolInstallation = {
      ...BUDGETING,
      id: `${GROUP.id}/tools/polls`,
      tool: 'https://polls.example',
      installationStatus: 'removed',
    }
    const elsewhere: ToolInstallation = {
      ...BUDGETING,
      id: 'https://decisions.example/g/other/tools/budgeting',
      organization: 'https://decisions.example/g/other',
      tool: 'https://chat.example',
    }
    const profile = toMurmurationsOrganization(GROUP, [BUDGETING, polls, elsewhere], {
      toolNames: new Map([['https://budgeting.example', 'Budgeting']]),
    })
    expect(validate(profile), JSON.stringify(validate.errors)).toBe(true)
    expect(profile).toEqual({
      linked_schemas: ['organizations_schema-v1.0.0'],
      name: 'Harbour Commons',
      primary_url: 'https://decisions.example/harbour-commons',
      description: 'A housing co-operative of 40 households deciding together.',
      image: 'https://decisions.example/logos/harbour-commons.png',
      starts_at: Date.parse('2021-03-01T00:00:00Z') / 1000,
      unique_id: 'https://decisions.example/g/harbour-commons',
      urls: [
        { name: 'CTA group', url: 'https://decisions.example/g/harbour-commons' },
        { name: 'Budgeting', url: 'https://budgeting.example/harbour-commons' },
      ],
      relationships: [
        { predicate_url: 'https://w3id.org/cta#usesTool', object_url: 'https://budgeting.example' },
      ],
    })
    expect(Object.isFrozen(profile.urls[0])).toBe(true)
  })

  it('[MEM-DIR-001] accepts a bare public group (no url, summary or tools), and a name too long for Murmurations shortened', () => {
    const { url: _u, summary: _s, icon: _i, published: _p, ...bare } = GROUP
    const long = { ...bare, name: 'Ā'.repeat(256) }
    const profile = toMurmurationsOrganization(long, [])
    expect(validate(profile), JSON.stringify(validate.errors)).toBe(true)
    expect(Array.from(profile.name)).toHaveLength(200)
    expect(profile.name.endsWith('Ā…')).toBe(true)
    expect(profile.primary_url).toBe(GROUP.id)
    expect(profile.relationships).toEqual([])
  })

  it('[MEM-DIR-001] rejects an unlisted or a secret group with ERR_NOT_FOUND, as if it did not exist', () => {
    for (const visibility of ['unlisted', 'secret'] as const) {
      expect(codeOf(() => toMurmurationsOrganization({ ...GROUP, visibility }, [BUDGETING]))).toBe(
        'ERR_NOT_FOUND',
      )
    }
  })

  it('[MEM-DIR-001] exports nothing about the members, not even of a group whose roster is public', async () => {
    const store = createMemoryMembershipStore()
    const group: Group = { ...GROUP, rosterVisibility: 'public' }
    await store.putGroup(group)
    const registry = createGroupRegistry({
      store,
      source: group.authority,
      key: await generateSigningKey({ origin: group.authority }),
      emit: () => undefined,
    })
    const people = [
      { id: `${group.authority}/u/aroha`, type: 'Person' as const, name: 'Aroha Ngata' },
      { id: `${group.authority}/u/tomas`, type: 'Person' as const, name: 'Tomás Ruiz' },
    ]
    for (const person of people) {
      await registry.join(group.id, person, {
        role: [`${group.id}/roles/member`],
        coreRole: 'member',
      })
    }
    await registry.connectTool({
      ...BUDGETING,
      installedBy: people[1]?.id ?? '',
    })
    const installations = await store.listInstallations(group.id)
    expect(installations.map((i) => i.installedBy)).toEqual([people[1]?.id])
    const text = JSON.stringify(toMurmurationsOrganization(group, installations))
    expect(text).toContain('https://budgeting.example')
    for (const person of people) {
      expect(text).not.toContain(person.id)
      expect(text).not.toContain(person.name)
    }
    expect(text).not.toContain(group.memberships)
    expect(text).not.toContain('cta:membership')
  })

  it('uses a validator that does reject what Murmurations refuses', () => {
    const good = toMurmurationsOrganization(GROUP, [BUDGETING])
    expect(validate(good)).toBe(true)
    const { name: _name, ...nameless } = good
    expect(validate(nameless)).toBe(false)
    expect(validate({ ...good, linked_schemas: ['organizations'] })).toBe(false)
    expect(validate({ ...good, name: 'x'.repeat(201) })).toBe(false)
    expect(validate({ ...good, urls: [{ name: 'chat', url: 'mailto:a@b.example' }] })).toBe(false)
    expect(
      validate({ ...good, relationships: [{ predicate_url: 'urn:x', object_url: GROUP.id }] }),
    ).toBe(false)
  })
})
