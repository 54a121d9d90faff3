/**
 * Generates every derived artifact from the TypeBox source in `src/schemas`:
 * - `schemas/v1/<name>.json`: one JSON Schema 2020-12 file per document kind;
 * - `schemas/context/v1.jsonld`: the JSON-LD context `https://w3id.org/cta/v1`;
 * - `sdk/src/validate/generated/validators.js` (+ `.d.ts`): the schemas as data, one validator
 *   per kind over them (`schemaValidator`, see validator-data.ts), so that nothing compiles code
 *   at runtime, with `kinds.js` (the tables that choose a validator) and `event-validators.js`
 *   (the validators an event needs).
 * Output is deterministic; `npm run schemas` writes it and a test fails when it drifts.
 */
import activityStreams from '../src/jsonld/contexts/activitystreams.json' with { type: 'json' }
import { buildContext } from '../src/jsonld/context.js'
import {
  coreEvents,
  documentSchemas,
  DOCUMENT_KIND_BY_TYPE,
  protocolSchemas,
} from '../src/schemas/index.js'
import {
  AS2_CONTEXT,
  CTA_CONTEXT,
  CTA_RESERVED_IRI_PATTERN,
  EXTENSION_LIMITS,
  EXTENSION_MEMBER_PATTERN,
  EXTENSION_PREFIX_PATTERN,
  schemaId,
} from '../src/schemas/common.js'
import { validatorData } from './validator-data.js'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** Paths relative to the repository root, mapped to their exact contents. */
export type Artifacts = Map<string, string>

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`

/**
 * Turns TypeBox output into plain JSON Schema 2020-12: drops TypeBox's symbol keys, writes tuples
 * as `prefixItems`, and writes unions of string constants as `enum`.
 */
export function toJsonSchema2020(schema: unknown): { [key: string]: Json } {
  const plain = JSON.parse(JSON.stringify(schema)) as { [key: string]: Json }
  const body = rewrite(plain) as { [key: string]: Json }
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...body }
}

/** The `$id` of the schema of one extension context (EXT-CTX-002). */
export const EXTENSION_CONTEXT_ID = schemaId('extension-context')

const isPinnedContext = (items: Json[]): boolean =>
  items.length === 2 &&
  items.every(
    (item, i) =>
      item !== null &&
      typeof item === 'object' &&
      !Array.isArray(item) &&
      item['const'] === [AS2_CONTEXT, CTA_CONTEXT][i],
  )

function rewrite(node: Json): Json {
  if (Array.isArray(node)) return node.map(rewrite)
  if (node === null || typeof node !== 'object') return node
  const out: { [key: string]: Json } = {}
  for (const [key, value] of Object.entries(node)) out[key] = rewrite(value)
  if (out['type'] === 'array' && Array.isArray(out['items'])) {
    const items = out['items']
    out['prefixItems'] = items
    out['items'] = false
    delete out['additionalItems']
    // The pinned context may be followed by extension contexts (EXT-CTX-001).
    if (isPinnedContext(items)) {
      out['items'] = { $ref: EXTENSION_CONTEXT_ID }
      out['maxItems'] = items.length + EXTENSION_LIMITS.contexts
    }
  }
  // Closed for CTA's terms, open for declared extension members (EXT-MEM-001): every closed
  // object, whatever its kind, admits names of the form `prefix:local`. A map whose keys are
  // already a pattern (a natural-language map keyed by language tags, DOC-LANG-001) is a value,
  // not a node with members, and keeps its own pattern.
  if (
    out['type'] === 'object' &&
    out['additionalProperties'] === false &&
    out['patternProperties'] === undefined
  ) {
    out['patternProperties'] = { [EXTENSION_MEMBER_PATTERN]: true }
  }
  const anyOf = out['anyOf']
  if (
    Array.isArray(anyOf) &&
    anyOf.every(
      (branch) =>
        branch !== null &&
        typeof branch === 'object' &&
        !Array.isArray(branch) &&
        typeof branch['const'] === 'string' &&
        Object.keys(branch).every((k) => k === 'const' || k === 'type'),
    )
  ) {
    delete out['anyOf']
    out['type'] = 'string'
    out['enum'] = anyOf.map((branch) => (branch as { const: string }).const)
  }
  return out
}

/** The file name a schema is published under, from its `$id`. */
export function schemaFileName(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1)
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Every name an extension context may not define (EXT-CTX-002): the terms of the pinned contexts
 * and every member name of every CTA schema, the envelope's attributes included. Computed from
 * the schemas, so a new document kind reserves its members without a change here.
 */
export function reservedTerms(): string[] {
  const names = new Set<string>()
  const contexts = [buildContext()['@context'], activityStreams['@context']]
  for (const context of contexts) for (const key of Object.keys(context)) names.add(key)
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit)
    else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>
      const properties = record['properties']
      if (properties !== null && typeof properties === 'object' && !Array.isArray(properties)) {
        for (const key of Object.keys(properties)) names.add(key)
      }
      Object.values(record).forEach(visit)
    }
  }
  // The protocol's plain-JSON shapes (feed page, problem, ...) are not JSON-LD: no terms of theirs.
  const jsonLd = Object.entries(documentSchemas).filter(([kind]) => !(kind in protocolSchemas))
  visit(JSON.parse(JSON.stringify(Object.fromEntries(jsonLd))))
  const prefix = new RegExp(EXTENSION_PREFIX_PATTERN)
  return [...names].filter((name) => prefix.test(name)).sort()
}

/**
 * The namespaces the pinned contexts bind (every prefix of the ActivityStreams and CTA contexts,
 * and ActivityStreams' historical `http:` spelling): an extension prefix may not expand under any
 * of them (EXT-CTX-002).
 */
export function reservedNamespaces(): string[] {
  const out = new Set<string>(['http://www.w3.org/ns/activitystreams#'])
  const contexts = [buildContext()['@context'], activityStreams['@context']]
  for (const context of contexts) {
    for (const value of Object.values(context)) {
      if (typeof value === 'string' && /[#/]$/.test(value)) out.add(value)
    }
  }
  return [...out].sort()
}

/** The schema of one extension context: prefixes mapped to namespace IRIs (EXT-CTX-002). */
export function extensionContextSchema(): { [key: string]: Json } {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: EXTENSION_CONTEXT_ID,
    title: 'ExtensionContext',
    description:
      'An extension context: an inline JSON-LD context after the pinned ones, mapping prefixes to the namespaces of extension members.',
    type: 'object',
    minProperties: 1,
    maxProperties: EXTENSION_LIMITS.prefixes,
    propertyNames: {
      type: 'string',
      pattern: EXTENSION_PREFIX_PATTERN,
      not: { enum: reservedTerms() },
    },
    additionalProperties: {
      type: 'string',
      format: 'iri',
      maxLength: 2048,
      pattern: '[#/]$',
      not: {
        anyOf: [
          { pattern: CTA_RESERVED_IRI_PATTERN },
          { pattern: `^(${reservedNamespaces().map(escape).join('|')})` },
        ],
      },
    },
  }
}

const HEADER = [
  '// GENERATED by `npm run schemas` from sdk/src/schemas. Do not edit.',
  '/* eslint-disable */',
]

/** The kinds an event may be validated as: the generic `Event` and every core event. */
function eventKinds(): string[] {
  return ['Event', ...Object.values(coreEvents).map(({ event }) => String(event.title))]
}

/**
 * `validators.js`: one export per kind, a `schemaValidator` over pure constants of schema data
 * (see validator-data.ts), so that a bundler keeps only the schemas a bundle reaches
 * (`event-validators.js` re-exports those an event needs).
 */
function validatorsModule(schemas: Record<string, { [key: string]: Json }>): string {
  const refs = Object.fromEntries(
    Object.entries(schemas).map(([kind, schema]) => [kind, schema['$id'] as string]),
  )
  const code = validatorData([extensionContextSchema(), ...Object.values(schemas)], refs)
  return [
    ...HEADER,
    "import { schemaValidator } from '../schema-validator.js'",
    "export { activitySchemaByType, reservedNamespaces, reservedTerms } from './kinds.js'",
    code,
    // A plain object (not a namespace import, which bundlers turn into a call they must keep).
    `export const validatorsByKind = { ${Object.keys(schemas).join(', ')} }`,
    '',
  ].join('\n')
}

/** `kinds.js`: the tables that choose a validator, without any validator. */
function kindsModule(schemas: Record<string, { [key: string]: Json }>): string {
  const activitySchemas = Object.fromEntries(
    Object.values(coreEvents).map(({ type, activity }) => [type, activity.$id]),
  )
  const eventKindsByType = Object.fromEntries(
    Object.values(coreEvents).map(({ type, event }) => [type, event.title]),
  )
  return [
    ...HEADER,
    `export const documentKinds = ${JSON.stringify(Object.keys(schemas))}`,
    `export const kindByType = ${JSON.stringify(DOCUMENT_KIND_BY_TYPE)}`,
    `export const eventKindByType = ${JSON.stringify(eventKindsByType)}`,
    `export const activitySchemaByType = ${JSON.stringify(activitySchemas)}`,
    `export const reservedTerms = ${JSON.stringify(reservedTerms())}`,
    `export const reservedNamespaces = ${JSON.stringify(reservedNamespaces())}`,
    '',
  ].join('\n')
}

/** `event-validators.js`: the validators of the kinds an event may be. */
function eventValidatorsModule(): string {
  const kinds = eventKinds().join(', ')
  return [
    ...HEADER,
    `import { ${kinds} } from './validators.js'`,
    `export const eventValidatorsByKind = { ${kinds} }`,
    '',
  ].join('\n')
}

function validatorsDeclaration(kinds: string[]): string {
  return [
    '// GENERATED by `npm run schemas` from sdk/src/schemas. Do not edit.',
    '',
    '/** A validator over schema data; `errors` holds the errors of the last call, as Ajv reports them. */',
    'export interface GeneratedValidator {',
    '  (data: unknown): boolean',
    '  errors?: Array<{ instancePath: string; keyword: string; message?: string }> | null',
    '}',
    '',
    "export { activitySchemaByType, reservedNamespaces, reservedTerms } from './kinds.js'",
    ...kinds.map((kind) => `export declare const ${kind}: GeneratedValidator`),
    '/** Every validator, by kind. */',
    'export declare const validatorsByKind: Readonly<Record<string, GeneratedValidator>>',
    '',
  ].join('\n')
}

function kindsDeclaration(): string {
  return [
    '// GENERATED by `npm run schemas` from sdk/src/schemas. Do not edit.',
    "import type { DocumentKind } from '../../schemas/index.js'",
    '',
    '/** Every kind that has a validator. */',
    'export declare const documentKinds: readonly DocumentKind[]',
    'export declare const kindByType: Readonly<Record<string, DocumentKind>>',
    'export declare const eventKindByType: Readonly<Record<string, DocumentKind>>',
    'export declare const activitySchemaByType: Readonly<Record<string, string>>',
    '/** Names an extension context may not define (EXT-CTX-002). */',
    'export declare const reservedTerms: readonly string[]',
    '/** Namespaces an extension prefix may not expand under (EXT-CTX-002). */',
    'export declare const reservedNamespaces: readonly string[]',
    '',
  ].join('\n')
}

function eventValidatorsDeclaration(): string {
  return [
    '// GENERATED by `npm run schemas` from sdk/src/schemas. Do not edit.',
    "import type { GeneratedValidator } from './validators.js'",
    '',
    '/** The validators of the kinds an event may be: `Event` and every core event. */',
    'export declare const eventValidatorsByKind: Readonly<',
    `  Record<${eventKinds()
      .map((kind) => `'${kind}'`)
      .join(' | ')}, GeneratedValidator>`,
    '>',
    '',
  ].join('\n')
}

/** Builds every artifact in memory. */
export function generateArtifacts(): Artifacts {
  const artifacts: Artifacts = new Map()
  const schemas: Record<string, { [key: string]: Json }> = {}
  for (const [kind, schema] of Object.entries(documentSchemas)) {
    const out = toJsonSchema2020(schema)
    schemas[kind] = out
    artifacts.set(`schemas/v1/${schemaFileName(out['$id'] as string)}`, json(out))
  }
  const extensionContext = extensionContextSchema()
  artifacts.set(
    `schemas/v1/${schemaFileName(extensionContext['$id'] as string)}`,
    json(extensionContext),
  )
  artifacts.set('schemas/context/v1.jsonld', json(buildContext()))
  const generated = 'sdk/src/validate/generated/'
  artifacts.set(`${generated}kinds.js`, kindsModule(schemas))
  artifacts.set(`${generated}kinds.d.ts`, kindsDeclaration())
  artifacts.set(`${generated}validators.js`, validatorsModule(schemas))
  artifacts.set(`${generated}validators.d.ts`, validatorsDeclaration(Object.keys(schemas)))
  artifacts.set(`${generated}event-validators.js`, eventValidatorsModule())
  artifacts.set(`${generated}event-validators.d.ts`, eventValidatorsDeclaration())
  return artifacts
}
