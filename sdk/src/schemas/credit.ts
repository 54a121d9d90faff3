import { Type, type Static } from '@sinclair/typebox'
import {
  DateTime,
  Decimal,
  Document,
  Iri,
  Name,
  Ref,
  Summary,
  schemaId,
  NameMap,
  SummaryMap,
} from './common.js'
import { MoneyQuantity } from './budgeting.js'

const accountProperties = {
  id: Iri,
  type: Type.Literal('Account'),
  name: Type.Optional(Name),
  nameMap: Type.Optional(NameMap),
  summary: Type.Optional(Summary),
  summaryMap: Type.Optional(SummaryMap),
  primaryAccountable: Iri,
  audience: Iri,
  resourceConformsTo: Iri,
  decimals: Type.Integer({ minimum: 0, maximum: 18 }),
  creditLimit: Decimal,
  debitLimit: Decimal,
  published: DateTime,
  updated: Type.Optional(DateTime),
}

/** A mutual credit account embedded in an event: no `@context`. */
export const EmbeddedAccount = Type.Object(accountProperties, {
  $id: schemaId('embedded-account'),
  additionalProperties: false,
  title: 'EmbeddedAccount',
})
export type EmbeddedAccount = Static<typeof EmbeddedAccount>

/**
 * A mutual credit account: one member's (`primaryAccountable`) account in a group's (`audience`)
 * currency (`resourceConformsTo`, with its `decimals`), whose balance stays between minus its
 * `debitLimit` and its `creditLimit`.
 * @see {@link https://w3id.org/cta/spec/mutual-credit#account Spec: Account}
 */
export const Account = Document('account', accountProperties, {
  title: 'Account',
  description:
    "A mutual credit account: a member's (primaryAccountable) account in a group's (audience) currency (resourceConformsTo, decimals), its balance bounded by -debitLimit and creditLimit.",
})
export type Account = Static<typeof Account>

const transferProperties = {
  id: Iri,
  type: Type.Literal('EconomicEvent'),
  action: Type.Literal('transfer'),
  provider: Iri,
  receiver: Iri,
  resourceInventoriedAs: Iri,
  toResourceInventoriedAs: Iri,
  resourceConformsTo: Iri,
  resourceQuantity: Ref(MoneyQuantity),
  hasPointInTime: DateTime,
  audience: Iri,
  note: Type.Optional(Summary),
}

/** A transfer embedded in an event: no `@context`. */
export const EmbeddedTransfer = Type.Object(transferProperties, {
  $id: schemaId('embedded-transfer'),
  additionalProperties: false,
  title: 'EmbeddedTransfer',
})
export type EmbeddedTransfer = Static<typeof EmbeddedTransfer>

/**
 * A mutual credit transfer: a ValueFlows `EconomicEvent` with action `transfer`, an amount
 * (`resourceQuantity`) from one member's account (`provider`, `resourceInventoriedAs`) to
 * another's (`receiver`, `toResourceInventoriedAs`) at `hasPointInTime`.
 * @see {@link https://w3id.org/cta/spec/mutual-credit#transfer Spec: Transfer}
 */
export const Transfer = Document('transfer', transferProperties, {
  title: 'Transfer',
  description:
    "A mutual credit transfer (a ValueFlows EconomicEvent, action transfer): an amount (resourceQuantity) from the provider's account (resourceInventoriedAs) to the receiver's (toResourceInventoriedAs) at hasPointInTime.",
})
export type Transfer = Static<typeof Transfer>
