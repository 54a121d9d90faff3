// Decisions' polls, held as the decisions profile's documents: a `Poll` with its options, each
// member's `Stance`, the `Tally` computed when it closes, and the `Outcome` that says what it
// decides. Every change is one of the profile's events, built by the SDK: `poll.opened`,
// `stance.cast` (redacted as the poll's privacy requires), `poll.closed` with the tally, and
// `outcome.published`. The tool's pages and its conformance control actions use the same book.
import {
  ProtocolError,
  createOutcome,
  createPoll,
  createStance,
  outcomePublished,
  pollClosed,
  pollOpened,
  stanceCast,
  tallyPoll,
  type ActorRef,
  type CreatePollOptions,
  type Decides,
  type Event,
  type Outcome,
  type Poll,
  type PollType,
  type Stance,
  type StanceChoice,
  type Tally,
} from '@cta-interop/sdk'

/** A poll as Decisions holds it: the current version of the document, its stances and results. */
export interface PollRecord {
  /** The poll as it stands (with `closed` once it closed). */
  poll: Poll
  /** Who opened it. */
  readonly by: { readonly id: string; readonly name: string }
  /** Every stance cast, oldest first (a voter's latest counts). */
  readonly stances: Stance[]
  /** The tally computed when it closed. */
  tally?: Tally
  /** Its outcome, once published. */
  outcome?: Outcome
  /** What created it, so that the closed version keeps every option's IRI. */
  readonly created: CreatePollOptions
}

/** What opening a poll takes. */
export interface OpenPollOptions {
  readonly pollType: PollType
  readonly name: string
  readonly group: string
  readonly by: { readonly id: string; readonly name: string }
  readonly endTime: string
  /** Option names, in order (a proposal defaults to agree, abstain, disagree and block). */
  readonly options?: readonly string[]
  readonly anonymous?: boolean
  readonly hideResults?: 'off' | 'untilClosed'
  readonly minChoices?: number
  readonly maxChoices?: number
  readonly minScore?: number
  readonly maxScore?: number
  readonly dotsPerVoter?: number
  readonly quorum?: number
  readonly content?: string
}

/** The polls of one tool, and the events each change emits. */
export interface PollBook {
  readonly polls: ReadonlyMap<string, PollRecord>
  /** Opens a poll (`poll.opened`). */
  open(options: OpenPollOptions): Promise<PollRecord>
  /** A member casts a stance (`stance.cast`, redacted by the poll's privacy). */
  cast(
    poll: string,
    voter: { readonly id: string; readonly name: string },
    choice: readonly StanceChoice[],
    reason?: string,
  ): Promise<Stance>
  /** Closes a poll with its tally (`poll.closed`, the tally as `result`). */
  close(poll: string, by: ActorRef): Promise<Tally>
  /** Publishes a poll's outcome (`outcome.published`), with what it decides. */
  publishOutcome(
    poll: string,
    by: { readonly id: string; readonly name: string },
    statement: string,
    options?: { readonly name?: string; readonly decides?: readonly Decides[] },
  ): Promise<Outcome>
}

/** Zero-padded, so that ids minted in the same millisecond sort as they were minted (DEC-STA-003). */
const serial = (n: number): string => String(n).padStart(8, '0')

/**
 * A book of polls for a tool at `origin`: each change is validated by the SDK's builders (a stance
 * that does not fit its poll, or on a closed poll, is refused with the SDK's code) and emitted.
 */
export function createPollBook(options: {
  readonly origin: string
  readonly emit: (event: Event) => Promise<void>
  /** The tool as the actor of what no member does in person (an anonymous poll's stances). */
  readonly tool: ActorRef
  /** Where the polls are kept (the tool's pages read the same map). */
  readonly polls?: Map<string, PollRecord>
}): PollBook {
  const { origin, emit, tool } = options
  const polls = options.polls ?? new Map<string, PollRecord>()
  let counter = 0
  /**
   * The time of a change: now, or a millisecond after the last change if that is later, so that a
   * stance cast after a poll closed is dated after it (and refused by `createStance`), and a
   * voter's stances order as they were cast (DEC-STA-003).
   */
  let last = 0
  const now = (): string => {
    last = Math.max(Date.now(), last + 1)
    return new Date(last).toISOString()
  }
  const person = (p: { id: string; name: string }): ActorRef => ({
    id: p.id,
    type: 'Person',
    name: p.name,
  })
  const held = (id: string): PollRecord => {
    const record = polls.get(id)
    if (record === undefined) throw new ProtocolError('ERR_NOT_FOUND', `no poll ${id}`)
    return record
  }

  return {
    polls,

    async open(o) {
      const id = `${origin}/p/${serial(++counter)}`
      const created: CreatePollOptions = {
        id,
        pollType: o.pollType,
        name: o.name,
        attributedTo: o.by.id,
        audience: o.group,
        endTime: o.endTime,
        url: id,
        published: now(),
        ...(o.options === undefined
          ? {}
          : {
              options: o.options.map((name, i) => ({
                id: `${id}#option-${i + 1}`,
                name,
                // A meeting poll's options are time slots: a name that is a time is its start.
                ...(o.pollType === 'meeting' && !Number.isNaN(Date.parse(name))
                  ? { startTime: name }
                  : {}),
              })),
            }),
        ...(o.anonymous === undefined ? {} : { anonymous: o.anonymous }),
        ...(o.hideResults === undefined ? {} : { hideResults: o.hideResults }),
        ...(o.minChoices === undefined ? {} : { minChoices: o.minChoices }),
        ...(o.maxChoices === undefined ? {} : { maxChoices: o.maxChoices }),
        ...(o.minScore === undefined ? {} : { minScore: o.minScore }),
        ...(o.maxScore === undefined ? {} : { maxScore: o.maxScore }),
        ...(o.dotsPerVoter === undefined ? {} : { dotsPerVoter: o.dotsPerVoter }),
        ...(o.quorum === undefined ? {} : { quorum: o.quorum }),
        ...(o.content === undefined ? {} : { content: o.content }),
      }
      const poll = createPoll(created)
      // The closed version must name the same options: keep the IRIs the SDK gave them.
      const options = (poll.oneOf ?? poll.anyOf ?? []).map((opt) => ({
        id: opt.id,
        name: opt.name,
        ...(opt.position === undefined ? {} : { position: opt.position }),
        ...(opt.startTime === undefined ? {} : { startTime: opt.startTime }),
        ...(opt.endTime === undefined ? {} : { endTime: opt.endTime }),
      }))
      const record: PollRecord = { poll, by: o.by, stances: [], created: { ...created, options } }
      await emit(pollOpened(poll, { source: origin, actor: person(o.by) }))
      polls.set(id, record)
      return record
    },

    async cast(pollId, voter, choice, reason) {
      const record = held(pollId)
      // The SDK refuses a stance on a closed poll (ERR_POLL_CLOSED) or one that does not fit it.
      const stance = createStance(record.poll, {
        id: `${origin}/s/${serial(++counter)}`,
        attributedTo: voter.id,
        choice,
        ...(reason === undefined ? {} : { reason }),
        published: now(),
      })
      // DEC-PRIV-001: in an anonymous poll the tool announces the stance, not the voter.
      const actor = record.poll.anonymous === true ? tool : person(voter)
      await emit(stanceCast(stance, record.poll, { source: origin, actor }))
      record.stances.push(stance)
      return stance
    },

    async close(pollId, by) {
      const record = held(pollId)
      if (record.poll.closed !== undefined) {
        throw new ProtocolError('ERR_POLL_CLOSED', `the poll ${pollId} has closed already`)
      }
      const closed = now()
      const poll = createPoll({ ...record.created, updated: closed, closed })
      const tally = tallyPoll(poll, record.stances)
      await emit(pollClosed(poll, { source: origin, actor: by, tally }))
      record.poll = poll
      record.tally = tally
      return tally
    },

    async publishOutcome(pollId, by, statement, o = {}) {
      const record = held(pollId)
      const outcome = createOutcome(record.poll, {
        id: `${pollId}/outcome`,
        attributedTo: by.id,
        statement,
        ...(o.name === undefined ? {} : { name: o.name }),
        ...(o.decides === undefined ? {} : { decides: o.decides }),
        published: now(),
      })
      if (record.outcome !== undefined) {
        throw new ProtocolError('ERR_POLL_INVALID', `the poll ${pollId} has an outcome already`)
      }
      await emit(outcomePublished(outcome, { source: origin, actor: person(by) }))
      record.outcome = outcome
      return outcome
    },
  }
}
