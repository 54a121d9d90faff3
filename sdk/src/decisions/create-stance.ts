import { CONTEXT } from '../constants.js'
import { deepFreeze } from '../internal/freeze.js'
import type { EmbeddedPoll, Poll, Stance, StanceChoice } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import { isRecord } from './internal/event.js'
import { checkPoll, checkStance } from './internal/rules.js'

/** Options of {@link createStance}. */
export interface CreateStanceOptions {
  /** The stance's IRI. */
  readonly id: string
  /** The voter. */
  readonly attributedTo: string
  /**
   * The choices: one option for a proposal, single choice or count poll; the options chosen for a
   * multiple choice; with a `value` for a score (the score), a dot vote (the dots), a ranked
   * choice (the rank, 1 is best) and a meeting (0 no, 1 maybe, 2 yes).
   */
  readonly choice: readonly StanceChoice[]
  /** The voter's reason. */
  readonly reason?: string
  /** When it was cast (RFC 3339). Defaults to now. */
  readonly published?: string
  /** When it was changed, for a new version (RFC 3339). */
  readonly updated?: string
}

/**
 * Creates a member's stance on a poll, checked against the poll's rules.
 *
 * @param poll The poll the stance answers.
 * @param options The voter, the choices and the reason; see {@link CreateStanceOptions}.
 * @returns The frozen, schema-valid stance (its reason in `content`).
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the stance would not validate.
 * @throws {ProtocolError} `ERR_STANCE_INVALID` when the choices do not fit the poll (an unknown
 *   option, more dots than `dotsPerVoter`, ranks that are not 1, 2, 3, …); `ERR_POLL_CLOSED` when
 *   the poll closed before the stance; `ERR_POLL_INVALID` when the poll itself is not valid.
 * @throws {TypeError} When `options` is missing.
 * @example
 * ```ts
 * import { createStance } from '@cta-interop/sdk'
 * const stance = createStance(poll, {
 *   id: 'https://decisions.example/s/1', attributedTo: 'https://decisions.example/u/tui',
 *   choice: [{ option: 'https://decisions.example/p/roof#option-1' }], reason: 'It leaks.',
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/decisions#DEC-STA-001 Spec: DEC-STA-001}
 */
export function createStance(poll: Poll | EmbeddedPoll, options: CreateStanceOptions): Stance {
  if (!isRecord(options)) {
    throw new TypeError('options with id, attributedTo and choice are required')
  }
  if (!Array.isArray(options.choice)) throw new TypeError('options.choice must be an array')
  const doc: Record<string, unknown> = {
    '@context': CONTEXT,
    id: options.id,
    type: 'Stance',
    inReplyTo: poll.id,
    attributedTo: options.attributedTo,
    audience: poll.audience,
    published: options.published ?? new Date().toISOString().replace('.000Z', 'Z'),
    choice: options.choice.map((c: StanceChoice) => ({ ...c })),
  }
  if (options.updated !== undefined) doc['updated'] = options.updated
  if (options.reason !== undefined) doc['content'] = options.reason
  const stance = assertValid(doc, { kind: 'Stance' })
  checkPoll(poll)
  checkStance(stance, poll)
  return deepFreeze(stance)
}
