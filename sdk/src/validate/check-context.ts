import { AS2_CONTEXT, CONTEXT, CTA_CONTEXT } from '../constants.js'
import type { ProtocolErrorCode, ValidationIssue } from '../errors.js'

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

/**
 * The context checks of a document, in the order the specification fixes (DOC-CTX-004), before
 * its schema is checked:
 *
 * 1. a `@context` anywhere but at the top of the document (for an event: anywhere but
 *    `data.@context`) is `ERR_JSONLD_UNSAFE` (DOC-CTX-002);
 * 2. a top-level `@context` naming a context IRI other than the two published with the
 *    specification is `ERR_JSONLD_CONTEXT_UNKNOWN` (DOC-CTX-003);
 * 3. a top-level `@context` that is present but not exactly the pinned array is
 *    `ERR_JSONLD_UNSAFE` (DOC-CTX-001).
 *
 * A missing `@context` is left to the schema (`ERR_SCHEMA_INVALID`, keyword `required`).
 *
 * @param input Parsed JSON.
 * @param scope `document` for a JSON-LD document, `event` for a CloudEvents envelope (its `data`
 *   is the JSON-LD document), `none` to check nothing (claims and fragments).
 * @returns The first defect, or `undefined`.
 * @internal
 */
export function checkContext(input: unknown, scope: ContextScope): ContextDefect | undefined {
  if (scope === 'none' || !isObject(input)) return undefined
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
  const exact =
    Array.isArray(context) &&
    context.length === CONTEXT.length &&
    context.every((iri, i) => iri === CONTEXT[i])
  return exact
    ? undefined
    : defect('ERR_JSONLD_UNSAFE', top, '@context is not the pinned CTA context array')
}
