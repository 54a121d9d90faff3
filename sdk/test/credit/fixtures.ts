// Accounts and transfers in Harbour Credit (2 decimals) for the mutual credit tests.
import { readFileSync } from 'node:fs'
import {
  createAccount,
  createTransfer,
  isProtocolError,
  type Account,
  type ResourceSpecification,
} from '../../src/index.js'

export const HC = JSON.parse(
  readFileSync(
    new URL('../../../examples/documents/resource-specification.json', import.meta.url),
    'utf8',
  ),
) as ResourceSpecification
export const POINTS: ResourceSpecification = {
  ...HC,
  id: 'https://ledger.example/currencies/bike-points',
  name: 'Bike points',
  currencyType: 'points',
  symbol: 'BP',
  decimals: 0,
}
export const GROUP = 'https://decisions.example/g/harbour-commons'
export const U = 'https://decisions.example/u/'

export const account = (
  who: string,
  creditLimit = '100',
  debitLimit = '50',
  currency: ResourceSpecification = HC,
): Account =>
  createAccount({
    id: `https://credit.example/accounts/${who}${currency === HC ? '' : '-points'}`,
    member: `${U}${who}`,
    audience: GROUP,
    currency,
    creditLimit,
    debitLimit,
    published: '2027-01-01T00:00:00Z',
  })

let n = 0
export const pay = (from: Account, to: Account, amount: string, time: string, id?: string) =>
  createTransfer({
    id: id ?? `https://credit.example/transfers/${String(++n).padStart(4, '0')}`,
    from,
    to,
    amount,
    time,
  })

/** The code of the ProtocolError `run` throws, or `undefined` when it returns. */
export function codeOf(run: () => unknown): string | undefined {
  try {
    run()
  } catch (err) {
    if (isProtocolError(err)) return err.code
    throw err
  }
  return undefined
}
