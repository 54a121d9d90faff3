import { ProtocolError } from '../errors.js'
import { isRecord } from '../intents/internal/activity.js'
import type { Account, Transfer } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import { instantOf } from '../budgeting/internal/build.js'
import { formatUnits, type Units } from '../budgeting/internal/money.js'
import { checkTransferAccounts } from './internal/check-transfer.js'
import { byCodePoint, creditInvalid, holdAccount, type Held } from './internal/ledger.js'

/** Options of {@link computeBalances}: the accounts and every transfer between them. */
export interface ComputeBalancesOptions {
  /** The accounts, as they now stand. */
  readonly accounts: readonly Account[]
  /** The transfers, in any order. */
  readonly transfers: readonly Transfer[]
}

/** The balances computed by {@link computeBalances}. */
export interface Balances {
  /** Each account's balance, by IRI, with exactly its currency's decimals (negative below zero). */
  readonly balances: Readonly<Record<string, string>>
  /** The sum of the balances of each currency, by IRI: always zero (MCR-BAL-001). */
  readonly sums: Readonly<Record<string, string>>
}

function list(value: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`options.${what} must be an array`)
  return value as unknown[]
}

/**
 * Computes the balance of every mutual credit account from the transfers, the same way in every
 * tool (MCR-BAL-001): every account starts at zero; transfers are applied in order of
 * `hasPointInTime` (instants at millisecond precision), then of `id` in code-point order; each
 * takes its amount from the provider's account and adds it to the receiver's. A transfer that
 * would take the provider's account below minus its `debitLimit`, or the receiver's above its
 * `creditLimit`, is refused, and the whole computation with it.
 *
 * To check a new transfer, compute the balances with it added: it is acceptable exactly when this
 * does not throw.
 *
 * @param options The accounts and the transfers (documents, as received).
 * @returns Each account's balance and each currency's sum (zero).
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when a document does not validate.
 * @throws {ProtocolError} `ERR_AMOUNT_PRECISION` when an amount or a limit needs more fraction
 *   digits than its currency allows (MCR-AMT-001).
 * @throws {ProtocolError} `ERR_CREDIT_INVALID` when an account `id` or a transfer `id` repeats, or
 *   a transfer names an unknown account or breaks MCR-TRF-001.
 * @throws {ProtocolError} `ERR_DEBIT_LIMIT` when a transfer would take its provider's account
 *   below minus its debit limit (MCR-LIM-001).
 * @throws {ProtocolError} `ERR_CREDIT_LIMIT` when a transfer would take its receiver's account
 *   above its credit limit (MCR-LIM-002).
 * @throws {TypeError} When options or its lists are missing.
 * @example
 * ```ts
 * import { computeBalances, type Account } from '@cta-interop/sdk'
 * declare const aroha: Account, ben: Account
 * const { balances } = computeBalances({ accounts: [aroha, ben], transfers: [transfer] })
 * balances[aroha.id] // '-35.50'
 * ```
 * @see {@link https://w3id.org/cta/spec/mutual-credit#MCR-BAL-001 Spec: MCR-BAL-001}
 */
export function computeBalances(options: ComputeBalancesOptions): Balances {
  if (!isRecord(options)) throw new TypeError('options are required')
  const held = new Map<string, Held>()
  for (const account of list(options.accounts, 'accounts')) {
    const h = holdAccount(account)
    if (held.has(h.doc.id)) throw creditInvalid(`account ${h.doc.id} appears twice`)
    held.set(h.doc.id, h)
  }
  const ids = new Set<string>()
  const entries: { at: number; transfer: Transfer; amount: Units; from: Held; to: Held }[] = []
  for (const value of list(options.transfers, 'transfers')) {
    if (!isRecord(value)) throw new TypeError('every transfer must be a Transfer document')
    const transfer = assertValid(value, { kind: 'Transfer' })
    if (ids.has(transfer.id)) throw creditInvalid(`transfer ${transfer.id} appears twice`)
    ids.add(transfer.id)
    const from = held.get(transfer.resourceInventoriedAs)
    const to = held.get(transfer.toResourceInventoriedAs)
    if (from === undefined || to === undefined) {
      throw creditInvalid(`transfer ${transfer.id} names an unknown account`)
    }
    const amount = checkTransferAccounts(transfer, from.doc, to.doc)
    entries.push({
      at: instantOf(transfer.hasPointInTime, 'hasPointInTime'),
      transfer,
      amount,
      from,
      to,
    })
  }
  entries.sort((a, b) => a.at - b.at || byCodePoint(a.transfer.id, b.transfer.id))

  const units = new Map<string, Units>()
  for (const id of held.keys()) units.set(id, 0n)
  for (const { transfer, amount, from, to } of entries) {
    const debit = (units.get(from.doc.id) ?? 0n) - amount
    if (debit < -from.debit) {
      throw new ProtocolError(
        'ERR_DEBIT_LIMIT',
        `transfer ${transfer.id} would take ${from.doc.id} past its debit limit`,
      )
    }
    const credit = (units.get(to.doc.id) ?? 0n) + amount
    if (credit > to.credit) {
      throw new ProtocolError(
        'ERR_CREDIT_LIMIT',
        `transfer ${transfer.id} would take ${to.doc.id} past its credit limit`,
      )
    }
    units.set(from.doc.id, debit)
    units.set(to.doc.id, credit)
  }

  const balances: Record<string, string> = {}
  const sums = new Map<string, { units: Units; decimals: number }>()
  for (const id of [...held.keys()].sort(byCodePoint)) {
    const { doc } = held.get(id) as Held
    const value = units.get(id) ?? 0n
    balances[id] = formatUnits(value, doc.decimals)
    const sum = sums.get(doc.resourceConformsTo)
    sums.set(doc.resourceConformsTo, {
      units: (sum?.units ?? 0n) + value,
      decimals: Math.max(sum?.decimals ?? 0, doc.decimals),
    })
  }
  const sumStates: Record<string, string> = {}
  for (const currency of [...sums.keys()].sort(byCodePoint)) {
    const sum = sums.get(currency) as { units: Units; decimals: number }
    sumStates[currency] = formatUnits(sum.units, sum.decimals)
  }
  return { balances, sums: sumStates }
}
