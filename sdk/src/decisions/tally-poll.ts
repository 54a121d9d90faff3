import { assertValid } from '../validate/validate-document.js'
import { deepFreeze } from '../internal/freeze.js'
import type {
  EmbeddedPoll,
  Poll,
  ProposalDecision,
  Stance,
  Tally,
  TallyOption,
} from '../schemas/index.js'
import { checkPoll, checkStance, optionsOf, stanceVersion, type AnyPoll } from './internal/rules.js'
import { rankedChoice } from './internal/ranked-choice.js'

/** Compares two strings by Unicode code point (the order of their UTF-8 bytes). */
function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) ?? 0)
  const y = Array.from(b, (c) => c.codePointAt(0) ?? 0)
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0)
  }
  return x.length - y.length
}

/** The stance each voter's tally counts: their latest (DEC-STA-003). */
function latestStances(stances: readonly Stance[]): Stance[] {
  const byVoter = new Map<string, { stance: Stance; version: number }>()
  for (const stance of stances) {
    const version = stanceVersion(stance)
    const held = byVoter.get(stance.attributedTo)
    if (
      held === undefined ||
      version > held.version ||
      (version === held.version && compareCodePoints(stance.id, held.stance.id) > 0)
    ) {
      byVoter.set(stance.attributedTo, { stance, version })
    }
  }
  return [...byVoter.values()].map((v) => v.stance)
}

/** The options whose key is the greatest, provided it is above zero (DEC-TAL-001). */
function greatest(
  lines: readonly TallyOption[],
  key: (l: TallyOption) => readonly number[],
): string[] {
  let best: readonly number[] | undefined
  let winners: string[] = []
  for (const line of lines) {
    const k = key(line)
    if ((k[0] ?? 0) <= 0) continue
    const cmp = best === undefined ? 1 : compareKeys(k, best)
    if (cmp > 0) {
      best = k
      winners = [line.option]
    } else if (cmp === 0) winners.push(line.option)
  }
  return winners
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0)
  }
  return 0
}

function proposalDecision(poll: AnyPoll, lines: readonly TallyOption[], quorum: boolean) {
  const votesOf = (position: string): number => {
    const option = optionsOf(poll).find((o) => o.position === position)
    return lines.find((l) => l.option === option?.id)?.votes ?? 0
  }
  const idOf = (position: string): string[] => {
    const option = optionsOf(poll).find((o) => o.position === position)
    return option === undefined ? [] : [option.id]
  }
  let decision: ProposalDecision
  if (!quorum) decision = 'noQuorum'
  else if (votesOf('block') > 0) decision = 'blocked'
  else if (votesOf('agree') > votesOf('disagree')) decision = 'agreed'
  else if (votesOf('agree') < votesOf('disagree')) decision = 'disagreed'
  else decision = 'tied'
  const winners =
    decision === 'agreed' ? idOf('agree') : decision === 'disagreed' ? idOf('disagree') : []
  return { decision, winners }
}

/**
 * Computes the tally of a poll from its stances, exactly as the decisions chapter specifies, so
 * that every tool computes the same result from the same stances: each voter's latest stance
 * counts; integers only; ranked choice by instant run-off with its rounds and tie-breaks.
 *
 * @param poll The poll (with or without its `@context`).
 * @param stances Its stances, in any order; each is validated and checked against the poll.
 * @returns The frozen tally: per option its `votes` (and `points` for score, dot vote and meeting
 *   polls), the `winners`, the proposal's `decision`, the ranked choice's `rounds`.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the poll or a stance is not valid.
 * @throws {ProtocolError} `ERR_POLL_INVALID` when the poll breaks DEC-POLL-001 to DEC-POLL-003,
 *   `ERR_STANCE_INVALID` when a stance does not fit the poll (a dot vote over its budget, an
 *   unknown option, …), `ERR_POLL_CLOSED` when a stance was cast after the poll closed. A tally is
 *   never computed over the stances that remain: one bad stance refuses the whole tally.
 * @throws {TypeError} When `stances` is not an array.
 * @example
 * ```ts
 * import { tallyPoll } from '@cta-interop/sdk'
 * const tally = tallyPoll(poll, stances)
 * console.log(tally.winners, tally.decision)
 * ```
 * @see {@link https://w3id.org/cta/spec/decisions#DEC-TAL-001 Spec: DEC-TAL-001}
 */
export function tallyPoll(poll: Poll | EmbeddedPoll, stances: readonly Stance[]): Tally {
  if (!Array.isArray(stances)) throw new TypeError('stances must be an array')
  const checked =
    (poll as Partial<Poll>)['@context'] === undefined
      ? assertValid(poll, { kind: 'EmbeddedPoll' })
      : assertValid(poll, { kind: 'Poll' })
  checkPoll(checked)
  for (const stance of stances) checkStance(assertValid(stance, { kind: 'Stance' }), checked)
  const counted = latestStances(stances)
  const options = optionsOf(checked)
  const quorumReached = counted.length >= (checked.quorum ?? 0)
  const type = checked.pollType
  const base = {
    type: 'Tally' as const,
    poll: checked.id,
    pollType: type,
    voters: counted.length,
    quorumReached,
  }
  if (type === 'rankedChoice') {
    const { firstRound, rounds, winners } = rankedChoice(
      options.map((o) => o.id),
      counted.map((s) => s.choice.map((c) => ({ option: c.option, rank: c.value ?? 0 }))),
    )
    return deepFreeze({
      ...base,
      options: firstRound,
      winners: quorumReached ? winners : [],
      rounds,
    })
  }
  const withPoints = type === 'score' || type === 'dotVote' || type === 'meeting'
  const lines: TallyOption[] = options.map((o) => {
    let votes = 0
    let points = 0
    for (const stance of counted) {
      const choice = stance.choice.find((c) => c.option === o.id)
      if (choice === undefined) continue
      const value = choice.value ?? 0
      points += value
      if (type === 'meeting' ? value === 2 : type === 'dotVote' ? value > 0 : true) votes += 1
    }
    return withPoints ? { option: o.id, votes, points } : { option: o.id, votes }
  })
  if (type === 'proposal') {
    const { decision, winners } = proposalDecision(checked, lines, quorumReached)
    return deepFreeze({ ...base, options: lines, winners, decision })
  }
  const key = withPoints
    ? (l: TallyOption) => (type === 'meeting' ? [l.points ?? 0, l.votes] : [l.points ?? 0])
    : (l: TallyOption) => [l.votes]
  return deepFreeze({ ...base, options: lines, winners: quorumReached ? greatest(lines, key) : [] })
}
