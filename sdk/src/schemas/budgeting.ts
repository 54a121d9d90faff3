import { Type, type Static } from '@sinclair/typebox'
import {
  Content,
  DateTime,
  Decimal,
  Document,
  Iri,
  IriList,
  Name,
  Ref,
  StringEnum,
  Summary,
  schemaId,
  Link,
  NameMap,
  SummaryMap,
} from './common.js'

/**
 * An amount of money as an OM 2.0 quantity in the unit `one` (ValueFlows `resourceQuantity`), in
 * the currency of the funding round it belongs to.
 */
export const MoneyQuantity = Type.Object(
  {
    hasUnit: Type.Literal('one'),
    hasNumericalValue: Decimal,
  },
  { $id: schemaId('money-quantity'), additionalProperties: false, title: 'MoneyQuantity' },
)
export type MoneyQuantity = Static<typeof MoneyQuantity>

/**
 * Where a bucket stands: `idea` (not yet open for funding), `open` (taking contributions),
 * `funded` (its minimum goal reached), `completed` (the work is done) or `cancelled` (every
 * contribution refunded). Cobudget's `IDEA`, `OPEN_FOR_FUNDING`, `FUNDED`, `COMPLETED` and
 * `CANCELED`.
 */
export const BucketStatus = StringEnum([
  'idea',
  'open',
  'funded',
  'completed',
  'cancelled',
] as const)
export type BucketStatus = Static<typeof BucketStatus>

const roundProperties = {
  id: Iri,
  type: Type.Literal('FundingRound'),
  name: Name,
  nameMap: Type.Optional(NameMap),
  summary: Type.Optional(Summary),
  summaryMap: Type.Optional(SummaryMap),
  content: Type.Optional(Content),
  url: Type.Optional(Link),
  attributedTo: Type.Optional(Iri),
  audience: Iri,
  to: Type.Optional(IriList()),
  published: DateTime,
  updated: Type.Optional(DateTime),
  resourceConformsTo: Iri,
  decimals: Type.Integer({ minimum: 0, maximum: 18 }),
  startTime: DateTime,
  endTime: Type.Optional(DateTime),
  decidedBy: Type.Optional(Iri),
}

/** A funding round embedded in an event: no `@context`. */
export const EmbeddedFundingRound = Type.Object(roundProperties, {
  $id: schemaId('embedded-funding-round'),
  additionalProperties: false,
  title: 'EmbeddedFundingRound',
})

/**
 * A funding round (Cobudget's round): a group's budget in one currency, open for contributions
 * from `startTime` until `endTime`.
 * @see {@link https://w3id.org/cta/spec/budgeting#funding-round Spec: FundingRound}
 */
export const FundingRound = Document('funding-round', roundProperties, {
  title: 'FundingRound',
  description:
    "A funding round: a group's budget in one currency (resourceConformsTo, with its decimals), open for contributions from startTime until endTime.",
})
export type FundingRound = Static<typeof FundingRound>

const bucketProperties = {
  id: Iri,
  type: Type.Literal('Bucket'),
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
  inScopeOf: Iri,
  minGoal: Decimal,
  maxGoal: Decimal,
  bucketStatus: BucketStatus,
  decidedBy: Type.Optional(Iri),
}

/** A bucket embedded in an event: no `@context`. */
export const EmbeddedBucket = Type.Object(bucketProperties, {
  $id: schemaId('embedded-bucket'),
  additionalProperties: false,
  title: 'EmbeddedBucket',
})

/**
 * A bucket: an idea or project asking a funding round (`inScopeOf`) for at least `minGoal` and at
 * most `maxGoal`, in the round's currency.
 * @see {@link https://w3id.org/cta/spec/budgeting#bucket Spec: Bucket}
 */
export const Bucket = Document('bucket', bucketProperties, {
  title: 'Bucket',
  description:
    'A bucket in a funding round (inScopeOf): what it asks for (minGoal, maxGoal) and where it stands (bucketStatus).',
})
export type Bucket = Static<typeof Bucket>

const allocationProperties = {
  id: Iri,
  type: Type.Literal('Allocation'),
  inScopeOf: Iri,
  audience: Iri,
  provider: Type.Optional(Iri),
  receiver: Iri,
  resourceQuantity: Ref(MoneyQuantity),
  attributedTo: Type.Optional(Iri),
  published: DateTime,
}

/**
 * An allocation: an amount of a funding round's budget given to one member (`receiver`) to
 * contribute to buckets.
 * @see {@link https://w3id.org/cta/spec/budgeting#allocation Spec: Allocation}
 */
export const Allocation = Document('allocation', allocationProperties, {
  title: 'Allocation',
  description:
    "An allocation: an amount (resourceQuantity) of a funding round's (inScopeOf) budget given to a member (receiver).",
})
export type Allocation = Static<typeof Allocation>

const contributionProperties = {
  id: Iri,
  type: Type.Literal('Contribution'),
  inScopeOf: Iri,
  audience: Iri,
  provider: Iri,
  receiver: Iri,
  resourceQuantity: Ref(MoneyQuantity),
  published: DateTime,
}

/** A contribution embedded in an event: no `@context`. */
export const EmbeddedContribution = Type.Object(contributionProperties, {
  $id: schemaId('embedded-contribution'),
  additionalProperties: false,
  title: 'EmbeddedContribution',
})

/**
 * A contribution: a member (`provider`) gives part of their allocation to a bucket (`receiver`).
 * @see {@link https://w3id.org/cta/spec/budgeting#contribution Spec: Contribution}
 */
export const Contribution = Document('contribution', contributionProperties, {
  title: 'Contribution',
  description:
    'A contribution: a member (provider) gives an amount (resourceQuantity) of their allocation to a bucket (receiver) in a funding round (inScopeOf).',
})
export type Contribution = Static<typeof Contribution>
