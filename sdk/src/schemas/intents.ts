import { Type, type Static } from '@sinclair/typebox'
import {
  Content,
  DateTime,
  Decimal,
  Document,
  Iri,
  IriList,
  LIMITS,
  Name,
  StringEnum,
  SYMBOL_PATTERN,
  Summary,
  Tag,
  schemaId,
  Ref,
  Link,
  NameMap,
  SummaryMap,
} from './common.js'

/** The kinds of currency a `ResourceSpecification` can describe. */
export const CurrencyType = StringEnum([
  'fiat',
  'mutualCredit',
  'timebank',
  'groupBudget',
  'points',
] as const)
export type CurrencyType = Static<typeof CurrencyType>

/** The ValueFlows actions an intent can name. */
export const Action = StringEnum([
  'accept',
  'cite',
  'combine',
  'consume',
  'copy',
  'deliverService',
  'dropoff',
  'lower',
  'modify',
  'move',
  'pickup',
  'produce',
  'raise',
  'separate',
  'transfer',
  'transferAllRights',
  'transferCustody',
  'use',
  'work',
] as const)
export type Action = Static<typeof Action>

/** An OM 2.0 quantity: a unit and a decimal-string value (`one` is the unit of money). */
export const Quantity = Type.Object(
  {
    hasUnit: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9-]*$', maxLength: LIMITS.token }),
    hasNumericalValue: Decimal,
  },
  { $id: schemaId('quantity'), additionalProperties: false, title: 'Quantity' },
)
export type Quantity = Static<typeof Quantity>

/**
 * A currency or other kind of resource, with the metadata a price needs.
 * @see {@link https://w3id.org/cta/spec/documents#resource-specification Spec: ResourceSpecification}
 */
export const ResourceSpecification = Document(
  'resource-specification',
  {
    id: Iri,
    type: Type.Literal('ResourceSpecification'),
    name: Name,
    nameMap: Type.Optional(NameMap),
    summary: Type.Optional(Summary),
    summaryMap: Type.Optional(SummaryMap),
    url: Type.Optional(Link),
    currencyType: CurrencyType,
    symbol: Type.String({ minLength: 1, maxLength: 16, pattern: SYMBOL_PATTERN }),
    decimals: Type.Integer({ minimum: 0, maximum: 18 }),
    currencyCode: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', maxLength: 3 })),
    issuer: Type.Optional(Iri),
  },
  {
    title: 'ResourceSpecification',
    description:
      'A currency (fiat, mutual credit, timebank hours, a group budget, points) with its symbol and decimals.',
  },
)
export type ResourceSpecification = Static<typeof ResourceSpecification>

const intentProperties = {
  id: Type.Optional(Iri),
  type: Type.Literal('Intent'),
  action: Action,
  name: Type.Optional(Name),
  nameMap: Type.Optional(NameMap),
  note: Type.Optional(Content),
  provider: Type.Optional(Iri),
  receiver: Type.Optional(Iri),
  resourceConformsTo: Type.Optional(Iri),
  resourceQuantity: Type.Optional(Ref(Quantity)),
  effortQuantity: Type.Optional(Ref(Quantity)),
  availableQuantity: Type.Optional(Ref(Quantity)),
  minimumQuantity: Type.Optional(Ref(Quantity)),
  hasBeginning: Type.Optional(DateTime),
  hasEnd: Type.Optional(DateTime),
}

/** An intent embedded in a proposal: no `@context`. */
export const EmbeddedIntent = Type.Object(intentProperties, {
  $id: schemaId('embedded-intent'),
  additionalProperties: false,
  title: 'EmbeddedIntent',
})
export type EmbeddedIntent = Static<typeof EmbeddedIntent>

/**
 * A ValueFlows intent on its own: something someone wants to give or get.
 * @see {@link https://w3id.org/cta/spec/documents#intent Spec: Intent}
 */
export const Intent = Document('intent', intentProperties, {
  title: 'Intent',
  description: 'A ValueFlows intent: an action on a resource, with quantities and a time window.',
})
export type Intent = Static<typeof Intent>

const proposalProperties = {
  id: Iri,
  type: Type.Literal('Proposal'),
  purpose: StringEnum(['offer', 'request'] as const),
  name: Name,
  nameMap: Type.Optional(NameMap),
  summary: Type.Optional(Summary),
  summaryMap: Type.Optional(SummaryMap),
  content: Type.Optional(Content),
  url: Type.Optional(Link),
  attributedTo: Iri,
  published: DateTime,
  updated: Type.Optional(DateTime),
  endTime: Type.Optional(DateTime),
  audience: Iri,
  to: Type.Optional(IriList()),
  tag: Type.Optional(Type.Array(Tag, { maxItems: 32 })),
  unitBased: Type.Optional(Type.Boolean()),
  publishes: Ref(EmbeddedIntent),
  reciprocal: Type.Optional(Ref(EmbeddedIntent)),
}

/** A proposal embedded in an event: no `@context`. */
export const EmbeddedProposal = Type.Object(proposalProperties, {
  $id: schemaId('embedded-proposal'),
  additionalProperties: false,
  title: 'EmbeddedProposal',
})

/**
 * An offer or a request cast into a group (FEP-0837 profile of ValueFlows). A price tag is an
 * offer whose `reciprocal` names a currency; a bounty is a request whose `reciprocal` names one.
 * @see {@link https://w3id.org/cta/spec/documents#proposal Spec: Proposal}
 */
export const Proposal = Document('proposal', proposalProperties, {
  title: 'Proposal',
  description:
    'An offer or request cast into a group: a primary intent it publishes and an optional reciprocal (the price or bounty).',
})
export type Proposal = Static<typeof Proposal>

/** The relationship IRI a match carries. */
export const MATCHES_RELATIONSHIP = 'https://w3id.org/cta#matches'

const matchProperties = {
  id: Type.Optional(Iri),
  type: Type.Literal('Relationship'),
  subject: Iri,
  relationship: Type.Literal(MATCHES_RELATIONSHIP),
  object: Iri,
  // INT-MAT-009: from 0 to 1, at most six fraction digits, no trailing zeros (`0.975`, `1`).
  score: Type.String({ pattern: '^(0|1|0\\.[0-9]{0,5}[1-9])$', maxLength: 8 }),
  attributedTo: Type.Optional(Iri),
  published: Type.Optional(DateTime),
}

/** A match embedded in an event: no `@context`. */
export const EmbeddedMatch = Type.Object(matchProperties, { additionalProperties: false })

/**
 * A match found between two intents or proposals, as an AS2 `Relationship`.
 * @see {@link https://w3id.org/cta/spec/documents#match Spec: Match}
 */
export const Match = Document('match', matchProperties, {
  title: 'Match',
  description:
    'A match between two proposals or intents (subject and object), with a score between 0 and 1.',
})
export type Match = Static<typeof Match>

/** A ValueFlows commitment: a promise that satisfies an intent. */
export const Commitment = Type.Object(
  {
    id: Type.Optional(Iri),
    type: Type.Literal('Commitment'),
    satisfies: Iri,
    action: Action,
    provider: Type.Optional(Iri),
    receiver: Type.Optional(Iri),
    resourceConformsTo: Type.Optional(Iri),
    resourceQuantity: Type.Optional(Ref(Quantity)),
    effortQuantity: Type.Optional(Ref(Quantity)),
  },
  { $id: schemaId('commitment'), additionalProperties: false, title: 'Commitment' },
)
export type Commitment = Static<typeof Commitment>

/** A ValueFlows agreement: what a response to a proposal offers, and what it asks in return. */
export const Agreement = Type.Object(
  {
    id: Iri,
    type: Type.Literal('Agreement'),
    stipulates: Ref(Commitment),
    stipulatesReciprocal: Type.Optional(Ref(Commitment)),
  },
  { $id: schemaId('agreement'), additionalProperties: false, title: 'Agreement' },
)
export type Agreement = Static<typeof Agreement>

/** A ValueFlows economic event: what actually happened (a payment made, a service delivered). */
export const EconomicEvent = Type.Object(
  {
    id: Iri,
    type: Type.Literal('EconomicEvent'),
    action: Action,
    provider: Iri,
    receiver: Iri,
    resourceConformsTo: Type.Optional(Iri),
    resourceQuantity: Type.Optional(Ref(Quantity)),
    effortQuantity: Type.Optional(Ref(Quantity)),
    fulfills: Type.Optional(Iri),
    hasPointInTime: DateTime,
  },
  { additionalProperties: false },
)
export type EconomicEvent = Static<typeof EconomicEvent>
