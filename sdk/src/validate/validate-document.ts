import type { Static } from '@sinclair/typebox'
import type { ValidationIssue } from '../errors.js'
import type { DocumentKind, documentSchemas } from '../schemas/index.js'
import type { ContextErrorCode } from './check-context.js'
import { documentKinds } from './generated/kinds.js'
import { validatorsByKind as validators } from './generated/validators.js'
import { throwInvalid, validateWith } from './validate-with.js'

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

const KINDS: ReadonlySet<string> = /* @__PURE__ */ new Set<string>(documentKinds)

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
  if (options.kind !== undefined && !KINDS.has(options.kind)) {
    throw new TypeError(`unknown document kind: ${options.kind}`)
  }
  return validateWith(validators, input, options.kind) as ValidateDocumentResult<K>
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
  if (!result.valid) throwInvalid(result)
  return result.document
}
