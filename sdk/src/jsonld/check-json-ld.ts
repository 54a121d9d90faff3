import jsonld from 'jsonld'
import { ProtocolError, isProtocolError } from '../errors.js'
import { checkContext } from '../validate/check-context.js'
import { staticDocumentLoader } from './document-loader.js'

/** An expanded JSON-LD document (the output of the JSON-LD expansion algorithm). */
export type ExpandedDocument = readonly Record<string, unknown>[]

/** What {@link checkJsonLd} returns for a document that passes. */
export interface CheckJsonLdResult {
  /** The expanded form, in which every term is a full IRI. */
  readonly expanded: ExpandedDocument
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

const isAbsolute = (iri: string): boolean =>
  /^[A-Za-z][A-Za-z0-9+.-]*:/.test(iri) && !iri.startsWith('_:')

/** Refuses blank-node or relative properties and types: terms the contexts do not define. */
function assertAllTermsDefined(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach(assertAllTermsDefined)
    return
  }
  if (!isObject(value)) return
  for (const [key, child] of Object.entries(value)) {
    if (!key.startsWith('@') && !isAbsolute(key)) {
      throw new ProtocolError('ERR_JSONLD_UNSAFE', `term does not expand to an IRI: ${key}`)
    }
    if (key === '@type') {
      for (const type of Array.isArray(child) ? child : [child]) {
        if (typeof type !== 'string' || !isAbsolute(type)) {
          throw new ProtocolError('ERR_JSONLD_UNSAFE', `type does not expand to an IRI: ${type}`)
        }
      }
    }
    assertAllTermsDefined(child)
  }
}

/**
 * Proves that a document means in JSON-LD exactly what it says in JSON: its `@context` is the
 * pinned CTA array, followed only by inline extension contexts that define prefixes of their own
 * (never a CTA or ActivityStreams term), no `@context` appears deeper, every `prefix:local` member
 * has a declared prefix, and safe-mode expansion with only the bundled contexts drops nothing and
 * leaves no term without an IRI. Extension contexts are inline, so nothing is loaded for them. The context checks run first and in
 * the order of {@link https://w3id.org/cta/spec/documents#DOC-CTX-004 DOC-CTX-004}, so a defect
 * gets the same code here as from `validateDocument` and `verifyEvent`. For a CloudEvents envelope, its `data`
 * is checked (the envelope itself is plain JSON). No network request is ever made.
 *
 * This is for tooling and tests (it loads `jsonld`); receivers check the `@context` array and
 * validate the schema instead.
 *
 * @param document A CTA document or event, as parsed JSON.
 * @returns The expanded form.
 * @throws {ProtocolError} `ERR_JSONLD_UNSAFE` when a `@context` is nested (checked first);
 *   `ERR_JSONLD_CONTEXT_UNKNOWN` when a context is not bundled; `ERR_JSONLD_UNSAFE` when the
 *   `@context` is missing or not the pinned array, an extension context redefines a term or
 *   reaches into a pinned namespace, an extension member's prefix is undeclared, or expansion would
 *   drop or blank-node a property.
 * @example
 * ```ts
 * import { checkJsonLd } from '@cta-interop/sdk/jsonld'
 * const { expanded } = await checkJsonLd(group)
 * console.log(Object.keys(expanded[0])) // full IRIs, e.g. 'https://w3id.org/cta#authority'
 * ```
 * @see {@link https://w3id.org/cta/spec/documents#json-ld Spec: JSON-LD}
 * @see {@link https://w3id.org/cta/spec/extensibility#EXT-CTX-002 Spec: extension contexts}
 */
export async function checkJsonLd(document: unknown): Promise<CheckJsonLdResult> {
  const isEvent = isObject(document) && !Array.isArray(document) && 'specversion' in document
  const node: unknown = isEvent ? document['data'] : document
  if (!isObject(node) || Array.isArray(node)) {
    throw new ProtocolError('ERR_JSONLD_UNSAFE', 'a JSON-LD document must be an object')
  }
  // The same checks, in the same order, as validateDocument (DOC-CTX-004).
  const defect = checkContext(document, isEvent ? 'event' : 'document')
  if (defect !== undefined) throw new ProtocolError(defect.code, defect.issue.message)
  if (!Object.hasOwn(node, '@context')) {
    throw new ProtocolError('ERR_JSONLD_UNSAFE', '@context is not the pinned CTA context array')
  }
  let expanded: ExpandedDocument
  try {
    // `safe` is a jsonld.js option its type definitions do not list yet, and they type a
    // loader's document more narrowly than a context file parsed from JSON.
    type Loader = NonNullable<jsonld.Options.Expand['documentLoader']>
    const options: jsonld.Options.Expand & { safe: true } = {
      documentLoader: staticDocumentLoader as unknown as Loader,
      safe: true,
    }
    expanded = await jsonld.expand(node, options)
  } catch (err) {
    const cause = findProtocolError(err)
    if (cause !== undefined) throw cause
    throw new ProtocolError('ERR_JSONLD_UNSAFE', 'JSON-LD expansion failed in safe mode', {
      cause: err,
    })
  }
  assertAllTermsDefined(expanded)
  return { expanded }
}

/** jsonld wraps loader errors; find ours in the chain of causes and details. */
function findProtocolError(err: unknown, depth = 0): ProtocolError | undefined {
  if (depth > 8 || !isObject(err)) return undefined
  if (isProtocolError(err)) return err
  const details = err['details']
  return (
    findProtocolError(err['cause'], depth + 1) ??
    (isObject(details) ? findProtocolError(details['cause'], depth + 1) : undefined)
  )
}
