import type { Static } from '@sinclair/typebox'
import { ProtocolError, SchemaInvalid, type ValidationIssue } from '../errors.js'
import type { DocumentKind, documentSchemas } from '../schemas/index.js'
import { checkContext, type ContextErrorCode, type ContextScope } from './check-context.js'
import * as validators from './generated/validators.js'

/** The document type of a kind, e.g. `DocumentOfKind<'Group'>`. */
export type DocumentOfKind<K extends DocumentKind> = Static<(typeof documentSchemas)[K]>
/** Any CTA document, claim set or event. */
export type AnyDocument = DocumentOfKind<DocumentKind>

/** Options of {@link validateDocument}. */
export interface ValidateDocumentOptions<K extends DocumentKind = DocumentKind> {
  /**
   * Validate against this kind instead of dispatching on the document's `type`. Needed for kinds
   * that have no `type` of their own, such as `MembershipAssertionClaims` or an `Activity`.
   */
  readonly kind?: K
}

/** What {@link validateDocument} found. */
export type ValidateDocumentResult<K extends DocumentKind = DocumentKind> =
  | { readonly valid: true; readonly kind: K; readonly document: DocumentOfKind<K> }
  | {
      readonly valid: false
      readonly kind: K | undefined
      /**
       * The error code the document is rejected with: `ERR_JSONLD_UNSAFE` or
       * `ERR_JSONLD_CONTEXT_UNKNOWN` for a context defect (checked first), `ERR_SCHEMA_INVALID`
       * otherwise.
       */
      readonly code: ValidateDocumentErrorCode
      readonly issues: readonly ValidationIssue[]
    }

/** The codes {@link validateDocument} rejects a document with. */
export type ValidateDocumentErrorCode = 'ERR_SCHEMA_INVALID' | ContextErrorCode

const KINDS = new Set<string>(Object.keys(validators).filter((key) => !key.endsWith('ByType')))
/** Kinds that are JSON-LD documents of their own, with the pinned `@context` at their top. */
const DOCUMENT_KINDS = new Set<string>(Object.values(validators.kindByType))

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
      typeof type === 'string' && Object.hasOwn(validators.eventKindByType, type)
        ? validators.eventKindByType[type]
        : 'Event'
    ) as DocumentKind
  }
  const type = input['type']
  if (type === undefined) {
    return { instancePath: '', keyword: 'required', message: "must have required property 'type'" }
  }
  if (typeof type === 'string' && Object.hasOwn(validators.kindByType, type)) {
    return validators.kindByType[type] as DocumentKind
  }
  return { instancePath: '/type', keyword: 'enum', message: 'must be a known document type' }
}

/**
 * Validates a document against its schema. The schema is chosen by the document's `type` (for a
 * CloudEvents envelope, by its event `type`; tools' own event types use the generic `Event`
 * schema), or named with `options.kind`. Runs generated code: nothing is compiled at runtime.
 *
 * The context checks run first, in the order the specification fixes: a nested `@context`
 * (`ERR_JSONLD_UNSAFE`), a context that is not published with CTA (`ERR_JSONLD_CONTEXT_UNKNOWN`),
 * a `@context` that is not the pinned array followed only by valid inline extension contexts, or a
 * `prefix:local` member whose prefix none declares (`ERR_JSONLD_UNSAFE`); then the schema
 * (`ERR_SCHEMA_INVALID`), with `format` asserted (`iri` is DOC-IRI-001, `date-time` DOC-TIME-001).
 * Declared extension members are accepted and never read: the document is returned as it came, and
 * a tool reads the extension members it understands itself (EXT-MEM-002).
 * The result's `code` says which. An event's context is that of its `data`; the claims of a
 * membership assertion are plain JSON and have none.
 *
 * @param input Parsed JSON from anywhere, trusted or not.
 * @param options `kind` to validate against a named schema.
 * @returns `{ valid: true, kind, document }` or `{ valid: false, kind, code, issues }`. Never
 *   throws for bad input.
 * @throws {TypeError} When `options.kind` is not a known kind (a bug in the caller).
 * @example
 * ```ts
 * import { validateDocument } from '@cta-interop/sdk'
 * const result = validateDocument(JSON.parse(body))
 * if (!result.valid) console.log(result.code, result.issues) // 'ERR_SCHEMA_INVALID', [{ instancePath: '/name', keyword: 'maxLength', … }]
 * ```
 * @see {@link https://w3id.org/cta/spec/documents#DOC-CTX-004 Spec: the order of the checks}
 * @see {@link https://w3id.org/cta/spec/extensibility#EXT-MEM-001 Spec: extension members}
 */
export function validateDocument<K extends DocumentKind = DocumentKind>(
  input: unknown,
  options: ValidateDocumentOptions<K> = {},
): ValidateDocumentResult<K> {
  let kind: DocumentKind
  if (options.kind !== undefined) {
    if (!KINDS.has(options.kind)) throw new TypeError(`unknown document kind: ${options.kind}`)
    kind = options.kind
  } else {
    const found = kindOf(input)
    if (typeof found !== 'string') {
      return { valid: false, kind: undefined, code: 'ERR_SCHEMA_INVALID', issues: [found] }
    }
    kind = found
  }
  const context = checkContext(input, contextScope(kind))
  if (context !== undefined) {
    return { valid: false, kind: kind as K, code: context.code, issues: [context.issue] }
  }
  const validate = validators[kind]
  if (validate(input)) {
    return { valid: true, kind: kind as K, document: input as DocumentOfKind<K> }
  }
  const issues = (validate.errors ?? []).map(
    ({ instancePath, keyword, message }): ValidationIssue => ({
      instancePath,
      keyword,
      message: message ?? keyword,
    }),
  )
  return { valid: false, kind: kind as K, code: 'ERR_SCHEMA_INVALID', issues }
}

/**
 * The throwing twin of {@link validateDocument}: returns the document when it is valid.
 *
 * @param input Parsed JSON from anywhere, trusted or not.
 * @param options `kind` to validate against a named schema.
 * @returns The same object, typed as its document kind.
 * @throws {ProtocolError} `ERR_JSONLD_UNSAFE` or `ERR_JSONLD_CONTEXT_UNKNOWN` when its `@context`
 *   is nested, unknown or not the pinned array (checked first).
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the document does not match its schema;
 *   `err.issues` says where.
 * @throws {TypeError} When `options.kind` is not a known kind.
 * @example
 * ```ts
 * import { assertValid } from '@cta-interop/sdk'
 * const group = assertValid(doc, { kind: 'Group' })
 * console.log(group.authority)
 * ```
 * @see {@link https://w3id.org/cta/spec/documents#validation Spec: validation}
 */
export function assertValid<K extends DocumentKind = DocumentKind>(
  input: unknown,
  options: ValidateDocumentOptions<K> = {},
): DocumentOfKind<K> {
  const result = validateDocument(input, options)
  if (!result.valid) {
    if (result.code !== 'ERR_SCHEMA_INVALID') {
      throw new ProtocolError(result.code, result.issues[0]?.message ?? result.code)
    }
    throw new SchemaInvalid(result.issues)
  }
  return result.document
}
