import { CONTEXT } from '../constants.js'
import { deepFreeze } from '../internal/freeze.js'
import type { Decides, EmbeddedPoll, Outcome, Poll } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import { isRecord } from './internal/event.js'
import { checkOutcome } from './internal/outcome.js'

/** Options of {@link createOutcome}. */
export interface CreateOutcomeOptions {
  /** The outcome's IRI. */
  readonly id: string
  /** Who states it (usually who opened the poll). */
  readonly attributedTo: string
  /** The statement of what was decided (HTML or plain text). */
  readonly statement: string
  /** A title. */
  readonly name?: string
  readonly summary?: string
  /** The option chosen, e.g. a meeting's time slot. */
  readonly option?: string
  /** When the decision is to be reviewed (RFC 3339). */
  readonly reviewDate?: string
  /**
   * What it decides: a bucket, a proposal, a task (its IRI and `type`), with an amount as
   * `resourceConformsTo` (the currency) and `resourceQuantity` (`{ hasUnit: 'one',
   * hasNumericalValue: '1200.00' }`, an exact decimal string).
   */
  readonly decides?: readonly Decides[]
  /** When it was published (RFC 3339). Defaults to now. */
  readonly published?: string
}

/**
 * Creates the outcome of a poll: the statement, an optional review date, and what it decides.
 *
 * @param poll The poll it is the outcome of.
 * @param options See {@link CreateOutcomeOptions}.
 * @returns The frozen, schema-valid outcome.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the outcome would not validate (an amount that
 *   is not a decimal string among others).
 * @throws {ProtocolError} `ERR_POLL_INVALID` when `option` is not one of the poll's options, an
 *   amount has no currency, or the review date is not after the poll closed.
 * @throws {TypeError} When `options` is missing.
 * @example
 * ```ts
 * import { createOutcome } from '@cta-interop/sdk'
 * const outcome = createOutcome(poll, {
 *   id: 'https://decisions.example/o/1', attributedTo: poll.attributedTo,
 *   statement: 'We fund the roof.', decides: [{ id: 'https://budgeting.example/b/roof',
 *   type: 'Bucket', resourceConformsTo: 'https://ledger.example/currencies/eur',
 *   resourceQuantity: { hasUnit: 'one', hasNumericalValue: '1200.00' } }],
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/decisions#DEC-OUT-001 Spec: DEC-OUT-001}
 */
export function createOutcome(poll: Poll | EmbeddedPoll, options: CreateOutcomeOptions): Outcome {
  if (!isRecord(options)) {
    throw new TypeError('options with id, attributedTo and statement are required')
  }
  const doc: Record<string, unknown> = {
    '@context': CONTEXT,
    id: options.id,
    type: 'Outcome',
    inReplyTo: poll.id,
    attributedTo: options.attributedTo,
    audience: poll.audience,
    published: options.published ?? new Date().toISOString().replace('.000Z', 'Z'),
    content: options.statement,
  }
  for (const key of ['name', 'summary', 'option', 'reviewDate'] as const) {
    if (options[key] !== undefined) doc[key] = options[key]
  }
  if (options.decides !== undefined) doc['decides'] = options.decides.map((d) => ({ ...d }))
  const outcome = assertValid(doc, { kind: 'Outcome' })
  checkOutcome(outcome, poll)
  return deepFreeze(outcome)
}
