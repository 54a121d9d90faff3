import { CONTEXT } from '../constants.js'
import { deepFreeze } from '../internal/freeze.js'
import type { RoundingMode } from '../intents/round-amount.js'
import type { Account, Transfer } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import { requireOptions, type Mutable } from '../budgeting/internal/build.js'
import { isoString } from '../intents/internal/time.js'
import { amountIn } from '../budgeting/internal/money.js'
import { checkTransferAccounts } from './internal/check-transfer.js'
import { holdAccount } from './internal/ledger.js'

/** Options of {@link createTransfer}. */
export interface CreateTransferOptions {
  /** The transfer's IRI, at the mutual credit tool. */
  readonly id: string
  /** The account it is paid from (the provider's). */
  readonly from: Account
  /** The account it is paid into (the receiver's), in the same currency and group. */
  readonly to: Account
  /** The amount, in the accounts' currency (a decimal string above zero). */
  readonly amount: string
  /** An amount more precise than the currency is rounded with this mode instead of refused. */
  readonly rounding?: RoundingMode
  /** What it is for (ValueFlows `note`), at most 280 characters. */
  readonly note?: string
  /** When it happened (`hasPointInTime`). Defaults to `now`. */
  readonly time?: string
  /** The clock for `time`. Defaults to the current time. */
  readonly now?: Date
}

/**
 * Creates a mutual credit transfer: a frozen, schema-valid ValueFlows `EconomicEvent` with action
 * `transfer` from one member's account to another's, its amount written with exactly the
 * currency's decimals. Whether the accounts' limits allow it is for {@link computeBalances} to
 * say: compute the balances with it added.
 *
 * @param options The transfer's IRI, its two accounts and its amount.
 * @returns The transfer, validated and frozen.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the result or an account would not validate.
 * @throws {ProtocolError} `ERR_AMOUNT_INVALID` when the amount is not a decimal amount.
 * @throws {ProtocolError} `ERR_AMOUNT_PRECISION` when it needs more fraction digits than the
 *   currency allows and `rounding` was not given.
 * @throws {ProtocolError} `ERR_CREDIT_INVALID` when the accounts are one and the same, differ in
 *   currency or group, or the amount is zero (MCR-TRF-001).
 * @throws {TypeError} When options or an account are missing.
 * @example
 * ```ts
 * import { createTransfer, type Account } from '@cta-interop/sdk'
 * declare const arohaAccount: Account, benAccount: Account
 * const transfer = createTransfer({
 *   id: 'https://credit.example/transfers/1',
 *   from: arohaAccount,
 *   to: benAccount,
 *   amount: '35.50',
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/mutual-credit#MCR-TRF-001 Spec: MCR-TRF-001}
 */
export function createTransfer(options: CreateTransferOptions): Transfer {
  requireOptions(options)
  const from = holdAccount(options.from).doc
  const to = holdAccount(options.to).doc
  let time = options.time
  if (time === undefined) {
    const now = options.now ?? new Date()
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
      throw new TypeError('options.now must be a valid Date')
    }
    time = isoString(now)
  }
  const doc: Mutable = {
    '@context': CONTEXT,
    id: options.id,
    type: 'EconomicEvent',
    action: 'transfer',
    provider: from.primaryAccountable,
    receiver: to.primaryAccountable,
    resourceInventoriedAs: from.id,
    toResourceInventoriedAs: to.id,
    resourceConformsTo: from.resourceConformsTo,
    resourceQuantity: {
      hasUnit: 'one',
      hasNumericalValue: amountIn(options.amount, from.decimals, options.rounding),
    },
    hasPointInTime: time,
    audience: from.audience,
  }
  if (options.note !== undefined) doc['note'] = options.note
  const transfer = assertValid(doc, { kind: 'Transfer' })
  checkTransferAccounts(transfer, from, to)
  return deepFreeze(transfer)
}
