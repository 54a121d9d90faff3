/**
 * Turns the published JSON Schemas into small Ajv standalone code (used by generate.ts):
 * - the copies compiled drop annotations (`title`, `description`, `$comment`, `examples`), which
 *   never change an outcome but would be embedded in the code;
 * - every subschema that occurs more than once across all kinds is compiled once, as a shared
 *   schema that the kinds reach by `$ref` (Ajv then emits one function for it instead of one copy
 *   per place);
 * - the Ajv instance is the 2020-12 vocabulary without the bookkeeping that only
 *   `unevaluated*` and `$dynamicRef` need (no schema uses them; `assertNoDynamicKeywords` checks);
 * - error objects keep what the SDK reads (`instancePath`, `keyword`, `message`): `schemaPath`,
 *   `params` and `propertyName` are dropped, and calls between validators stop passing the
 *   parent data that only data-modifying options read.
 * Outcomes and the first error (path, keyword, message) are those of Ajv compiling the published
 * schemas directly; `sdk/test/generated-differential.test.ts` checks it over every example and
 * vector document and mutations of them.
 */
import { createHash } from 'node:crypto'
import { _ } from 'ajv'
import Ajv2020 from 'ajv/dist/2020.js'
import AjvCore from 'ajv/dist/core.js'
import draft2020Vocabularies from 'ajv/dist/vocabularies/draft2020.js'
import standaloneCode from 'ajv/dist/standalone/index.js'
import { formats } from '../src/validate/formats.js'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type SchemaObject = { [key: string]: Json }

/** Keywords whose values are maps of subschemas, single subschemas, or lists of subschemas. */
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'dependentSchemas']
const SCHEMA_ONES = ['items', 'additionalProperties', 'contains', 'not', 'if', 'then', 'else']
const SCHEMA_LISTS = ['prefixItems', 'anyOf', 'oneOf', 'allOf']
/** Annotations: they never change whether an instance is valid. */
const ANNOTATIONS = ['title', 'description', '$comment', 'examples']
/** Keywords that would need the bookkeeping the lean instance leaves out. */
const DYNAMIC = ['unevaluatedProperties', 'unevaluatedItems', '$dynamicRef', '$dynamicAnchor']

const isObject = (value: Json | undefined): value is SchemaObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

/** Calls `visit` for every direct subschema of `node` with a setter that replaces it. */
function eachSubschema(
  node: SchemaObject,
  visit: (child: SchemaObject, replace: (next: SchemaObject) => void, keyword?: string) => void,
): void {
  for (const key of SCHEMA_MAPS) {
    const map = node[key]
    if (!isObject(map)) continue
    for (const name of Object.keys(map)) {
      const child = map[name]
      if (isObject(child)) visit(child, (next) => (map[name] = next))
    }
  }
  for (const key of SCHEMA_ONES) {
    const child = node[key]
    if (isObject(child)) visit(child, (next) => (node[key] = next), key)
  }
  for (const key of SCHEMA_LISTS) {
    const list = node[key]
    if (!Array.isArray(list)) continue
    list.forEach((child, i) => {
      if (isObject(child)) visit(child, (next) => (list[i] = next))
    })
  }
}

/** Throws when a schema uses a keyword the lean Ajv instance does not track. */
export function assertNoDynamicKeywords(schemas: readonly SchemaObject[]): void {
  const text = JSON.stringify(schemas)
  for (const keyword of DYNAMIC) {
    if (text.includes(`"${keyword}"`)) {
      throw new Error(`a schema uses ${keyword}: compile it with Ajv2020, not the lean instance`)
    }
  }
}

function withoutAnnotations(node: SchemaObject): SchemaObject {
  const out: SchemaObject = {}
  for (const [key, value] of Object.entries(node)) {
    if (!ANNOTATIONS.includes(key) && key !== '$schema') out[key] = value
  }
  eachSubschema(out, (child, replace) => {
    replace(withoutAnnotations({ ...child }))
  })
  return out
}

/**
 * The copies to compile: annotations dropped, and each subschema with a `type` that occurs at
 * least twice replaced by a `$ref` to one shared schema (`urn:cta:shared:<hash>`), innermost
 * first. `propertyNames` is left inline (its errors carry the object's path, not the name's), and
 * so are the `items` of an array with `uniqueItems` (Ajv picks how to compare them by their type,
 * and the comparison decides which two indices the error names).
 */
export function shareSubschemas(schemas: readonly SchemaObject[]): SchemaObject[] {
  const copies = schemas.map((schema) => withoutAnnotations(structuredClone(schema)))
  const counts = new Map<string, number>()
  const count = (node: SchemaObject): void => {
    eachSubschema(node, (child) => {
      const key = JSON.stringify(child)
      counts.set(key, (counts.get(key) ?? 0) + 1)
      count(child)
    })
  }
  copies.forEach(count)
  const shared = new Map<string, SchemaObject>()
  const rewrite = (node: SchemaObject): void => {
    eachSubschema(node, (child, replace, keyword) => {
      const key = JSON.stringify(child)
      rewrite(child)
      if (child['type'] === undefined || child['$ref'] !== undefined) return
      // `uniqueItems` compares by hash when it sees the items' scalar type: keep it visible.
      if (keyword === 'items' && node['uniqueItems'] === true) return
      if ((counts.get(key) ?? 0) < 2) return
      const id = `urn:cta:shared:${createHash('sha256').update(key).digest('hex').slice(0, 12)}`
      if (!shared.has(id)) shared.set(id, { $id: id, ...child })
      replace({ $ref: id })
    })
  }
  copies.forEach(rewrite)
  return [
    ...copies,
    ...[...shared.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, s]) => s),
  ]
}

/** A CommonJS module's `exports.default`, whether the loader put it on `default` or not. */
function defaultExport<T>(module: T | { default: T }): T {
  return typeof module === 'object' && module !== null && 'default' in module
    ? module.default
    : module
}
type CoreClass = typeof AjvCore.default
type Vocabularies = typeof draft2020Vocabularies.default
const Core = defaultExport(AjvCore as unknown as CoreClass | { default: CoreClass })
const vocabularies = defaultExport(
  draft2020Vocabularies as unknown as Vocabularies | { default: Vocabularies },
)

/** Ajv with the 2020-12 vocabulary, without `unevaluated*` and `$dynamicRef` bookkeeping. */
class LeanAjv extends Core {
  override _addVocabularies(): void {
    super._addVocabularies()
    vocabularies.forEach((vocabulary) => this.addVocabulary(vocabulary))
  }
}

/** The end of the object literal that starts at `open` (a `{`), skipping string literals. */
function closingBrace(code: string, open: number): number {
  let depth = 0
  for (let i = open; i < code.length; i++) {
    const c = code[i]
    if (c === '"') {
      for (i++; code[i] !== '"'; i++) if (code[i] === '\\') i++
    } else if (c === '{') depth++
    else if (c === '}' && --depth === 0) return i
  }
  throw new Error('unbalanced object literal in generated code')
}

/** Drops the members of error objects and validator calls that the SDK never reads. */
export function dropUnreadMembers(code: string): string {
  const member =
    /,schemaPath:"(?:[^"\\]|\\.)*"|,propertyName:\w+|,parentData:\w+,parentDataProperty:(?:"(?:[^"\\]|\\.)*"|\w+),rootData\b|,params:\{/g
  let out = ''
  let from = 0
  for (let m = member.exec(code); m !== null; m = member.exec(code)) {
    out += code.slice(from, m.index)
    from =
      m[0] === ',params:{' ? closingBrace(code, m.index + ',params:'.length) + 1 : member.lastIndex
    member.lastIndex = from
  }
  return out + code.slice(from)
}

/**
 * Reduces each schema constant the code keeps (`const schemaN = {…}`) to what the code reads.
 * Ajv reads them only for `Object.prototype.hasOwnProperty.call(schemaN.properties, key)`
 * (`additionalProperties` over many names): such a constant keeps, at each path read that way,
 * its member names only. A constant read any other way is left whole; one never read is dropped.
 */
export function shrinkSchemaConstants(code: string): string {
  const definition = /const (schema\d+) ?= ?\{/g
  const found: { name: string; statement: number; start: number; end: number }[] = []
  for (let m = definition.exec(code); m !== null; m = definition.exec(code)) {
    const open = m.index + m[0].length - 1
    const end = closingBrace(code, open) + 1
    found.push({ name: m[1] as string, statement: m.index, start: open, end })
  }
  let out = code
  for (const { name, statement, start, end } of found.reverse()) {
    const rest = code.slice(0, start) + code.slice(end)
    const uses = [...rest.matchAll(new RegExp(`\\b${name}\\b([.\\w$]*)`, 'g'))]
    const reads = [...rest.matchAll(new RegExp(`\\.call\\(${name}((?:\\.[\\w$]+)*), `, 'g'))]
    // Never read: the whole statement goes.
    if (uses.length === 1) {
      if (code[end] !== ';') throw new Error(`${name} is not a statement of its own`)
      out = out.slice(0, statement) + out.slice(end + 1)
      continue
    }
    // The definition's own name is one use; every other must be a hasOwnProperty read.
    if (reads.length !== uses.length - 1) continue
    const schema = JSON.parse(code.slice(start, end)) as SchemaObject
    const reduced: SchemaObject = {}
    for (const read of reads) {
      const path = (read[1] as string).split('.').slice(1)
      let from: Json | undefined = schema
      let to: SchemaObject = reduced
      for (const key of path) {
        from = isObject(from) ? from[key] : undefined
        const next: Json | undefined = to[key]
        to = to[key] = isObject(next) ? next : {}
      }
      if (!isObject(from)) throw new Error(`${name}${String(read[1])} is not an object`)
      for (const key of Object.keys(from)) if (!isObject(to[key])) to[key] = 0
    }
    out = out.slice(0, start) + JSON.stringify(reduced) + out.slice(end)
  }
  return out
}

/**
 * Ajv standalone code (ESM, no `require`) exporting one validator per entry of `refs`
 * (export name → schema `$id`), compiled from `schemas` (the published schemas and those they
 * reference).
 */
export function validatorCode(
  schemas: readonly SchemaObject[],
  refs: Record<string, string>,
): string {
  assertNoDynamicKeywords(schemas)
  const checker = new Ajv2020.default({ strict: true, strictTuples: false, formats })
  for (const schema of schemas) {
    if (!checker.validateSchema(schema)) {
      throw new Error(`invalid schema ${JSON.stringify(schema['$id'])}: ${checker.errorsText()}`)
    }
  }
  const ajv = new LeanAjv({
    strict: true,
    // The pinned context is a tuple followed by up to four extension contexts (EXT-CTX-001).
    strictTuples: false,
    allErrors: false,
    inlineRefs: false,
    meta: false,
    validateSchema: false,
    formats,
    code: { source: true, esm: true, lines: false, optimize: 2, formats: _`formats` },
  })
  for (const schema of shareSubschemas(schemas)) ajv.addSchema(schema)
  let code = standaloneCode
    .default(ajv, refs)
    .replace(/^"use strict";/, '')
    .replaceAll('require("ajv/dist/runtime/ucs2length").default', 'ucs2length')
    .replaceAll('require("ajv/dist/runtime/equal").default', 'equal')
    // Pure, so that a bundler drops the expressions of the validators a bundle does not use.
    .replaceAll('= new RegExp(', '= /* @__PURE__ */ new RegExp(')
  if (code.includes('require(')) throw new Error('generated validators still call require()')
  code = shrinkSchemaConstants(dropUnreadMembers(code))
  // How Ajv merges a called validator's errors, once as a function instead of at every call.
  code = code.replace(
    /vErrors = vErrors === null \? (validate\d+)\.errors : vErrors\.concat\(\1\.errors\);/g,
    'vErrors = concatErrors(vErrors, $1.errors);',
  )
  // A string has at least as many UTF-16 units as code points, so its `.length` decides most
  // length checks without counting code points.
  const counter = /const (func\d+) ?= ?ucs2length;/.exec(code)?.[1]
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
  return code
}
