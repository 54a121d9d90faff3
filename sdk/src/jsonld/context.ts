import { PREFIXES, PROPERTY_TERMS, TYPE_TERMS } from './terms.js'

/** A JSON-LD context document. */
export interface ContextDocument {
  readonly '@context': Readonly<Record<string, unknown>>
}

/**
 * Builds the CTA Interop 1.0 JSON-LD context (`https://w3id.org/cta/v1`) from the term table:
 * `@protected`, every term defined, no `@vocab`.
 * @returns The context document, as published in `schemas/context/v1.jsonld`.
 * @see {@link https://w3id.org/cta/spec/documents#json-ld Spec: JSON-LD context}
 */
export function buildContext(): ContextDocument {
  const context: Record<string, unknown> = {
    '@version': 1.1,
    '@protected': true,
    id: '@id',
    type: '@type',
    ...PREFIXES,
  }
  for (const [term, id] of Object.entries(TYPE_TERMS)) context[term] = id
  for (const [term, { id, value }] of Object.entries(PROPERTY_TERMS)) {
    context[term] = value === null ? id : { '@id': id, '@type': value }
  }
  return { '@context': context }
}
