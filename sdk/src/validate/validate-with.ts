import { ProtocolError, SchemaInvalid, type ValidationIssue } from '../errors.js'
import type { DocumentKind } from '../schemas/index.js'
import { checkContext, type ContextErrorCode, type ContextScope } from './check-context.js'
import { eventKindByType, kindByType } from './generated/kinds.js'
import type { GeneratedValidator } from './generated/validators.js'

/**
 * What {@link validateWith} found; `document` is the input as it came.
 * @internal
 */
export type ValidationResult =
  | { readonly valid: true; readonly kind: DocumentKind; readonly document: unknown }
  | {
      readonly valid: false
      readonly kind: DocumentKind | undefined
      readonly code: 'ERR_SCHEMA_INVALID' | ContextErrorCode
      readonly issues: readonly ValidationIssue[]
    }

/** Kinds that are JSON-LD documents of their own, with the pinned `@context` at their top. */
const DOCUMENT_KINDS: ReadonlySet<string> = /* @__PURE__ */ new Set<string>(
  /* @__PURE__ */ Object.values(kindByType),
)

/** Where a kind carries its `@context`: events in `data`; claims and fragments carry none. */
function contextScope(kind: string): ContextScope {
  if (kind.endsWith('Event')) return 'event'
  if (kind.endsWith('Activity') || DOCUMENT_KINDS.has(kind)) return 'document'
  return 'none'
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Chooses the schema for a document: an event by its CloudEvents `type`, anything else by `type`. */
function kindOf(input: unknown): DocumentKind | ValidationIssue {
  if (!isPlainObject(input)) {
    return { instancePath: '', keyword: 'type', message: 'must be object' }
  }
  if (Object.hasOwn(input, 'specversion')) {
    const type = input['type']
    return (
      typeof type === 'string' && Object.hasOwn(eventKindByType, type)
        ? eventKindByType[type]
        : 'Event'
    ) as DocumentKind
  }
  const type = input['type']
  if (type === undefined) {
    return { instancePath: '', keyword: 'required', message: "must have required property 'type'" }
  }
  if (typeof type === 'string' && Object.hasOwn(kindByType, type)) {
    return kindByType[type] as DocumentKind
  }
  return { instancePath: '/type', keyword: 'enum', message: 'must be a known document type' }
}

/**
 * The checks of `validateDocument` with the validators of `validators` only: the kind (`kind`, or
 * chosen by the document's `type`), its context checks, then its schema. A kind that has no
 * validator in `validators` is refused after its context checks, as not one of the kinds asked
 * for (`ERR_SCHEMA_INVALID`), so that a bundle carries only the validators it can reach.
 * @internal
 */
export function validateWith(
  validators: Readonly<Partial<Record<string, GeneratedValidator>>>,
  input: unknown,
  named: DocumentKind | undefined,
): ValidationResult {
  let kind: DocumentKind
  if (named !== undefined) kind = named
  else {
    const found = kindOf(input)
    if (typeof found !== 'string') {
      return { valid: false, kind: undefined, code: 'ERR_SCHEMA_INVALID', issues: [found] }
    }
    kind = found
  }
  const context = checkContext(input, contextScope(kind))
  if (context !== undefined) {
    return { valid: false, kind, code: context.code, issues: [context.issue] }
  }
  const validate = Object.hasOwn(validators, kind) ? validators[kind] : undefined
  if (validate === undefined) {
    const issue = {
      instancePath: '/type',
      keyword: 'type',
      message: `not a kind validated here: ${kind}`,
    }
    return { valid: false, kind, code: 'ERR_SCHEMA_INVALID', issues: [issue] }
  }
  if (validate(input)) return { valid: true, kind, document: input }
  const issues = (validate.errors ?? []).map(
    ({ instancePath, keyword, message }): ValidationIssue => ({
      instancePath,
      keyword,
      message: message ?? keyword,
    }),
  )
  return { valid: false, kind, code: 'ERR_SCHEMA_INVALID', issues }
}

/**
 * Throws the error of a refused result: `ProtocolError` for a context defect, `SchemaInvalid`
 * for a schema failure.
 * @throws {ProtocolError} `ERR_JSONLD_UNSAFE`, `ERR_JSONLD_CONTEXT_UNKNOWN`.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID`.
 * @internal
 */
export function throwInvalid(result: Extract<ValidationResult, { valid: false }>): never {
  if (result.code !== 'ERR_SCHEMA_INVALID') {
    throw new ProtocolError(result.code, result.issues[0]?.message ?? result.code)
  }
  throw new SchemaInvalid(result.issues)
}
