import { ProtocolError } from '../../errors.js'
import { parseInstant } from '../../internal/parse-instant.js'
import { isIri } from '../../validate/formats.js'
import { validateDocument } from '../../validate/validate-document.js'
import { MAX_EXPORT_PAGE_ITEMS } from '../constants.js'
import type { ExportPage } from '../export-page.js'

/** The `@context` of every export page: the Activity Streams and CTA contexts, in that order. */
export const EXPORT_PAGE_CONTEXT = Object.freeze([
  'https://www.w3.org/ns/activitystreams',
  'https://w3id.org/cta/v1',
] as const)

const MEMBERS = new Set([
  '@context',
  'id',
  'type',
  'partOf',
  'attributedTo',
  'generator',
  'context',
  'published',
  'orderedItems',
  'next',
])

const invalid = (message: string): never => {
  throw new ProtocolError('ERR_SCHEMA_INVALID', `export page: ${message}`)
}

const iri = (value: unknown, name: string): string => {
  if (typeof value !== 'string' || value.length > 2048 || !isIri(value)) {
    invalid(`${name} must be an IRI`)
  }
  return value as string
}

/**
 * Checks that a value is an export page (EXP-PAGE-001): exactly the page members, the pinned
 * context, IRIs where IRIs belong, an RFC 3339 `published`, at most 100 items, each a protocol
 * document that validates. Returns it typed; throws on the first failure.
 * @throws {ProtocolError} `ERR_SCHEMA_INVALID`, or an item's `ERR_JSONLD_UNSAFE` /
 *   `ERR_JSONLD_CONTEXT_UNKNOWN`.
 * @internal
 */
export function checkExportPage(value: unknown): ExportPage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid('must be an object')
  }
  const page = value as Record<string, unknown>
  for (const key of Object.keys(page)) {
    if (!MEMBERS.has(key)) invalid(`unknown member ${key}`)
  }
  const context = page['@context']
  if (
    !Array.isArray(context) ||
    context.length !== EXPORT_PAGE_CONTEXT.length ||
    context.some((c, i) => c !== EXPORT_PAGE_CONTEXT[i])
  ) {
    invalid('@context must be the Activity Streams and CTA contexts')
  }
  if (page['type'] !== 'OrderedCollectionPage') invalid('type must be OrderedCollectionPage')
  iri(page['id'], 'id')
  iri(page['partOf'], 'partOf')
  iri(page['attributedTo'], 'attributedTo')
  const generator = iri(page['generator'], 'generator')
  if (!/^https?:\/\/[^/?#@\s]+$/.test(generator)) invalid('generator must be an origin')
  iri(page['context'], 'context')
  if (page['next'] !== undefined) iri(page['next'], 'next')
  if (Number.isNaN(parseInstant(page['published']))) invalid('published must be a date-time')
  const items = page['orderedItems']
  if (!Array.isArray(items)) return invalid('orderedItems must be an array')
  if (items.length > MAX_EXPORT_PAGE_ITEMS) {
    invalid(`orderedItems holds at most ${MAX_EXPORT_PAGE_ITEMS} items`)
  }
  items.forEach((item, i) => {
    const result = validateDocument(item)
    if (!result.valid) {
      throw new ProtocolError(result.code, `export page: orderedItems/${i} is not a valid document`)
    }
    if (typeof (item as { id?: unknown }).id !== 'string') invalid(`orderedItems/${i} has no id`)
  })
  return page as unknown as ExportPage
}
