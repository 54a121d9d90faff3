/**
 * Validates with JSON Schema 2020-12 data instead of generated code: each schema node becomes a
 * closure once, on first use, and nothing is compiled from strings (CSP-safe, Workers-safe).
 * The generated `validators.js` holds the schemas as plain constants (one per shared subschema)
 * with every `$ref` replaced by the node it names, so a bundler keeps only the kinds reached.
 *
 * The outcome and the errors are those of Ajv with `allErrors: false`, `strict: true` and
 * `inlineRefs: false` (what the SDK compiled with before): keywords run in Ajv's order (untyped
 * keywords, then the number, string, array and object groups), the first failure ends a node, a
 * node of one type with keywords of that type reports a wrong type after its untyped keywords,
 * and a failed `anyOf` or `propertyNames` keeps the errors of its branches before its own.
 * `sdk/test/generated-differential.test.ts` compares it with Ajv over every example, twin and
 * vector document and mutations of them.
 * @internal
 */
import { formats } from './formats.js'
import { equal, ucs2length } from './runtime.js'

/** One error, as Ajv reports it (without the members the SDK never reads). */
export interface SchemaError {
  instancePath: string
  keyword: string
  message: string
}

/** A validator with Ajv's interface: `errors` holds the errors of the last call, or `null`. */
export interface SchemaValidator {
  (data: unknown): boolean
  errors?: SchemaError[] | null
}

/** A schema node; a `$ref` holds the node it refers to. */
type Node = boolean | { readonly [keyword: string]: unknown }
/**
 * `composite`: inside `anyOf`, `not`, `contains` or `propertyNames` of the same `$ref` target.
 * `path`: the instance path, or `undefined` in a first pass that only decides the outcome and
 * builds no paths (see {@link schemaValidator}); errors found then have no meaningful path.
 */
type Check = (data: unknown, path: Path, composite: boolean) => SchemaError[] | null
type Path = string | undefined
type Group = 'number' | 'string' | 'array' | 'object'

const KEYWORDS: Readonly<Record<Group, readonly string[]>> = {
  number: ['maximum', 'minimum'],
  string: ['maxLength', 'minLength', 'pattern', 'format'],
  array: ['maxItems', 'minItems', 'prefixItems', 'items', 'contains', 'uniqueItems'],
  object: [
    'maxProperties',
    'minProperties',
    'required',
    'propertyNames',
    'additionalProperties',
    'properties',
    'patternProperties',
  ],
}
const GROUPS = Object.keys(KEYWORDS) as Group[]
const UNTYPED = ['$ref', 'const', 'enum', 'not', 'anyOf']
const IMPLEMENTED: ReadonlySet<string> = new Set([
  'type',
  ...UNTYPED,
  ...Object.values(KEYWORDS).flat(),
])

const isObject = (d: unknown): d is Record<string, unknown> =>
  typeof d === 'object' && d !== null && !Array.isArray(d)

/** Is `d` of JSON Schema type `type` (numbers finite, as Ajv's `strictNumbers` has it)? */
function isType(type: string, d: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof d === 'string'
    case 'object':
      return isObject(d)
    case 'array':
      return Array.isArray(d)
    case 'number':
      return typeof d === 'number' && isFinite(d)
    case 'integer':
      return typeof d === 'number' && isFinite(d) && d % 1 === 0
    case 'boolean':
      return typeof d === 'boolean'
    default:
      return d === null
  }
}

/** {@link isType} of each group, as one function each. */
const GROUP_TESTS: Readonly<Record<Group, (d: unknown) => boolean>> = {
  number: (d) => typeof d === 'number' && isFinite(d),
  string: (d) => typeof d === 'string',
  array: (d) => Array.isArray(d),
  object: isObject,
}

const fail = (instancePath: Path, keyword: string, message: string): SchemaError[] => [
  { instancePath: instancePath ?? '', keyword, message },
]

/** `/key` as a JSON Pointer step. */
const step = (key: string): string =>
  key.includes('~') || key.includes('/')
    ? `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`
    : `/${key}`
const pass: Check = () => null
/** A member-name test. */
type NameTest = (key: string) => boolean
/** Does any of `patterns` match `key`? */
function matchesAny(patterns: readonly NameTest[], key: string): boolean {
  for (let i = 0; i < patterns.length; i++) if ((patterns[i] as NameTest)(key)) return true
  return false
}

/** Most member names one pattern remembers its answer for. */
const NAMES_REMEMBERED = 512

/**
 * A `patternProperties` pattern as a test of member names. Documents use the same few names over
 * and over, so each answer is remembered (up to {@link NAMES_REMEMBERED} names, then forgotten
 * all at once): a lookup instead of running the expression for every member of every object.
 */
function nameTest(pattern: string): NameTest {
  const re = new RegExp(pattern, 'u')
  const known = new Map<string, boolean>()
  return (key) => {
    let found = known.get(key)
    if (found === undefined) {
      found = re.test(key)
      if (known.size >= NAMES_REMEMBERED) known.clear()
      known.set(key, found)
    }
    return found
  }
}

const checks = new WeakMap<object, Check>()

/** The check of a node, built once. */
function compile(node: Node): Check {
  if (node === true) return pass
  if (node === false) return (_, path) => fail(path, 'false schema', 'boolean schema is false')
  let check = checks.get(node)
  if (check === undefined) {
    check = build(node)
    checks.set(node, check)
  }
  return check
}

/** Runs `list` in order; the first failure is the result. */
function all(list: readonly Check[]): Check {
  const [first, second] = list
  if (list.length === 1) return first as Check
  if (list.length === 2) {
    return (data, path, composite) =>
      (first as Check)(data, path, composite) ?? (second as Check)(data, path, composite)
  }
  return (data, path, composite) => {
    for (const check of list) {
      const errors = check(data, path, composite)
      if (errors !== null) return errors
    }
    return null
  }
}

function build(s: { readonly [keyword: string]: unknown }): Check {
  for (const keyword in s) {
    if (!IMPLEMENTED.has(keyword)) throw new Error(`unsupported schema keyword ${keyword}`)
  }
  const type = s['type'] as string | undefined
  const groups: Partial<Record<Group, Check[]>> = {}
  for (const group of GROUPS) {
    const present = KEYWORDS[group].filter((keyword) => s[keyword] !== undefined)
    if (present.length === 0) continue
    // A string's keywords, the most frequent, run in one closure.
    groups[group] =
      group === 'string' ? [stringCheck(s)] : present.map((keyword) => keywordCheck(s, keyword))
  }
  const list: Check[] = []
  // A type without keywords of its own group is checked before anything else.
  const typed = type !== undefined && type in groups
  if (type !== undefined && !typed) {
    list.push((data, path) => (isType(type, data) ? null : fail(path, 'type', `must be ${type}`)))
  }
  for (const keyword of UNTYPED) {
    if (s[keyword] !== undefined) list.push(keywordCheck(s, keyword))
  }
  for (const group of GROUPS) {
    const groupChecks = groups[group]
    if (groupChecks === undefined) continue
    const run = all(groupChecks)
    const wrong = typed && type === group
    const ofGroup = GROUP_TESTS[group]
    list.push((data, path, composite) =>
      ofGroup(data)
        ? run(data, path, composite)
        : wrong
          ? fail(path, 'type', `must be ${group}`)
          : null,
    )
  }
  return list.length === 1 ? (list[0] as Check) : all(list)
}

/** The check of one keyword; `data` is of the keyword's type when it runs. */
function keywordCheck(s: { readonly [keyword: string]: unknown }, keyword: string): Check {
  const value = s[keyword]
  const n = value as number
  switch (keyword) {
    case '$ref': {
      let target: Check | undefined
      return (data, path) => (target ??= compile(value as Node))(data, path, false)
    }
    case 'const':
      return (data, path) =>
        equal(data, value) ? null : fail(path, keyword, 'must be equal to constant')
    case 'enum': {
      const values = value as unknown[]
      const message = 'must be equal to one of the allowed values'
      // Scalars (JSON has no NaN): a set finds them as `equal` would.
      if (values.every((v) => v === null || typeof v !== 'object')) {
        const set = new Set(values)
        return (data, path) => (set.has(data) ? null : fail(path, keyword, message))
      }
      return (data, path) =>
        values.some((v) => equal(data, v)) ? null : fail(path, keyword, message)
    }
    case 'not': {
      const check = compile(value as Node)
      return (data, path) =>
        check(data, path, true) === null ? fail(path, keyword, 'must NOT be valid') : null
    }
    case 'anyOf': {
      const branches = (value as Node[]).map(compile)
      return (data, path) => {
        let errors: SchemaError[] | undefined
        for (const branch of branches) {
          const found = branch(data, path, true)
          if (found === null) return null
          ;(errors ??= []).push(...found)
        }
        return [...(errors ?? []), ...fail(path, keyword, 'must match a schema in anyOf')]
      }
    }
    case 'maximum':
      return (data, path) => ((data as number) > n ? fail(path, keyword, `must be <= ${n}`) : null)
    case 'minimum':
      return (data, path) => ((data as number) < n ? fail(path, keyword, `must be >= ${n}`) : null)
    case 'maxItems':
    case 'maxProperties':
    case 'minItems':
    case 'minProperties': {
      const max = keyword.startsWith('max')
      const what = keyword.endsWith('Items') ? 'items' : 'properties'
      const message = `must NOT have ${max ? 'more' : 'fewer'} than ${n} ${what}`
      return (data, path) => {
        const size = Array.isArray(data) ? data.length : Object.keys(data as object).length
        return (max ? size > n : size < n) ? fail(path, keyword, message) : null
      }
    }
    case 'prefixItems': {
      const items = (value as Node[]).map(compile)
      return (data, path, composite) => {
        const d = data as unknown[]
        for (let i = 0; i < items.length && i < d.length; i++) {
          const errors = (items[i] as Check)(
            d[i],
            path === undefined ? undefined : `${path}/${i}`,
            composite,
          )
          if (errors !== null) return errors
        }
        return null
      }
    }
    case 'items': {
      const from = (s['prefixItems'] as unknown[] | undefined)?.length ?? 0
      if (value === false) {
        return (data, path) =>
          (data as unknown[]).length > from
            ? fail(path, keyword, `must NOT have more than ${from} items`)
            : null
      }
      const check = compile(value as Node)
      return (data, path, composite) => {
        const d = data as unknown[]
        for (let i = from; i < d.length; i++) {
          const errors = check(d[i], path === undefined ? undefined : `${path}/${i}`, composite)
          if (errors !== null) return errors
        }
        return null
      }
    }
    case 'contains': {
      const check = compile(value as Node)
      return (data, path, composite) => {
        const errors: SchemaError[] = []
        const d = data as unknown[]
        for (let i = 0; i < d.length; i++) {
          const found = check(d[i], path === undefined ? undefined : `${path}/${i}`, true)
          if (found === null) return null
          errors.push(...found)
        }
        const error = fail(path, keyword, 'must contain at least 1 valid item(s)')
        return composite ? [...errors, ...error] : error
      }
    }
    case 'uniqueItems':
      return uniqueItems(s)
    case 'required': {
      const names = value as string[]
      return (data, path) => {
        const d = data as Record<string, unknown>
        for (const name of names) {
          if (d[name] === undefined) {
            return fail(path, keyword, `must have required property '${name}'`)
          }
        }
        return null
      }
    }
    case 'propertyNames': {
      const check = compile(value as Node)
      return (data, path) => {
        for (const key in data as object) {
          const errors = check(key, path, true)
          if (errors !== null) {
            return [...errors, ...fail(path, keyword, 'property name must be valid')]
          }
        }
        return null
      }
    }
    case 'additionalProperties': {
      const known = new Set(Object.keys((s['properties'] as object | undefined) ?? {}))
      const patterns = Object.keys((s['patternProperties'] as object | undefined) ?? {}).map(
        nameTest,
      )
      const check = value === false ? undefined : compile(value as Node)
      return (data, path, composite) => {
        const d = data as Record<string, unknown>
        for (const key in d) {
          if (known.has(key) || matchesAny(patterns, key)) continue
          if (check === undefined) {
            return fail(path, keyword, 'must NOT have additional properties')
          }
          const errors = check(d[key], path === undefined ? undefined : path + step(key), composite)
          if (errors !== null) return errors
        }
        return null
      }
    }
    case 'properties': {
      const names = Object.keys(value as object)
      const steps = names.map(step)
      const properties = Object.values(value as Record<string, Node>).map(compile)
      return (data, path, composite) => {
        const d = data as Record<string, unknown>
        for (let i = 0; i < names.length; i++) {
          const item = d[names[i] as string]
          if (item === undefined) continue
          const errors = (properties[i] as Check)(
            item,
            path === undefined ? undefined : path + (steps[i] as string),
            composite,
          )
          if (errors !== null) return errors
        }
        return null
      }
    }
    case 'patternProperties': {
      const patterns = Object.entries(value as Record<string, Node>).map(
        ([pattern, node]) => [nameTest(pattern), compile(node)] as const,
      )
      return (data, path, composite) => {
        const d = data as Record<string, unknown>
        for (const [re, check] of patterns) {
          for (const key in d) {
            if (!re(key)) continue
            const errors = check(
              d[key],
              path === undefined ? undefined : path + step(key),
              composite,
            )
            if (errors !== null) return errors
          }
        }
        return null
      }
    }
    default:
      throw new Error(`unsupported schema keyword ${keyword}`)
  }
}

/** `maxLength`, `minLength`, `pattern` and `format`, in that order, of a string. */
function stringCheck(s: { readonly [keyword: string]: unknown }): Check {
  const max = s['maxLength'] as number | undefined
  const min = s['minLength'] as number | undefined
  const pattern = s['pattern'] as string | undefined
  const re = pattern === undefined ? undefined : new RegExp(pattern, 'u')
  const format = s['format'] as keyof typeof formats | undefined
  const test = format === undefined ? undefined : formats[format]
  return (data, path) => {
    const d = data as string
    if (max !== undefined && d.length > max && ucs2length(d) > max) {
      return fail(path, 'maxLength', `must NOT have more than ${max} characters`)
    }
    if (min !== undefined && (d.length < min || ucs2length(d) < min)) {
      return fail(path, 'minLength', `must NOT have fewer than ${min} characters`)
    }
    if (re !== undefined && !re.test(d)) {
      return fail(path, 'pattern', `must match pattern "${String(pattern)}"`)
    }
    if (test !== undefined && !test(d)) {
      return fail(path, 'format', `must match format "${String(format)}"`)
    }
    return null
  }
}

/** `uniqueItems`, comparing as Ajv does: by value for scalar items of one type, else pairwise. */
function uniqueItems(s: { readonly [keyword: string]: unknown }): Check {
  if (s['uniqueItems'] !== true) return pass
  const items = s['items']
  const itemType =
    typeof items === 'object' && items !== null ? (items as { type?: unknown }).type : undefined
  const message = (j: number, i: number): string =>
    `must NOT have duplicate items (items ## ${j} and ${i} are identical)`
  if (typeof itemType === 'string' && itemType !== 'object' && itemType !== 'array') {
    return (data, path) => {
      const d = data as unknown[]
      const indices: Record<string, number> = {}
      for (let i = d.length; d.length > 1 && i--;) {
        const item = d[i]
        if (!isType(itemType, item)) continue
        const j = indices[item as string]
        if (typeof j === 'number') return fail(path, 'uniqueItems', message(j, i))
        indices[item as string] = i
      }
      return null
    }
  }
  return (data, path) => {
    const d = data as unknown[]
    for (let i = d.length; i--;) {
      for (let j = i; j--;) {
        if (equal(d[i], d[j])) return fail(path, 'uniqueItems', message(j, i))
      }
    }
    return null
  }
}

/**
 * A validator for a schema node of the generated data (see the module comment).
 * @throws {Error} on first use, when the schema uses a keyword this validator does not implement
 *   (the generator refuses such schemas first).
 */
export function schemaValidator(schema: Node): SchemaValidator {
  let check: Check | undefined
  const validate: SchemaValidator = (data) => {
    check ??= compile(schema)
    // Most data is valid: a first pass decides without building instance paths; only a failure
    // runs again with them, for the errors (the checks are pure, so both passes agree).
    let errors = check(data, undefined, false)
    if (errors !== null) errors = check(data, '', false)
    validate.errors = errors
    return errors === null
  }
  return validate
}
