import { CONTEXT } from '../constants.js'
import { deepFreeze } from '../internal/freeze.js'
import type { Match } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'

/** The `relationship` of every match. */
export const MATCH_RELATIONSHIP = 'https://w3id.org/cta#matches'

/** Options of {@link createMatch}. */
export interface CreateMatchOptions {
  /** The proposal (or intent) a counterpart was found for: the query. */
  readonly subject: string
  /** The counterpart found. */
  readonly object: string
  /**
   * The score, as a matcher returns it (INT-MAT-009): a decimal string from `0` to `1`, at most
   * six fraction digits and no trailing zeros.
   */
  readonly score: string
  /** The match's own IRI, if it has one. */
  readonly id?: string
  /** The matcher (tool or service) that found it. */
  readonly attributedTo?: string
  /** When it was found (RFC 3339). */
  readonly published?: string
}

/**
 * Creates a `Match` document: an ActivityStreams `Relationship` between two proposals, with the
 * relationship `https://w3id.org/cta#matches` and a score. Wrap it in an event with
 * {@link intentMatched}.
 *
 * @param options `subject`, `object`, `score` and the optional `id`, `attributedTo`, `published`.
 * @returns The match, validated and frozen.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when it would not validate (a score such as
 *   `'1.5'` or `'0.1234567'`, an IRI that is not one).
 * @example
 * ```ts
 * import { createMatch } from '@cta-interop/sdk'
 * const match = createMatch({
 *   subject: 'https://budgeting.example/buckets/42',
 *   object: 'https://budgeting.example/proposals/7c1e2a',
 *   score: '0.975',
 *   attributedTo: 'https://budgeting.example',
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/intents#INT-MAT-011 Spec: INT-MAT-011}
 */
export function createMatch(options: CreateMatchOptions): Match {
  const doc: Record<string, unknown> = { '@context': CONTEXT }
  if (options.id !== undefined) doc['id'] = options.id
  doc['type'] = 'Relationship'
  doc['subject'] = options.subject
  doc['relationship'] = MATCH_RELATIONSHIP
  doc['object'] = options.object
  doc['score'] = options.score
  if (options.attributedTo !== undefined) doc['attributedTo'] = options.attributedTo
  if (options.published !== undefined) doc['published'] = options.published
  return deepFreeze(assertValid(doc, { kind: 'Match' }))
}
