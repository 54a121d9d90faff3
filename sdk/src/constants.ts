/** The ActivityStreams 2.0 context IRI. */
export const AS2_CONTEXT = 'https://www.w3.org/ns/activitystreams'
/** The CTA Interop 1.0 JSON-LD context IRI. */
export const CTA_CONTEXT = 'https://w3id.org/cta/v1'
/** The CTA vocabulary namespace: every term CTA mints expands under it. */
export const CTA_NAMESPACE = 'https://w3id.org/cta#'
/** Where the JSON Schemas of CTA Interop 1.0 live; each schema's `$id` starts with it. */
export const SCHEMA_BASE = 'https://w3id.org/cta/schemas/v1/'
/**
 * The exact `@context` array every CTA document carries at its top (for an event, at the top of
 * its `data`).
 * @see {@link https://w3id.org/cta/spec/documents#context Spec: the pinned context}
 */
export const CONTEXT: readonly [typeof AS2_CONTEXT, typeof CTA_CONTEXT] = Object.freeze([
  AS2_CONTEXT,
  CTA_CONTEXT,
] as const)
