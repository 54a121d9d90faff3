// The vectors of spec/extensibility.md, built from the example documents under examples/documents/:
// a 1.1-style document and a tool's extension that today's receivers accept, extensions that
// redefine CTA's terms and are refused, and signed events whose extension members never change
// what is verified. Registered in ../generate-vectors.ts.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Level, Profile, TrustedTool, Vector } from '../../src/types.js'

/** The requirements these vectors cite, with their profiles and level as spec/extensibility.md states them. */
export const EXTENSIBILITY_REQUIREMENTS: Record<string, { profiles: Profile[]; level: Level }> = {
  'EXT-VER-001': { profiles: ['core'], level: 'MUST' },
  'EXT-CTX-001': { profiles: ['core'], level: 'MUST' },
  'EXT-CTX-002': { profiles: ['core'], level: 'MUST' },
  'EXT-MEM-001': { profiles: ['core'], level: 'MUST' },
  'EXT-MEM-002': { profiles: ['core'], level: 'MUST' },
}

type Built = Vector & { dir: string }
type Doc = Record<string, unknown>

/** What the generator lends this module: its vector builder, signing and the published trust. */
export interface ExtensibilityVectorTools {
  readonly examples: string
  readonly vector: (
    fields: Omit<Vector, '$schema' | 'profiles' | 'level'> & { dir: string },
  ) => Built
  /** Signs a valid event with the decisions tool's key (the SDK's `signEvent`). */
  readonly sign: (event: Doc) => Promise<string>
  /** Signs any payload with the decisions tool's key, bypassing every check. */
  readonly forge: (payload: unknown) => string
  readonly trust: TrustedTool[]
  readonly addSeconds: (iso: string, seconds: number) => string
}

const PINNED = ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1']
/** The decisions tool's own extension context. */
const DECISIONS = { dec: 'https://decisions.example/ns#' }
/** The namespace a later minor version, 1.1, publishes its additions in (EXT-VER-001). */
const MINOR = { cta11: 'https://w3id.org/cta/1.1#' }

const clone = <T>(value: T): T => structuredClone(value)

/** Document vectors: what a receiver accepts and refuses in `@context` and members. */
async function documentVectors(tools: ExtensibilityVectorTools): Promise<Built[]> {
  const read = async (file: string): Promise<Doc> =>
    JSON.parse(await readFile(join(tools.examples, file), 'utf8')) as Doc
  const group = await read('group.json')
  const proposal = await read('proposal-offer.json')
  const poll = await read('events/poll-created.json')
  const extended = (doc: Doc, ...contexts: unknown[]): Doc => ({
    ...clone(doc),
    '@context': [...PINNED, ...contexts],
  })
  const accepted = (
    id: string,
    title: string,
    requirements: string[],
    document: Doc,
    kind: string,
    source: string,
  ) =>
    tools.vector({
      dir: 'documents/valid',
      id: `doc.valid.ext.${id}`,
      title,
      requirements,
      operation: 'validateDocument',
      flags: ['Valid'],
      input: { document },
      expected: { valid: true, kind },
      informative: { source: `examples/documents/${source}` },
    })
  const refused = (
    id: string,
    title: string,
    requirements: string[],
    document: Doc,
    error: 'ERR_JSONLD_UNSAFE' | 'ERR_JSONLD_CONTEXT_UNKNOWN' | 'ERR_SCHEMA_INVALID',
    source: string,
  ) =>
    tools.vector({
      dir: 'documents/invalid',
      id: `doc.invalid.ext.${id}`,
      title: `Rejects: ${title}`,
      requirements,
      operation: 'validateDocument',
      flags: [error === 'ERR_SCHEMA_INVALID' ? 'SchemaViolation' : 'ContextViolation'],
      input: { document },
      expected: { error },
      informative: { source: `examples/documents/${source}` },
    })

  const pollData = clone(poll['data']) as Doc
  pollData['@context'] = [...PINNED, DECISIONS]
  pollData['dec:pollType'] = 'proposal'
  ;(pollData['object'] as Doc)['dec:options'] = [
    { id: 'https://decisions.example/p/Xk3Lq/options/agree', 'dec:label': 'Agree' },
    { id: 'https://decisions.example/p/Xk3Lq/options/block', 'dec:label': 'Block' },
  ]
  const pollEvent = { ...clone(poll), data: pollData }

  return [
    accepted(
      'minor-version-member',
      'A 1.1-style group whose new optional member is declared in the 1.1 namespace',
      ['EXT-VER-001', 'EXT-CTX-001', 'EXT-CTX-002', 'EXT-MEM-001'],
      { ...extended(group, MINOR), 'cta11:timezone': 'Pacific/Auckland' },
      'Group',
      'group.json',
    ),
    accepted(
      'tool-extension-nested',
      "A proposal carrying a tool's declared extension members, at the top and nested",
      ['EXT-CTX-001', 'EXT-CTX-002', 'EXT-MEM-001'],
      {
        ...extended(proposal, DECISIONS, { bud: 'https://budgeting.example/ns/' }),
        'dec:decidedBy': 'https://decisions.example/p/Xk3Lq',
        'bud:bucket': { id: 'https://budgeting.example/buckets/9', 'bud:minimum': '450.00' },
      },
      'Proposal',
      'proposal-offer.json',
    ),
    accepted(
      'tool-event-poll-options',
      "A tool's own event whose poll options travel as extension members, not as a sentence",
      ['EXT-CTX-001', 'EXT-MEM-001', 'DOC-EVT-002'],
      pollEvent,
      'Event',
      'events/poll-created.json',
    ),
    ...(
      [
        ['member', { member: 'https://evil.example/ns#' }],
        ['group', { group: 'https://evil.example/ns#' }],
        ['source', { source: 'https://evil.example/ns#' }],
        ['@context', { '@context': { member: 'https://evil.example/ns#' } }],
      ] as const
    ).map(([term, context]) =>
      refused(
        `redefines-${term.replace('@', '')}`,
        `an extension context that redefines \`${term}\``,
        ['EXT-CTX-002', 'DOC-CTX-004'],
        extended(group, context),
        'ERR_JSONLD_UNSAFE',
        'group.json',
      ),
    ),
    refused(
      'cta-namespace',
      'an extension prefix in the CTA namespace',
      ['EXT-CTX-002'],
      {
        ...extended(group, { x: 'https://w3id.org/cta#' }),
        'x:authority': 'https://evil.example/',
      },
      'ERR_JSONLD_UNSAFE',
      'group.json',
    ),
    refused(
      'undeclared-prefix',
      'an extension member whose prefix no extension context declares',
      ['EXT-MEM-001'],
      { ...extended(group, DECISIONS), 'bud:bucket': 'https://budgeting.example/buckets/9' },
      'ERR_JSONLD_UNSAFE',
      'group.json',
    ),
    refused(
      'undeclared-minor-member',
      'a 1.1 member sent without its prefix: unknown to a 1.0 receiver',
      ['EXT-VER-001', 'DOC-VAL-003'],
      { ...clone(group), timezone: 'Pacific/Auckland' },
      'ERR_SCHEMA_INVALID',
      'group.json',
    ),
    refused(
      'minor-context-iri',
      'a context IRI for a minor version, which a receiver would have to fetch',
      ['EXT-VER-001', 'DOC-CTX-003'],
      extended(group, 'https://w3id.org/cta/v1.1'),
      'ERR_JSONLD_CONTEXT_UNKNOWN',
      'group.json',
    ),
    refused(
      'before-pinned',
      'an extension context listed before the pinned contexts',
      ['EXT-CTX-001', 'DOC-CTX-001'],
      { ...clone(group), '@context': [DECISIONS, ...PINNED] },
      'ERR_JSONLD_UNSAFE',
      'group.json',
    ),
  ]
}

/** Signed-event vectors: extension members are signed like any other, and never change the outcome. */
async function eventVectors(tools: ExtensibilityVectorTools): Promise<Built[]> {
  const joined = JSON.parse(
    await readFile(join(tools.examples, 'events/membership-joined.json'), 'utf8'),
  ) as Doc & { time: string; data: Doc }
  const currentDate = tools.addSeconds(joined.time, 16)
  const withExtension = (id: string, value: unknown): Doc & { data: Doc } => {
    const event = clone(joined)
    event['id'] = id
    event.data['@context'] = [...PINNED, DECISIONS]
    event.data['dec:via'] = value
    return event
  }
  const out: Built[] = []
  const variants: [string, string, unknown][] = [
    [
      'signed-extension',
      'A signed event carrying an extension member verifies',
      'https://decisions.example/p/Xk3Lq',
    ],
    [
      'other-extension-value',
      'The same event with another extension value verifies the same',
      {
        id: 'https://decisions.example/p/Xk3Lq',
        'dec:closing': true,
      },
    ],
  ]
  for (const [slug, title, value] of variants) {
    const event = withExtension(
      `01K2ZEXT${slug === 'signed-extension' ? 'A' : 'B'}0000000000000000`,
      value,
    )
    out.push(
      tools.vector({
        dir: 'events/valid',
        id: `evt.valid.ext.${slug}`,
        title,
        requirements: ['EXT-MEM-002', 'EXT-CTX-001', 'EVT-CTX-001'],
        operation: 'verifyEvent',
        flags: ['Valid'],
        input: { jws: await tools.sign(event), currentDate, trust: tools.trust },
        expected: {
          valid: true,
          kind: 'MembershipJoinedEvent',
          result: { id: event['id'], source: event['source'], type: event['type'] },
        },
        informative: { source: 'examples/documents/events/membership-joined.json' },
      }),
    )
  }
  const inconsistent = withExtension('01K2ZEXTC0000000000000000', 'x')
  inconsistent['group'] = 'https://budgeting.example/g/other'
  inconsistent.data['dec:audience'] = 'https://budgeting.example/g/other'
  const redefining = clone(joined)
  redefining.data['@context'] = [...PINNED, { member: 'https://evil.example/ns#' }]
  for (const [slug, title, requirements, payload, error] of [
    [
      'extension-cannot-change-group',
      'an extension member that repeats a differing group does not make it consistent',
      ['EXT-MEM-002', 'EVT-GRP-001'],
      inconsistent,
      'ERR_EVENT_INCONSISTENT',
    ],
    [
      'extension-redefines-member',
      'an event whose data has an extension context redefining `member`',
      ['EXT-CTX-002', 'EVT-CTX-001'],
      redefining,
      'ERR_JSONLD_UNSAFE',
    ],
  ] as const) {
    out.push(
      tools.vector({
        dir: 'events/invalid',
        id: `evt.ext.${slug}`,
        title: `Rejects: ${title}`,
        requirements: [...requirements],
        operation: 'verifyEvent',
        flags: ['ExtensionViolation'],
        input: { jws: tools.forge(payload), currentDate, trust: tools.trust },
        expected: { error },
        informative: { source: 'examples/documents/events/membership-joined.json' },
      }),
    )
  }
  return out
}

/** Every vector of spec/extensibility.md. */
export async function extensibilityVectors(tools: ExtensibilityVectorTools): Promise<Built[]> {
  return [...(await documentVectors(tools)), ...(await eventVectors(tools))]
}
