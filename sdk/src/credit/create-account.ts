import { CONTEXT } from '../constants.js'
import { deepFreeze } from '../internal/freeze.js'
import { isRecord } from '../intents/internal/activity.js'
import type { RoundingMode } from '../intents/round-amount.js'
import type { Account, ResourceSpecification } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import {
  copyOptional,
  publishedOf,
  requireOptions,
  type Mutable,
} from '../budgeting/internal/build.js'
import { amountIn } from '../budgeting/internal/money.js'

/** Options of {@link createAccount}. */
export interface CreateAccountOptions {
  /** The account's IRI, at the mutual credit tool. */
  readonly id: string
  /** The member who holds it (its `primaryAccountable`). */
  readonly member: string
  /** The group whose currency it is in (its `audience`). */
  readonly audience: string
  /**
   * The currency: its `ResourceSpecification`, whose `id` becomes the account's
   * `resourceConformsTo` and whose `decimals` the account's `decimals`.
   */
  readonly currency: ResourceSpecification
  /** How far above zero the balance may go (a decimal string, at least `0`). */
  readonly creditLimit: string
  /** How far below zero the balance may go (a decimal string, at least `0`). */
  readonly debitLimit: string
  /** A limit more precise than the currency is rounded with this mode instead of refused. */
  readonly rounding?: RoundingMode
  readonly name?: string
  readonly summary?: string
  /** When it was opened. Defaults to `now`. */
  readonly published?: string
  readonly updated?: string
  /** The clock for `published`. Defaults to the current time. */
  readonly now?: Date
}

/**
 * Creates a mutual credit account: a frozen, schema-valid `Account` of one member in one
 * currency, its limits written with exactly the currency's decimals.
 *
 * @param options The account's IRI, member, group, currency and limits.
 * @returns The account, validated and frozen.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the result or the currency would not validate.
 * @throws {ProtocolError} `ERR_AMOUNT_INVALID` when a limit is not a decimal amount (a negative
 *   limit included).
 * @throws {ProtocolError} `ERR_AMOUNT_PRECISION` when a limit needs more fraction digits than the
 *   currency allows and `rounding` was not given.
 * @throws {TypeError} When options or the currency are missing.
 * @example
 * ```ts
 * import { createAccount } from '@cta-interop/sdk'
 * const account = createAccount({
 *   id: 'https://credit.example/accounts/aroha',
 *   member: 'https://decisions.example/u/aroha',
 *   audience: 'https://decisions.example/g/harbour-commons',
 *   currency: harbourCredit, // its ResourceSpecification: Harbour Credit, 2 decimals
 *   creditLimit: '500',
 *   debitLimit: '200',
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/mutual-credit#MCR-AMT-001 Spec: MCR-AMT-001}
 */
export function createAccount(options: CreateAccountOptions): Account {
  requireOptions(options)
  const { currency } = options
  if (!isRecord(currency)) {
    throw new TypeError('options.currency must be the currency’s ResourceSpecification')
  }
  const spec = assertValid(currency, { kind: 'ResourceSpecification' })
  const doc: Mutable = { '@context': CONTEXT, id: options.id, type: 'Account' }
  copyOptional(doc, options, ['name', 'summary'])
  doc['primaryAccountable'] = options.member
  doc['audience'] = options.audience
  doc['resourceConformsTo'] = spec.id
  doc['decimals'] = spec.decimals
  doc['creditLimit'] = amountIn(options.creditLimit, spec.decimals, options.rounding)
  doc['debitLimit'] = amountIn(options.debitLimit, spec.decimals, options.rounding)
  doc['published'] = publishedOf(options)
  copyOptional(doc, options, ['updated'])
  return deepFreeze(assertValid(doc, { kind: 'Account' }))
}
