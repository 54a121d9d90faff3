/**
 * JSON-LD tooling for CTA Interop documents: the bundled contexts, a static document loader, and
 * {@link checkJsonLd}. Kept out of the main entry so that `jsonld` is loaded only when asked for.
 * @module
 */
export { buildContext, type ContextDocument } from './context.js'
export { BUNDLED_CONTEXTS, staticDocumentLoader, type RemoteDocument } from './document-loader.js'
export { checkJsonLd, type CheckJsonLdResult, type ExpandedDocument } from './check-json-ld.js'
