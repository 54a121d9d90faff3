import { CONTEXT } from '../constants.js'
import { deepFreeze } from '../internal/freeze.js'
import type { HideResults, Poll, PollOption, PollType } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import { isRecord } from './internal/event.js'
import { checkPoll, ONE_OF_TYPES } from './internal/rules.js'

/** One option of a new poll. */
export interface PollOptionInput {
  /** The option's IRI; defaults to `<poll id>#option-<n>` (n from 1). */
  readonly id?: string
  /** What a voter sees. */
  readonly name: string
  /** A proposal's option: `agree`, `abstain`, `disagree` or `block`. */
  readonly position?: PollOption['position']
  /** A meeting poll's time slot (RFC 3339). */
  readonly startTime?: string
  readonly endTime?: string
}

/** Options of {@link createPoll}. */
export interface CreatePollOptions {
  /** The poll's IRI. */
  readonly id: string
  readonly pollType: PollType
  /** The question. */
  readonly name: string
  /** Who opened it. */
  readonly attributedTo: string
  /** The group it is cast into. */
  readonly audience: string
  /** When it closes (RFC 3339). */
  readonly endTime: string
  /**
   * Its options, in order. A proposal defaults to agree, abstain, disagree and block.
   */
  readonly options?: readonly PollOptionInput[]
  /** Stances do not say who cast them (DEC-PRIV-001). */
  readonly anonymous?: boolean
  /** `untilClosed`: no result travels before the poll closes (DEC-PRIV-002). */
  readonly hideResults?: HideResults
  readonly minChoices?: number
  readonly maxChoices?: number
  readonly minScore?: number
  readonly maxScore?: number
  readonly dotsPerVoter?: number
  /** The fewest stances for a result. */
  readonly quorum?: number
  readonly summary?: string
  readonly content?: string
  readonly url?: string
  readonly to?: readonly string[]
  /** When it opened (RFC 3339). Defaults to now. */
  readonly published?: string
  readonly updated?: string
  /** When it closed, for a poll that has closed (RFC 3339). */
  readonly closed?: string
}

const PROPOSAL_OPTIONS: readonly PollOptionInput[] = [
  { name: 'Agree', position: 'agree' },
  { name: 'Abstain', position: 'abstain' },
  { name: 'Disagree', position: 'disagree' },
  { name: 'Block', position: 'block' },
]

const OPTIONAL = [
  'summary',
  'content',
  'url',
  'anonymous',
  'hideResults',
  'minChoices',
  'maxChoices',
  'minScore',
  'maxScore',
  'dotsPerVoter',
  'quorum',
] as const

/**
 * Creates a poll: an AS2 `Question` whose options are in `oneOf` (proposal, single choice, count)
 * or `anyOf` (multiple choice, score, ranked choice, dot vote, meeting).
 *
 * @param options The poll's fields; see {@link CreatePollOptions}.
 * @returns The frozen, schema-valid poll.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the poll would not validate.
 * @throws {ProtocolError} `ERR_POLL_INVALID` when its options or parameters do not fit its type
 *   (a score poll without `maxScore`, a proposal option without a position, …).
 * @throws {TypeError} When `options` is missing.
 * @example
 * ```ts
 * import { createPoll } from '@cta-interop/sdk'
 * const poll = createPoll({
 *   id: 'https://decisions.example/p/roof', pollType: 'proposal', name: 'Replace the roof?',
 *   attributedTo: 'https://decisions.example/u/aroha',
 *   audience: 'https://decisions.example/g/harbour-commons', endTime: '2026-08-28T04:30:00Z',
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/decisions#DEC-POLL-001 Spec: DEC-POLL-001}
 */
export function createPoll(options: CreatePollOptions): Poll {
  if (!isRecord(options)) {
    throw new TypeError('options with id, pollType, name, attributedTo, audience are required')
  }
  const inputs = options.options ?? (options.pollType === 'proposal' ? PROPOSAL_OPTIONS : undefined)
  if (inputs === undefined) throw new TypeError('options.options is required for this poll type')
  const list = inputs.map((o, i) => ({
    id: o.id ?? `${options.id}#option-${i + 1}`,
    type: 'Note',
    name: o.name,
    ...(o.position === undefined ? {} : { position: o.position }),
    ...(o.startTime === undefined ? {} : { startTime: o.startTime }),
    ...(o.endTime === undefined ? {} : { endTime: o.endTime }),
  }))
  const doc: Record<string, unknown> = {
    '@context': CONTEXT,
    id: options.id,
    type: 'Question',
    pollType: options.pollType,
    name: options.name,
    attributedTo: options.attributedTo,
    audience: options.audience,
    published: options.published ?? new Date().toISOString().replace('.000Z', 'Z'),
    endTime: options.endTime,
    [ONE_OF_TYPES.has(options.pollType) ? 'oneOf' : 'anyOf']: list,
  }
  for (const key of OPTIONAL) if (options[key] !== undefined) doc[key] = options[key]
  if (options.to !== undefined) doc['to'] = [...options.to]
  if (options.updated !== undefined) doc['updated'] = options.updated
  if (options.closed !== undefined) doc['closed'] = options.closed
  const poll = assertValid(doc, { kind: 'Poll' })
  checkPoll(poll)
  return deepFreeze(poll)
}
