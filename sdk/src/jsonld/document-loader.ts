import { AS2_CONTEXT, CTA_CONTEXT } from '../constants.js'
import { ProtocolError } from '../errors.js'
import activityStreams from './contexts/activitystreams.json' with { type: 'json' }
import { buildContext } from './context.js'

/** What a JSON-LD document loader returns. */
export interface RemoteDocument {
  readonly documentUrl: string
  readonly document: unknown
}

const BUNDLED: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  [AS2_CONTEXT, activityStreams],
  [CTA_CONTEXT, buildContext()],
])

/** The context IRIs the SDK bundles; no other context is ever loaded. */
export const BUNDLED_CONTEXTS: readonly string[] = Object.freeze([...BUNDLED.keys()])

/**
 * A JSON-LD document loader that serves only the bundled contexts (ActivityStreams 2.0 and CTA
 * Interop 1.0) and never touches the network.
 *
 * @param url The context IRI jsonld asks for.
 * @returns The bundled context document.
 * @throws {ProtocolError} `ERR_JSONLD_CONTEXT_UNKNOWN` for any IRI that is not bundled.
 * @example
 * ```ts
 * import jsonld from 'jsonld'
 * import { staticDocumentLoader } from '@cta-interop/sdk/jsonld'
 * declare const doc: object // a CTA document
 * // @types/jsonld lists no `safe`, and types a loader's document more narrowly than parsed JSON.
 * type Loader = NonNullable<jsonld.Options.Expand['documentLoader']>
 * const options: jsonld.Options.Expand & { safe: true } = {
 *   documentLoader: staticDocumentLoader as unknown as Loader,
 *   safe: true,
 * }
 * await jsonld.expand(doc, options)
 * ```
 * @see {@link https://w3id.org/cta/spec/documents#json-ld Spec: JSON-LD}
 */
export function staticDocumentLoader(url: string): Promise<RemoteDocument> {
  const document = BUNDLED.get(url)
  if (document === undefined) {
    return Promise.reject(
      new ProtocolError('ERR_JSONLD_CONTEXT_UNKNOWN', `context is not bundled: ${url}`),
    )
  }
  return Promise.resolve({
    contextUrl: null,
    documentUrl: url,
    document: structuredClone(document),
  })
}
