/**
 * Generates every derived artifact from the TypeBox source in `src/schemas`:
 * - `schemas/v1/<name>.json`: one JSON Schema 2020-12 file per document kind;
 * - `schemas/context/v1.jsonld`: the JSON-LD context `https://w3id.org/cta/v1`;
 * - `sdk/src/validate/generated/validators.js` (+ `.d.ts`): Ajv standalone validators, so that
 *   nothing compiles code at runtime.
 * Output is deterministic; `npm run schemas` writes it and a test fails when it drifts.
 */
import { _ } from 'ajv'
import Ajv2020 from 'ajv/dist/2020.js'
import standaloneCode from 'ajv/dist/standalone/index.js'
import activityStreams from '../src/jsonld/contexts/activitystreams.json' with { type: 'json' }
import { buildContext } from '../src/jsonld/context.js'
import { coreEvents, documentSchemas, DOCUMENT_KIND_BY_TYPE } from '../src/schemas/index.js'
import {
  AS2_CONTEXT,
  CTA_CONTEXT,
  CTA_RESERVED_IRI_PATTERN,
  EXTENSION_LIMITS,
  EXTENSION_MEMBER_PATTERN,
  EXTENSION_PREFIX_PATTERN,
  schemaId,
} from '../src/schemas/common.js'
import { formats } from '../src/validate/formats.js'

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
  // object, whatever its kind, admits names of the form `prefix:local`.
  if (out['type'] === 'object' && out['additionalProperties'] === false) {
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
  visit(JSON.parse(JSON.stringify(documentSchemas)))
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

function validatorsModule(schemas: Record<string, { [key: string]: Json }>): string {
  const ajv = new Ajv2020.default({
    strict: true,
    // The pinned context is a tuple followed by up to four extension contexts (EXT-CTX-001).
    strictTuples: false,
    allErrors: false,
    inlineRefs: false,
    formats,
    code: { source: true, esm: true, lines: true, formats: _`formats` },
  })
  ajv.addSchema(extensionContextSchema())
  for (const schema of Object.values(schemas)) ajv.addSchema(schema)
  const refs = Object.fromEntries(
    Object.entries(schemas).map(([kind, schema]) => [kind, schema['$id'] as string]),
  )
  let code = standaloneCode.default(ajv, refs)
  code = code
    .replace(/^"use strict";\n/, '')
    .replaceAll('require("ajv/dist/runtime/ucs2length").default', 'ucs2length')
    .replaceAll('require("ajv/dist/runtime/equal").default', 'equal')
  if (code.includes('require(')) throw new Error('generated validators still call require()')
  // A string has at least as many UTF-16 units as code points, so its `.length` decides most
  // length checks without counting code points.
  const counter = /const (func\d+) = ucs2length;/.exec(code)?.[1]
  if (counter !== undefined) {
    code = code
      .replace(
        new RegExp(`${counter}\\((\\w+)\\) > (\\d+)`, 'g'),
        `($1.length > $2 && ${counter}($1) > $2)`,
      )
      .replace(
        new RegExp(`${counter}\\((\\w+)\\) < (\\d+)`, 'g'),
        `($1.length < $2 || ${counter}($1) < $2)`,
      )
  }
  const activitySchemas = Object.fromEntries(
    Object.values(coreEvents).map(({ type, activity }) => [type, activity.$id]),
  )
  const eventKinds = Object.fromEntries(
    Object.values(coreEvents).map(({ type, event }) => [type, event.title]),
  )
  return [
    '// GENERATED by `npm run schemas` from sdk/src/schemas. Do not edit.',
    '/* eslint-disable */',
    "import { formats } from '../formats.js'",
    "import { equal, ucs2length } from '../runtime.js'",
    `export const kindByType = ${JSON.stringify(DOCUMENT_KIND_BY_TYPE)}`,
    `export const eventKindByType = ${JSON.stringify(eventKinds)}`,
    `export const activitySchemaByType = ${JSON.stringify(activitySchemas)}`,
    `export const reservedTerms = ${JSON.stringify(reservedTerms())}`,
    `export const reservedNamespaces = ${JSON.stringify(reservedNamespaces())}`,
    code,
  ].join('\n')
}

function validatorsDeclaration(kinds: string[]): string {
  return [
    '// GENERATED by `npm run schemas` from sdk/src/schemas. Do not edit.',
    "import type { DocumentKind } from '../../schemas/index.js'",
    '',
    '/** An Ajv standalone validator; `errors` holds the issues of the last call. */',
    'export interface GeneratedValidator {',
    '  (data: unknown): boolean',
    '  errors?: Array<{ instancePath: string; keyword: string; message?: string }> | null',
    '}',
    '',
    'export declare const kindByType: Readonly<Record<string, DocumentKind>>',
    'export declare const eventKindByType: Readonly<Record<string, DocumentKind>>',
    'export declare const activitySchemaByType: Readonly<Record<string, string>>',
    '/** Names an extension context may not define (EXT-CTX-002). */',
    'export declare const reservedTerms: readonly string[]',
    '/** Namespaces an extension prefix may not expand under (EXT-CTX-002). */',
    'export declare const reservedNamespaces: readonly string[]',
    ...kinds.map((kind) => `export declare const ${kind}: GeneratedValidator`),
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
  artifacts.set('sdk/src/validate/generated/validators.js', validatorsModule(schemas))
  artifacts.set(
    'sdk/src/validate/generated/validators.d.ts',
    validatorsDeclaration(Object.keys(schemas)),
  )
  return artifacts
}
