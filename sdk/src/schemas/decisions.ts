import { Type, type Static } from '@sinclair/typebox'
import {
  Content,
  DateTime,
  Document,
  Iri,
  IriList,
  LIMITS,
  Name,
  Ref,
  StringEnum,
  Summary,
  Token,
  schemaId,
  Link,
  NameMap,
  SummaryMap,
} from './common.js'
import { Quantity } from './intents.js'

/**
 * The kinds of poll (Loomio's poll types): a proposal (agree, abstain, disagree, block), a single
 * or multiple choice, a count, a score, a ranked choice, a dot vote and a meeting time.
 * @see {@link https://w3id.org/cta/spec/decisions#poll-types Spec: poll types}
 */
export const PollType = StringEnum([
  'proposal',
  'singleChoice',
  'multipleChoice',
  'count',
  'score',
  'rankedChoice',
  'dotVote',
  'meeting',
] as const)
export type PollType = Static<typeof PollType>

/** The four positions of a proposal poll's options. */
export const ProposalPosition = StringEnum(['agree', 'abstain', 'disagree', 'block'] as const)
export type ProposalPosition = Static<typeof ProposalPosition>

/** When a poll's results may be seen: always, or only once it is closed. */
export const HideResults = StringEnum(['off', 'untilClosed'] as const)
export type HideResults = Static<typeof HideResults>

/** What a proposal poll decided. */
export const ProposalDecision = StringEnum([
  'agreed',
  'disagreed',
  'tied',
  'blocked',
  'noQuorum',
] as const)
export type ProposalDecision = Static<typeof ProposalDecision>

/** One option of a poll, as an AS2 `Note` in the poll's `oneOf` or `anyOf`. */
export const PollOption = Type.Object(
  {
    id: Iri,
    type: Type.Literal('Note'),
    name: Name,
    nameMap: Type.Optional(NameMap),
    position: Type.Optional(ProposalPosition),
    startTime: Type.Optional(DateTime),
    endTime: Type.Optional(DateTime),
  },
  { $id: schemaId('poll-option'), additionalProperties: false, title: 'PollOption' },
)
export type PollOption = Static<typeof PollOption>

const Options = Type.Array(Ref(PollOption), { minItems: 1, maxItems: LIMITS.list })
const SmallCount = Type.Integer({ minimum: 0, maximum: 1000 })

const pollProperties = {
  id: Iri,
  type: Type.Literal('Question'),
  pollType: PollType,
  name: Name,
  nameMap: Type.Optional(NameMap),
  summary: Type.Optional(Summary),
  summaryMap: Type.Optional(SummaryMap),
  content: Type.Optional(Content),
  url: Type.Optional(Link),
  attributedTo: Iri,
  audience: Iri,
  to: Type.Optional(IriList()),
  published: DateTime,
  updated: Type.Optional(DateTime),
  endTime: DateTime,
  closed: Type.Optional(DateTime),
  oneOf: Type.Optional(Options),
  anyOf: Type.Optional(Options),
  anonymous: Type.Optional(Type.Boolean()),
  hideResults: Type.Optional(HideResults),
  minChoices: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.list })),
  maxChoices: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.list })),
  minScore: Type.Optional(SmallCount),
  maxScore: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  dotsPerVoter: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  quorum: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
}

/**
 * A poll: an AS2 `Question` with its options in `oneOf` (one may be chosen) or `anyOf` (several),
 * its closing time in `endTime` and, once closed, the time it closed in `closed`.
 * @see {@link https://w3id.org/cta/spec/decisions#poll Spec: Poll}
 */
export const Poll = Document('poll', pollProperties, {
  title: 'Poll',
  description:
    'A poll (an AS2 Question): its type, options, closing time, privacy and the rules its stances follow.',
})
export type Poll = Static<typeof Poll>

/** A poll embedded in an event: no `@context`. */
export const EmbeddedPoll = Type.Object(pollProperties, {
  $id: schemaId('embedded-poll'),
  additionalProperties: false,
  title: 'EmbeddedPoll',
})
export type EmbeddedPoll = Static<typeof EmbeddedPoll>

/** A reference to a poll with what its privacy depends on: the target of a stance event. */
export const PollRef = Type.Object(
  {
    id: Iri,
    type: Type.Literal('Question'),
    name: Name,
    nameMap: Type.Optional(NameMap),
    pollType: PollType,
    anonymous: Type.Optional(Type.Boolean()),
    hideResults: Type.Optional(HideResults),
  },
  { $id: schemaId('poll-ref'), additionalProperties: false, title: 'PollRef' },
)
export type PollRef = Static<typeof PollRef>

/** One choice of a stance: an option, and a value for score, dot vote, ranked and meeting polls. */
export const StanceChoice = Type.Object(
  {
    option: Iri,
    value: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  },
  { $id: schemaId('stance-choice'), additionalProperties: false, title: 'StanceChoice' },
)
export type StanceChoice = Static<typeof StanceChoice>

const Choices = Type.Array(Ref(StanceChoice), { maxItems: LIMITS.list })

const stanceProperties = {
  id: Iri,
  type: Type.Literal('Stance'),
  inReplyTo: Iri,
  attributedTo: Iri,
  audience: Iri,
  published: DateTime,
  updated: Type.Optional(DateTime),
  choice: Choices,
  content: Type.Optional(Content),
}

/**
 * A member's stance on a poll: their choices and, in `content`, their reason.
 * @see {@link https://w3id.org/cta/spec/decisions#stance Spec: Stance}
 */
export const Stance = Document('stance', stanceProperties, {
  title: 'Stance',
  description: "A member's stance on a poll (`inReplyTo`): the options chosen and the reason.",
})
export type Stance = Static<typeof Stance>

/**
 * A stance embedded in an event: no `@context`, and who cast it (`attributedTo`) and what was
 * chosen (`choice`) may be left out, as the privacy rules require.
 */
export const EmbeddedStance = Type.Object(
  {
    ...stanceProperties,
    attributedTo: Type.Optional(Iri),
    choice: Type.Optional(Choices),
  },
  { $id: schemaId('embedded-stance'), additionalProperties: false, title: 'EmbeddedStance' },
)
export type EmbeddedStance = Static<typeof EmbeddedStance>

/**
 * What an outcome decides: a bucket, a proposal, a task (its IRI and type), and optionally an
 * amount of a currency (ValueFlows `resourceConformsTo` and `resourceQuantity`, exact decimals).
 */
export const Decides = Type.Object(
  {
    id: Iri,
    type: Type.Optional(Token),
    name: Type.Optional(Name),
    nameMap: Type.Optional(NameMap),
    resourceConformsTo: Type.Optional(Iri),
    resourceQuantity: Type.Optional(Ref(Quantity)),
  },
  { $id: schemaId('decides'), additionalProperties: false, title: 'Decides' },
)
export type Decides = Static<typeof Decides>

const outcomeProperties = {
  id: Iri,
  type: Type.Literal('Outcome'),
  inReplyTo: Iri,
  attributedTo: Iri,
  audience: Iri,
  published: DateTime,
  updated: Type.Optional(DateTime),
  name: Type.Optional(Name),
  nameMap: Type.Optional(NameMap),
  summary: Type.Optional(Summary),
  summaryMap: Type.Optional(SummaryMap),
  content: Content,
  option: Type.Optional(Iri),
  reviewDate: Type.Optional(DateTime),
  decides: Type.Optional(Type.Array(Ref(Decides), { maxItems: LIMITS.shortList })),
}

/**
 * The outcome of a poll: the statement of what was decided, an optional review date, and what it
 * decides (a bucket, a proposal, a task, an amount).
 * @see {@link https://w3id.org/cta/spec/decisions#outcome Spec: Outcome}
 */
export const Outcome = Document('outcome', outcomeProperties, {
  title: 'Outcome',
  description:
    'The outcome of a poll (`inReplyTo`): a statement, a review date and what it decides, with amounts as exact decimals.',
})
export type Outcome = Static<typeof Outcome>

/** An outcome embedded in an event: no `@context`. */
export const EmbeddedOutcome = Type.Object(outcomeProperties, {
  $id: schemaId('embedded-outcome'),
  additionalProperties: false,
  title: 'EmbeddedOutcome',
})
export type EmbeddedOutcome = Static<typeof EmbeddedOutcome>

const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })

/** One option's line in a tally. */
export const TallyOption = Type.Object(
  {
    option: Iri,
    votes: Count,
    points: Type.Optional(Count),
  },
  { $id: schemaId('tally-option'), additionalProperties: false, title: 'TallyOption' },
)
export type TallyOption = Static<typeof TallyOption>

/** One round of a ranked-choice count. */
export const TallyRound = Type.Object(
  {
    counts: Type.Array(Ref(TallyOption), { maxItems: LIMITS.list }),
    exhausted: Count,
    eliminated: Type.Optional(Iri),
  },
  { $id: schemaId('tally-round'), additionalProperties: false, title: 'TallyRound' },
)
export type TallyRound = Static<typeof TallyRound>

/**
 * The result of a poll, computed from its stances exactly as the decisions chapter specifies.
 * @see {@link https://w3id.org/cta/spec/decisions#tallies Spec: tallies}
 */
export const Tally = Type.Object(
  {
    type: Type.Literal('Tally'),
    poll: Iri,
    pollType: PollType,
    voters: Count,
    quorumReached: Type.Boolean(),
    options: Type.Array(Ref(TallyOption), { maxItems: LIMITS.list }),
    winners: IriList(),
    decision: Type.Optional(ProposalDecision),
    rounds: Type.Optional(Type.Array(Ref(TallyRound), { maxItems: LIMITS.list })),
  },
  { $id: schemaId('tally'), additionalProperties: false, title: 'Tally' },
)
export type Tally = Static<typeof Tally>
