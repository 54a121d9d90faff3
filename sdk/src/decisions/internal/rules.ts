import { ProtocolError } from '../../errors.js'
import { readInstant } from '../../internal/parse-instant.js'
import type { EmbeddedPoll, Poll, PollOption, PollType, Stance } from '../../schemas/index.js'

/** A poll with or without its `@context`. @internal */
export type AnyPoll = Poll | EmbeddedPoll

/** Poll types whose options are exclusive (`oneOf`); the others use `anyOf`. @internal */
export const ONE_OF_TYPES: ReadonlySet<PollType> = new Set(['proposal', 'singleChoice', 'count'])

/** The parameters each poll type may carry. @internal */
const PARAMETERS: Readonly<Record<PollType, readonly string[]>> = {
  proposal: [],
  singleChoice: [],
  count: [],
  multipleChoice: ['minChoices', 'maxChoices'],
  score: ['minScore', 'maxScore'],
  rankedChoice: ['minChoices', 'maxChoices'],
  dotVote: ['dotsPerVoter'],
  meeting: [],
}
const ALL_PARAMETERS = ['minChoices', 'maxChoices', 'minScore', 'maxScore', 'dotsPerVoter']

function pollInvalid(message: string): ProtocolError {
  return new ProtocolError('ERR_POLL_INVALID', message)
}

function stanceInvalid(message: string): ProtocolError {
  return new ProtocolError('ERR_STANCE_INVALID', message)
}

/** The options of a poll, in order. @internal */
export function optionsOf(poll: AnyPoll): readonly PollOption[] {
  return poll.oneOf ?? poll.anyOf ?? []
}

/**
 * Checks the rules a poll's options and parameters follow beyond its schema (DEC-POLL-001 to
 * DEC-POLL-003).
 * @throws {ProtocolError} `ERR_POLL_INVALID`.
 * @internal
 */
export function checkPoll(poll: AnyPoll): void {
  const type = poll.pollType
  const exclusive = ONE_OF_TYPES.has(type)
  if ((poll.oneOf === undefined) === (poll.anyOf === undefined)) {
    throw pollInvalid('a poll has exactly one of oneOf and anyOf')
  }
  if (exclusive !== (poll.oneOf !== undefined)) {
    throw pollInvalid(`a ${type} poll lists its options in ${exclusive ? 'oneOf' : 'anyOf'}`)
  }
  const options = optionsOf(poll)
  if (new Set(options.map((o) => o.id)).size !== options.length) {
    throw pollInvalid('two options have the same id')
  }
  if (type === 'proposal') {
    const positions = options.map((o) => o.position)
    if (positions.some((p) => p === undefined) || new Set(positions).size !== positions.length) {
      throw pollInvalid('every option of a proposal has a position of its own')
    }
    if (!positions.includes('agree') || !positions.includes('disagree')) {
      throw pollInvalid('a proposal has an agree and a disagree option')
    }
  } else if (options.some((o) => o.position !== undefined)) {
    throw pollInvalid('only the options of a proposal have a position')
  }
  if (type === 'meeting' && options.some((o) => o.startTime === undefined)) {
    throw pollInvalid('every option of a meeting poll has a startTime')
  }
  for (const o of options) {
    if (o.startTime !== undefined && o.endTime !== undefined) {
      if (readInstant(o.endTime) <= readInstant(o.startTime)) {
        throw pollInvalid('an option ends after it starts')
      }
    }
  }
  const allowed = PARAMETERS[type]
  for (const name of ALL_PARAMETERS) {
    if ((poll as Record<string, unknown>)[name] !== undefined && !allowed.includes(name)) {
      throw pollInvalid(`a ${type} poll has no ${name}`)
    }
  }
  const { minChoices = 1, maxChoices = options.length } = poll
  if (minChoices > maxChoices || maxChoices > options.length) {
    throw pollInvalid('minChoices ≤ maxChoices ≤ the number of options')
  }
  if (type === 'score') {
    if (poll.maxScore === undefined) throw pollInvalid('a score poll has a maxScore')
    if ((poll.minScore ?? 0) >= poll.maxScore) throw pollInvalid('minScore < maxScore')
  }
  if (type === 'dotVote' && poll.dotsPerVoter === undefined) {
    throw pollInvalid('a dot vote has dotsPerVoter')
  }
  if (readInstant(poll.endTime) <= readInstant(poll.published)) {
    throw pollInvalid('a poll closes after it is published')
  }
}

/** When a poll stops taking stances: `closed` when it has closed, else `endTime`. @internal */
export function closingInstant(poll: AnyPoll): number {
  return readInstant(poll.closed ?? poll.endTime)
}

/** The version of a stance: its `updated`, else its `published`. @internal */
export function stanceVersion(stance: Pick<Stance, 'published' | 'updated'>): number {
  return readInstant(stance.updated ?? stance.published)
}

/**
 * Checks that a stance fits its poll (DEC-STA-001) and was cast before the poll closed
 * (DEC-STA-002). The poll must already have passed {@link checkPoll}.
 * @throws {ProtocolError} `ERR_STANCE_INVALID` or `ERR_POLL_CLOSED`.
 * @internal
 */
export function checkStance(stance: Stance, poll: AnyPoll): void {
  if (stance.inReplyTo !== poll.id) throw stanceInvalid('the stance is on another poll')
  if (stance.audience !== poll.audience) throw stanceInvalid('the stance is in another group')
  const ids = new Set(optionsOf(poll).map((o) => o.id))
  const chosen = stance.choice.map((c) => c.option)
  if (chosen.some((id) => !ids.has(id))) throw stanceInvalid('an option the poll does not have')
  if (new Set(chosen).size !== chosen.length) throw stanceInvalid('an option chosen twice')
  const values = stance.choice.map((c) => c.value)
  const n = chosen.length
  const type = poll.pollType
  const needsValue = type === 'score' || type === 'dotVote' || type === 'rankedChoice'
  if (needsValue || type === 'meeting') {
    if (values.some((v) => v === undefined)) throw stanceInvalid(`a ${type} choice has a value`)
  } else if (values.some((v) => v !== undefined)) {
    throw stanceInvalid(`a ${type} choice has no value`)
  }
  const numbers = values as number[]
  switch (type) {
    case 'proposal':
    case 'singleChoice':
    case 'count':
      if (n !== 1) throw stanceInvalid(`a ${type} stance chooses exactly one option`)
      break
    case 'multipleChoice':
    case 'rankedChoice': {
      const { minChoices = 1, maxChoices = ids.size } = poll
      if (n < minChoices || n > maxChoices) {
        throw stanceInvalid(`a ${type} stance chooses ${minChoices} to ${maxChoices} options`)
      }
      if (type === 'rankedChoice') {
        const ranks = [...numbers].sort((a, b) => a - b)
        if (ranks.some((r, i) => r !== i + 1)) throw stanceInvalid('ranks are 1, 2, 3, …')
      }
      break
    }
    case 'score': {
      const min = poll.minScore ?? 0
      const max = poll.maxScore ?? 0
      if (n < 1) throw stanceInvalid('a score stance scores at least one option')
      if (numbers.some((v) => v < min || v > max)) throw stanceInvalid('a score out of range')
      break
    }
    case 'dotVote': {
      if (n < 1) throw stanceInvalid('a dot vote places at least one dot')
      const dots = numbers.reduce((a, b) => a + b, 0)
      if (dots < 1 || dots > (poll.dotsPerVoter ?? 0)) {
        throw stanceInvalid('a dot vote places 1 to dotsPerVoter dots')
      }
      break
    }
    case 'meeting':
      if (n < 1) throw stanceInvalid('a meeting stance answers at least one time')
      if (numbers.some((v) => v > 2)) throw stanceInvalid('a meeting answer is 0, 1 or 2')
      break
  }
  if (
    readInstant(stance.published) > closingInstant(poll) ||
    stanceVersion(stance) > closingInstant(poll)
  ) {
    throw new ProtocolError('ERR_POLL_CLOSED', 'the stance was cast after the poll closed')
  }
}
