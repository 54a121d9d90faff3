import type { Account, Transfer } from '../../schemas/index.js'
import { unitsOf, type Units } from '../../budgeting/internal/money.js'
import { creditInvalid } from './ledger.js'

/**
 * MCR-TRF-001: a transfer goes between two different accounts of the same currency (and
 * decimals) and group, held by its `provider` and its `receiver`, and moves more than zero.
 * Returns its amount in units of the currency.
 * @throws {ProtocolError} `ERR_CREDIT_INVALID` otherwise; `ERR_AMOUNT_PRECISION` as MCR-AMT-001.
 * @internal
 */
export function checkTransferAccounts(transfer: Transfer, from: Account, to: Account): Units {
  const id = transfer.id
  if (from.id === to.id) throw creditInvalid(`transfer ${id} goes from an account to itself`)
  if (from.primaryAccountable !== transfer.provider) {
    throw creditInvalid(`transfer ${id}: its provider does not hold ${from.id}`)
  }
  if (to.primaryAccountable !== transfer.receiver) {
    throw creditInvalid(`transfer ${id}: its receiver does not hold ${to.id}`)
  }
  for (const account of [from, to]) {
    if (account.resourceConformsTo !== transfer.resourceConformsTo) {
      throw creditInvalid(`transfer ${id}: ${account.id} is in another currency`)
    }
    if (account.audience !== transfer.audience) {
      throw creditInvalid(`transfer ${id}: ${account.id} belongs to another group`)
    }
  }
  if (from.decimals !== to.decimals) {
    throw creditInvalid(`transfer ${id}: its accounts disagree on the currency's decimals`)
  }
  const amount = unitsOf(transfer.resourceQuantity.hasNumericalValue, from.decimals)
  if (amount === 0n) throw creditInvalid(`transfer ${id} moves nothing`)
  return amount
}
