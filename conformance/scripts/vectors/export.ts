// The vectors of spec/export.md: signed pages of a member's export, one a verifier accepts and the
// ways a page is refused (another typ, a key of another tool than its generator, a changed
// payload, an unpublished key, too many items, an unknown member, an item that is no valid
// document). Registered in ../generate-vectors.ts.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Level, Profile, TrustedTool, Vector } from '../../src/types.js'

/** The requirements these vectors cite, with their profiles and level as spec/export.md states them. */
export const EXPORT_REQUIREMENTS: Record<string, { profiles: Profile[]; level: Level }> = {
  'EXP-PAGE-001': { profiles: ['core'], level: 'MUST' },
  'EXP-SIGN-001': { profiles: ['core'], level: 'MUST' },
  'EXP-VER-001': { profiles: ['core'], level: 'MUST' },
}

type Built = Vector & { dir: string }
type Doc = Record<string, unknown>
type Signer = 'decisions' | 'budgeting' | 'attacker'

/** What the generator lends this module: its vector builder, signing and the published trust. */
export interface ExportVectorTools {
  readonly examples: string
  readonly vector: (
    fields: Omit<Vector, '$schema' | 'profiles' | 'level'> & { dir: string },
  ) => Built
  /** Signs any payload with a test key under any `typ`, bypassing every check. */
  readonly forge: (payload: unknown, key: Signer, typ: string) => string
  readonly trust: TrustedTool[]
}

const TOOL = 'https://decisions.example'
const GROUP = `${TOOL}/g/harbour-commons`
const ENDPOINT = `${TOOL}/cta/export`
const COLLECTION = `${ENDPOINT}?group=${encodeURIComponent(GROUP)}`

export async function exportVectors(t: ExportVectorTools): Promise<Built[]> {
  const stance = JSON.parse(
    await readFile(join(t.examples, 'decisions', 'stance.json'), 'utf8'),
  ) as Doc
  const member = stance['attributedTo'] as string
  const page: Doc = {
    '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
    id: `${COLLECTION}&page=first`,
    type: 'OrderedCollectionPage',
    partOf: COLLECTION,
    attributedTo: member,
    generator: TOOL,
    context: GROUP,
    published: '2026-08-22T10:00:00Z',
    orderedItems: [stance],
  }
  const valid = (id: string, title: string, jws: string, requirements: string[]): Built =>
    t.vector({
      dir: 'export/valid',
      id: `export.${id}`,
      title,
      requirements,
      operation: 'verifyExportPage',
      flags: ['Valid'],
      input: { jws, trust: t.trust },
      expected: {
        valid: true,
        kind: 'ExportPage',
        result: { attributedTo: member, generator: TOOL, items: 1 },
      },
      informative: { page },
    })
  const invalid = (
    id: string,
    title: string,
    jws: string,
    error: string,
    flags: string[],
    requirements: string[],
    informative: Doc = {},
  ): Built =>
    t.vector({
      dir: 'export/invalid',
      id: `export.${id}`,
      title,
      requirements,
      operation: 'verifyExportPage',
      flags,
      input: { jws, trust: t.trust },
      expected: { error },
      informative,
    })
  const good = t.forge(page, 'decisions', 'cta-export+jws')
  const [header, , signature] = good.split('.')
  const tampered = `${header}.${Buffer.from(JSON.stringify({ ...page, attributedTo: `${TOOL}/u/someone-else` })).toString('base64url')}.${signature}`
  return [
    valid(
      'page-signed-by-generator',
      'A page signed with a key of its generator’s JWKS, typ cta-export+jws, is accepted',
      good,
      ['EXP-SIGN-001', 'EXP-VER-001', 'EXP-PAGE-001'],
    ),
    invalid(
      'typ-event',
      'A page signed as an event (typ cta-event+jws) is refused',
      t.forge(page, 'decisions', 'cta-event+jws'),
      'ERR_TYP_MISMATCH',
      ['TypMismatch'],
      ['EXP-SIGN-001'],
    ),
    invalid(
      'key-of-another-tool',
      'A page whose generator is Decisions, signed with Budgeting’s key, is refused',
      t.forge(page, 'budgeting', 'cta-export+jws'),
      'ERR_SOURCE_MISMATCH',
      ['SourceMismatch'],
      ['EXP-VER-001'],
    ),
    invalid(
      'payload-tampered',
      'A page whose member was changed after signing is refused',
      tampered,
      'ERR_SIGNATURE_INVALID',
      ['PayloadTampered'],
      ['EXP-VER-001'],
    ),
    invalid(
      'unpublished-key',
      'A page signed with a key its tool does not publish is refused',
      t.forge(page, 'attacker', 'cta-export+jws'),
      'ERR_KEY_UNRESOLVED',
      ['KeyUnpublished'],
      ['EXP-VER-001'],
    ),
    invalid(
      'too-many-items',
      'A page of 101 items is refused',
      t.forge(
        {
          ...page,
          orderedItems: Array.from({ length: 101 }, (_, n) => ({
            ...stance,
            id: `${TOOL}/s/${n}`,
          })),
        },
        'decisions',
        'cta-export+jws',
      ),
      'ERR_SCHEMA_INVALID',
      ['SchemaInvalid'],
      ['EXP-PAGE-001'],
    ),
    invalid(
      'unknown-member',
      'A page with a member the page does not define (totalItems) is refused',
      t.forge({ ...page, totalItems: 1 }, 'decisions', 'cta-export+jws'),
      'ERR_SCHEMA_INVALID',
      ['SchemaInvalid'],
      ['EXP-PAGE-001'],
    ),
    invalid(
      'item-invalid',
      'A page whose item is not a valid document (a stance without inReplyTo) is refused',
      t.forge(
        { ...page, orderedItems: [{ ...stance, inReplyTo: undefined }] },
        'decisions',
        'cta-export+jws',
      ),
      'ERR_SCHEMA_INVALID',
      ['SchemaInvalid'],
      ['EXP-PAGE-001'],
    ),
    invalid(
      'generator-with-path',
      'A page whose generator is not an origin is refused',
      t.forge({ ...page, generator: `${TOOL}/tools/decisions` }, 'decisions', 'cta-export+jws'),
      'ERR_SCHEMA_INVALID',
      ['SchemaInvalid'],
      ['EXP-PAGE-001'],
    ),
  ]
}
