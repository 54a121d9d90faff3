import { AS2_CONTEXT, CONTEXT, CTA_CONTEXT } from '../constants.js'
import type { ProtocolErrorCode, ValidationIssue } from '../errors.js'
import {
  CTA_RESERVED_IRI_PATTERN,
  EXTENSION_LIMITS,
  EXTENSION_PREFIX_PATTERN,
} from '../extensions.js'
import { isIri } from './formats.js'
import { reservedNamespaces, reservedTerms } from './generated/kinds.js'

/** The two contexts published with the specification: the only ones a receiver knows. */
const BUNDLED: ReadonlySet<string> = new Set([AS2_CONTEXT, CTA_CONTEXT])

/** The codes a context defect is reported with. */
export type ContextErrorCode = Extract<
  ProtocolErrorCode,
  'ERR_JSONLD_UNSAFE' | 'ERR_JSONLD_CONTEXT_UNKNOWN'
>

/** A context defect: its code and where it is. */
export interface ContextDefect {
  readonly code: ContextErrorCode
  readonly issue: ValidationIssue
}

/** Where the context checks look: a JSON-LD document, an event's `data`, or nowhere. */
export type ContextScope = 'document' | 'event' | 'none'

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const pointer = (path: string, key: string | number): string =>
  `${path}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`

const defect = (code: ContextErrorCode, instancePath: string, message: string): ContextDefect => ({
  code,
  issue: { instancePath, keyword: '@context', message },
})

/** A member visited by {@link findNested}: its key and its parent, so a path is built only once found. */
interface Step {
  readonly value: unknown
  readonly key: string | number
  readonly parent: Step | undefined
}

function pathOf(step: Step): string {
  const keys: (string | number)[] = []
  for (let s: Step | undefined = step; s !== undefined; s = s.parent) keys.push(s.key)
  return keys.reverse().reduce<string>((path, key) => pointer(path, key), '')
}

/**
 * The path of the first `@context` member, in document order, other than the one at `allowed`
 * (`['@context']` or `['data', '@context']`). Iterative: a document nested as deep as its parser
 * allows cannot exhaust the stack.
 */
function findNested(
  input: Record<string, unknown>,
  allowed: readonly string[],
): string | undefined {
  const stack: Step[] = []
  const push = (value: unknown, parent: Step | undefined) => {
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: i, parent })
    } else if (isObject(value)) {
      const keys = Object.keys(value)
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string
        stack.push({ value: value[key], key, parent })
      }
    }
  }
  push(input, undefined)
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    if (step.key === '@context') {
      const isAllowed =
        allowed.length === 2
          ? step.parent !== undefined &&
            step.parent.key === allowed[0] &&
            step.parent.parent === undefined
          : step.parent === undefined
      if (!isAllowed) return pathOf(step)
      continue
    }
    push(step.value, step)
  }
  return undefined
}

const PREFIX = new RegExp(EXTENSION_PREFIX_PATTERN)
const CTA_RESERVED = new RegExp(CTA_RESERVED_IRI_PATTERN)
const RESERVED_TERMS: ReadonlySet<string> = new Set(reservedTerms)

/**
 * Why one entry after the pinned contexts is not an extension context (EXT-CTX-002), or
 * `undefined` when it is one. `defined` collects the prefixes of the earlier extension contexts.
 */
function extensionContextDefect(
  entry: unknown,
  at: string,
  defined: Map<string, string>,
): ContextDefect | undefined {
  if (!isObject(entry)) {
    return defect('ERR_JSONLD_UNSAFE', at, 'an extension context must be an inline object')
  }
  const prefixes = Object.keys(entry)
  if (prefixes.length === 0 || prefixes.length > EXTENSION_LIMITS.prefixes) {
    return defect('ERR_JSONLD_UNSAFE', at, 'an extension context defines 1 to 32 prefixes')
  }
  for (const prefix of prefixes) {
    const where = pointer(at, prefix)
    if (!PREFIX.test(prefix) || RESERVED_TERMS.has(prefix)) {
      return defect('ERR_JSONLD_UNSAFE', where, `an extension may not define ${prefix}`)
    }
    if (defined.has(prefix)) {
      return defect('ERR_JSONLD_UNSAFE', where, `prefix ${prefix} is defined twice`)
    }
    const iri = entry[prefix]
    if (
      typeof iri !== 'string' ||
      !isIri(iri) ||
      !/[#/]$/.test(iri) ||
      CTA_RESERVED.test(iri) ||
      reservedNamespaces.some((namespace) => iri.startsWith(namespace))
    ) {
      return defect(
        'ERR_JSONLD_UNSAFE',
        where,
        `prefix ${prefix} must name a namespace outside those of the pinned contexts`,
      )
    }
    defined.set(prefix, iri)
  }
  return undefined
}

/**
 * The path of the first member, in document order, whose name has the form of an extension
 * member but whose prefix no extension context declares (EXT-MEM-001). `@context` itself is not
 * searched. Iterative, like {@link findNested}.
 */
function findUndeclared(
  root: Record<string, unknown>,
  base: Step | undefined,
  declared: ReadonlyMap<string, string>,
): string | undefined {
  const stack: Step[] = []
  const push = (value: unknown, parent: Step | undefined) => {
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: i, parent })
    } else if (isObject(value)) {
      const keys = Object.keys(value)
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string
        if (parent === base && key === '@context') continue
        stack.push({ value: value[key], key, parent })
      }
    }
  }
  push(root, base)
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    if (typeof step.key === 'string') {
      const colon = step.key.indexOf(':')
      if (colon >= 0 && !declared.has(step.key.slice(0, colon))) return pathOf(step)
    }
    push(step.value, step)
  }
  return undefined
}

/**
 * The common case, decided without allocating per member: the `@context` (at the top, or of
 * `data` for an event) is exactly the pinned array, no other member anywhere is named `@context`,
 * and no member name has a colon. Such a document passes every check of {@link checkContext};
 * anything else (`false`) goes through those checks, which find and locate the defect. Iterative,
 * like {@link findNested}.
 */
function isPinnedAndPlain(input: Record<string, unknown>, scope: ContextScope): boolean {
  const holder = scope === 'event' ? input['data'] : input
  if (!isObject(holder) || !Object.hasOwn(holder, '@context')) return false
  const context = holder['@context']
  if (!Array.isArray(context) || context.length !== CONTEXT.length) return false
  for (let i = 0; i < CONTEXT.length; i++) if (context[i] !== CONTEXT[i]) return false
  // `for…in` allocates nothing; it also visits inherited enumerable members, which the checks
  // below do not: looking at more members can only send more documents to those checks.
  const stack: unknown[] = []
  for (const key in input) {
    if (key.includes(':')) return false
    if (key === '@context') {
      if (scope === 'document') continue
      return false
    }
    const value = input[key]
    if (scope === 'event' && key === 'data' && value === holder) {
      for (const inner in holder) {
        if (inner.includes(':')) return false
        if (inner === '@context') continue
        const member = holder[inner]
        if (typeof member === 'object' && member !== null) stack.push(member)
      }
    } else if (typeof value === 'object' && value !== null) stack.push(value)
  }
  while (stack.length > 0) {
    const value = stack.pop() as object
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i]
        if (typeof item === 'object' && item !== null) stack.push(item)
      }
      continue
    }
    for (const key in value) {
      if (key === '@context' || key.includes(':')) return false
      const member = (value as Record<string, unknown>)[key]
      if (typeof member === 'object' && member !== null) stack.push(member)
    }
  }
  return true
}

/**
 * The context checks of a document, in the order the specification fixes (DOC-CTX-004), before
 * its schema is checked:
 *
 * 1. a `@context` anywhere but at the top of the document (for an event: anywhere but
 *    `data.@context`) is `ERR_JSONLD_UNSAFE` (DOC-CTX-002);
 * 2. a top-level `@context` naming a context IRI other than the two published with the
 *    specification is `ERR_JSONLD_CONTEXT_UNKNOWN` (DOC-CTX-003);
 * 3. a top-level `@context` that is present but does not begin with exactly the pinned array, or
 *    follows it with anything but inline extension contexts that define only prefixes of their own
 *    (never a CTA or ActivityStreams term, never under a pinned namespace), is `ERR_JSONLD_UNSAFE`
 *    (DOC-CTX-001, EXT-CTX-001, EXT-CTX-002);
 * 4. a member named `prefix:local` whose prefix no extension context declares is
 *    `ERR_JSONLD_UNSAFE` (EXT-MEM-001).
 *
 * A missing `@context` is left to the schema (`ERR_SCHEMA_INVALID`, keyword `required`).
 * Extension contexts are inline objects: nothing is ever fetched or looked up.
 *
 * @param input Parsed JSON.
 * @param scope `document` for a JSON-LD document, `event` for a CloudEvents envelope (its `data`
 *   is the JSON-LD document), `none` to check nothing (claims and fragments).
 * @returns The first defect, or `undefined`.
 * @see {@link https://w3id.org/cta/spec/extensibility#EXT-CTX-001 Spec: extension contexts}
 * @internal
 */
export function checkContext(input: unknown, scope: ContextScope): ContextDefect | undefined {
  if (scope === 'none' || !isObject(input)) return undefined
  if (isPinnedAndPlain(input, scope)) return undefined
  const top = scope === 'event' ? '/data/@context' : '/@context'
  const nested = findNested(input, scope === 'event' ? ['data', '@context'] : ['@context'])
  if (nested !== undefined) {
    return defect('ERR_JSONLD_UNSAFE', nested, '@context is only allowed at the top')
  }
  const holder = scope === 'event' ? input['data'] : input
  if (!isObject(holder) || !Object.hasOwn(holder, '@context')) return undefined
  const context = holder['@context']
  const entries: readonly unknown[] = Array.isArray(context) ? context : [context]
  for (let i = 0; i < entries.length; i++) {
    const iri = entries[i]
    if (typeof iri === 'string' && !BUNDLED.has(iri)) {
      const at = Array.isArray(context) ? pointer(top, i) : top
      return defect('ERR_JSONLD_CONTEXT_UNKNOWN', at, `context is not published with CTA: ${iri}`)
    }
  }
  const pinned =
    Array.isArray(context) &&
    context.length >= CONTEXT.length &&
    context.length <= CONTEXT.length + EXTENSION_LIMITS.contexts &&
    CONTEXT.every((iri, i) => context[i] === iri)
  if (!pinned) {
    return defect('ERR_JSONLD_UNSAFE', top, '@context is not the pinned CTA context array')
  }
  const declared = new Map<string, string>()
  for (let i = CONTEXT.length; i < context.length; i++) {
    const found = extensionContextDefect(context[i], pointer(top, i), declared)
    if (found !== undefined) return found
  }
  const base: Step | undefined =
    scope === 'event' ? { value: holder, key: 'data', parent: undefined } : undefined
  const undeclared = findUndeclared(holder, base, declared)
  return undeclared === undefined
    ? undefined
    : defect('ERR_JSONLD_UNSAFE', undeclared, 'an extension member needs a declared prefix')
}
