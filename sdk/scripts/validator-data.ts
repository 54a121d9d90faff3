/**
 * Turns the published JSON Schemas into the data `schemaValidator` (src/validate/schema-validator.ts)
 * reads, as the body of an ES module (used by generate.ts):
 * - annotations (`title`, `description`, `$comment`, `examples`), `$schema` and `$id` are dropped:
 *   they never change an outcome;
 * - every subschema that occurs more than once, and every schema a `$ref` names, is one constant,
 *   and a `$ref` holds that constant instead of a URI, so that a bundler keeps exactly the
 *   schemas of the kinds a bundle reaches (each export is a pure call);
 * - a schema with a keyword the validator does not implement is refused here, not at runtime.
 * The code is data, not generated functions: a few hundred bytes per kind instead of about 1 KB
 * per property checked (Ajv's standalone code), and no `eval` at runtime either way.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type SchemaObject = { [key: string]: Json }

/** Keywords whose values are maps of subschemas, single subschemas, or lists of subschemas. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties'])
const SCHEMA_ONES = new Set(['items', 'additionalProperties', 'contains', 'not', 'propertyNames'])
const SCHEMA_LISTS = new Set(['prefixItems', 'anyOf'])
/** Keywords kept as they are. */
const VALUES = new Set([
  'type',
  'const',
  'enum',
  'required',
  'format',
  'pattern',
  'maximum',
  'minimum',
  'maxLength',
  'minLength',
  'maxItems',
  'minItems',
  'maxProperties',
  'minProperties',
  'uniqueItems',
])
/** Keywords that never change an outcome. */
const DROPPED = new Set(['title', 'description', '$comment', 'examples', '$schema', '$id'])
const TYPES = new Set(['string', 'number', 'integer', 'object', 'array', 'boolean', 'null'])

const isObject = (value: Json | undefined): value is SchemaObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

/**
 * The data of one schema node: annotations dropped, a `$ref` still the URI it names; throws on
 * a keyword the validator does not implement.
 */
function toData(node: Json, at: string): Json {
  if (typeof node === 'boolean') return node
  if (!isObject(node)) throw new Error(`${at}: a schema must be an object or a boolean`)
  const out: SchemaObject = {}
  for (const [keyword, value] of Object.entries(node)) {
    const here = `${at}/${keyword}`
    if (DROPPED.has(keyword)) continue
    if (keyword === '$ref') {
      if (typeof value !== 'string' || value.includes('#'))
        throw new Error(`${here}: not a schema URI`)
      out[keyword] = value
    } else if (keyword === 'type') {
      if (typeof value !== 'string' || !TYPES.has(value)) throw new Error(`${here}: one type only`)
      out[keyword] = value
    } else if (VALUES.has(keyword)) out[keyword] = value
    else if (SCHEMA_MAPS.has(keyword) && isObject(value)) {
      out[keyword] = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [name, toData(child, `${here}/${name}`)]),
      )
    } else if (SCHEMA_ONES.has(keyword)) out[keyword] = toData(value, here)
    else if (SCHEMA_LISTS.has(keyword) && Array.isArray(value)) {
      out[keyword] = value.map((child, i) => toData(child, `${here}/${i}`))
    } else throw new Error(`${here}: keyword not implemented by schemaValidator`)
  }
  return out
}

const keyOf = (value: Json): string => JSON.stringify(value)

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/**
 * The module body: one `const` per shared subschema (`s<n>`), then `export const <Kind> =
 * schemaValidator(<data>)` per entry of `kinds` (export name → schema `$id`), then
 * `validatorsByKind`. `schemas` are the published schemas and those they reference.
 */
export function validatorData(
  schemas: readonly SchemaObject[],
  kinds: Record<string, string>,
): string {
  const byId = new Map<string, Json>()
  for (const schema of schemas) {
    const id = schema['$id']
    if (typeof id !== 'string') throw new Error('a schema without an $id')
    byId.set(id, toData(schema, id))
  }
  // How often each subschema occurs, over every schema.
  const counts = new Map<string, number>()
  const count = (value: Json): void => {
    if (Array.isArray(value)) value.forEach(count)
    else if (isObject(value)) {
      const key = keyOf(value)
      counts.set(key, (counts.get(key) ?? 0) + 1)
      Object.values(value).forEach(count)
    }
  }
  byId.forEach(count)
  const lines: string[] = []
  const names = new Map<string, string>()
  const named = new Map<string, string>()
  const visiting = new Set<string>()
  /** The name of the constant holding the schema `id`, declared before first use. */
  const nameOfId = (id: string): string => {
    const found = named.get(id)
    if (found !== undefined) return found
    const data = byId.get(id)
    if (data === undefined) throw new Error(`$ref to an unknown schema ${id}`)
    if (visiting.has(id)) throw new Error(`a $ref cycle through ${id}`)
    visiting.add(id)
    const name = declare(data)
    visiting.delete(id)
    named.set(id, name)
    return name
  }
  const declare = (value: Json): string => {
    const key = keyOf(value)
    const found = names.get(key)
    if (found !== undefined) return found
    const code = emit(value, false)
    const name = `s${names.size}`
    names.set(key, name)
    lines.push(`const ${name} = ${code};`)
    return name
  }
  /** JavaScript for a data value; shared objects (`shared`) become constants. */
  const emit = (value: Json, shared: boolean): string => {
    if (Array.isArray(value)) return `[${value.map((item) => emit(item, true)).join(',')}]`
    if (value === null || typeof value !== 'object') return JSON.stringify(value)
    if (shared && (counts.get(keyOf(value)) ?? 0) > 1) return declare(value)
    const members = Object.entries(value).map(([key, item]) => {
      const name = IDENTIFIER.test(key) ? key : JSON.stringify(key)
      // A `$ref` becomes the constant it names; `enum`, `const` and `required` hold plain JSON.
      const data =
        key === '$ref'
          ? nameOfId(item as string)
          : ['enum', 'const', 'required'].includes(key)
            ? JSON.stringify(item)
            : emit(item, true)
      return `${name}:${data}`
    })
    return `{${members.join(',')}}`
  }
  const exports = Object.entries(kinds).map(
    ([kind, id]) => `export const ${kind} = /* @__PURE__ */ schemaValidator(${nameOfId(id)});`,
  )
  return [...lines, ...exports].join('\n')
}
