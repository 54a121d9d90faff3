import { ProtocolError } from '../../errors.js'
import { isRecord } from '../../intents/internal/activity.js'
import { isoString, parseInstant } from '../../intents/internal/time.js'
import type { FundingRound } from '../../schemas/index.js'
import { assertValid } from '../../validate/validate-document.js'

/** A mutable document under construction. @internal */
export type Mutable = Record<string, unknown>

/** Checks that `options` is an object. @internal */
export function requireOptions(options: unknown): asserts options is Record<string, unknown> {
  if (!isRecord(options)) throw new TypeError('options are required')
}

/** Checks and returns the funding round a document is created in. @internal */
export function roundOf(round: unknown): FundingRound {
  if (!isRecord(round)) throw new TypeError('options.round must be the FundingRound document')
  return assertValid(round, { kind: 'FundingRound' })
}

/** `published` from the options, else the time of `now` (default: the current time). @internal */
export function publishedOf(options: { published?: string; now?: Date }): string {
  if (options.published !== undefined) return options.published
  const now = options.now ?? new Date()
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new TypeError('options.now must be a valid Date')
  }
  return isoString(now)
}

/** Copies the members of `options` named in `keys` that are set. @internal */
export function copyOptional(
  doc: Mutable,
  options: Record<string, unknown>,
  keys: readonly string[],
): void {
  for (const key of keys) {
    const value = options[key]
    if (value !== undefined) doc[key] = Array.isArray(value) ? [...(value as unknown[])] : value
  }
}

/**
 * Reads a time of a document as milliseconds (EVT-TIME-001's instants), refusing one that cannot
 * be read instead of skipping it. @internal
 */
export function instantOf(value: string, what: string): number {
  const t = parseInstant(value)
  if (Number.isNaN(t)) throw new ProtocolError('ERR_SCHEMA_INVALID', `${what} is not a date-time`)
  return t
}

/**
 * BUD-ROUND-001: a round's `endTime`, when present, is later than its `startTime`.
 * @throws {ProtocolError} `ERR_BUDGET_INVALID` otherwise.
 * @internal
 */
export function checkRoundWindow(round: FundingRound): void {
  if (round.endTime === undefined) return
  if (instantOf(round.endTime, 'endTime') <= instantOf(round.startTime, 'startTime')) {
    throw new ProtocolError('ERR_BUDGET_INVALID', `funding round ${round.id} ends before it starts`)
  }
}
