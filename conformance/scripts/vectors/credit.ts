// The vectors of spec/mutual-credit.md: the example documents and their invalid twins, and balances
// computed from accounts and transfers (`computeBalances`): one order of the transfers, balances in
// the currency's decimals that sum to zero, and both limits accepted at the limit and refused one
// unit past it. Registered in ../generate-vectors.ts.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  computeBalances,
  createAccount,
  createTransfer,
  isProtocolError,
  type Account,
  type ResourceSpecification,
  type Transfer,
} from '@cta-interop/sdk'
import type { ComputeBalancesInput, Level, Profile, SingleExpectation } from '../../src/types.js'
import { manifestVectors, type Built, type ProfileVectorTools } from './manifest-vectors.js'

/** The requirements these vectors cite, with their profiles and level as spec/mutual-credit.md states them. */
export const CREDIT_REQUIREMENTS: Record<string, { profiles: Profile[]; level: Level }> = {
  'MCR-DOC-001': { profiles: ['core'], level: 'MUST' },
  'MCR-AMT-001': { profiles: ['mutual-credit'], level: 'MUST' },
  'MCR-TRF-001': { profiles: ['mutual-credit'], level: 'MUST' },
  'MCR-BAL-001': { profiles: ['mutual-credit'], level: 'MUST' },
  'MCR-LIM-001': { profiles: ['mutual-credit'], level: 'MUST' },
  'MCR-LIM-002': { profiles: ['mutual-credit'], level: 'MUST' },
}

type Doc = Record<string, unknown>

const GROUP = 'https://decisions.example/g/harbour-commons'
const U = 'https://decisions.example/u/'
const A = 'https://credit.example/accounts/'

/** Balance vectors: `computeBalances` over Harbour Credit (2 decimals) and bike points (0). */
async function balanceVectors(tools: ProfileVectorTools): Promise<Built[]> {
  const hc = JSON.parse(
    await readFile(join(tools.examples, 'resource-specification.json'), 'utf8'),
  ) as ResourceSpecification
  const points: ResourceSpecification = {
    ...hc,
    id: 'https://ledger.example/currencies/bike-points',
    name: 'Bike points',
    currencyType: 'points',
    symbol: 'BP',
    decimals: 0,
  }
  const account = (
    who: string,
    credit = '100',
    debit = '50',
    currency = hc,
    extra: Partial<Parameters<typeof createAccount>[0]> = {},
  ): Account =>
    createAccount({
      id: `${A}${who}${currency === hc ? '' : '-points'}`,
      member: `${U}${who}`,
      audience: GROUP,
      currency,
      creditLimit: credit,
      debitLimit: debit,
      published: '2027-01-01T00:00:00Z',
      ...extra,
    })
  const aroha = account('aroha')
  const ben = account('ben')
  const carol = account('carol', '20', '0')
  let n = 0
  const pay = (
    from: Account,
    to: Account,
    amount: string,
    time: string,
    id = `https://credit.example/transfers/${String(++n).padStart(3, '0')}`,
  ): Transfer => createTransfer({ id, from, to, amount, time })

  const out: Built[] = []
  const add = (
    id: string,
    title: string,
    requirements: string[],
    input: { accounts?: (Account | Doc)[]; transfers: (Transfer | Doc)[] },
    error?: string,
  ) => {
    const full: ComputeBalancesInput = {
      accounts: input.accounts ?? [aroha, ben, carol],
      transfers: input.transfers,
    }
    let expected: SingleExpectation
    try {
      const result = computeBalances(full as never)
      if (error !== undefined) throw new Error(`${id}: expected ${error}, the balances computed`)
      expected = { valid: true, kind: 'Balances', result: { ...result } }
    } catch (err) {
      if (!isProtocolError(err)) throw err
      if (err.code !== error) throw new Error(`${id}: expected ${String(error)}, got ${err.code}`)
      expected = { error: err.code }
    }
    out.push(
      tools.vector({
        dir: 'credit/balances',
        id: `mcr.${id}`,
        title,
        requirements,
        operation: 'computeBalances',
        flags: [error === undefined ? 'Valid' : 'TransferRefused'],
        input: full,
        expected,
      }),
    )
  }
  /** Checks a hand-computed expectation against the result a vector expects. */
  const check = (id: string, want: Record<string, string>) => {
    const v = out.find((x) => x.id === `mcr.${id}`)
    const got =
      v !== undefined && 'result' in v.expected
        ? ((v.expected.result ?? {}) as { balances: Record<string, string> }).balances
        : undefined
    for (const [who, value] of Object.entries(want)) {
      if (got?.[`${A}${who}`] !== value) {
        throw new Error(
          `${id}: expected ${who} at ${value}, computed ${String(got?.[`${A}${who}`])}`,
        )
      }
    }
  }

  // MCR-BAL-001, -002: balances from transfers, in one order, summing to zero.
  add('bal.valid.none', 'Every account starts at zero', ['MCR-BAL-001'], {
    transfers: [],
  })
  check('bal.valid.none', { aroha: '0.00', ben: '0.00', carol: '0.00' })
  add(
    'bal.valid.chain',
    'Computes balances from a chain of transfers; they sum to zero',
    ['MCR-BAL-001', 'MCR-AMT-001'],
    {
      transfers: [
        pay(aroha, ben, '35.5', '2027-01-12T16:20:00Z'),
        pay(ben, carol, '12.25', '2027-01-13T09:00:00Z'),
        pay(carol, aroha, '2', '2027-01-14T09:00:00Z'),
      ],
    },
  )
  check('bal.valid.chain', { aroha: '-33.50', ben: '23.25', carol: '10.25' })
  // The order decides: Carol (debit limit 0) can pass on only what she has received first.
  const receive = pay(aroha, carol, '10', '2027-01-12T10:00:00Z')
  const passOn = pay(carol, ben, '10', '2027-01-12T10:00:00.001Z')
  add(
    'bal.valid.order-by-time',
    'Applies transfers by time, whatever order they are given in',
    ['MCR-BAL-001'],
    { transfers: [passOn, receive] },
  )
  check('bal.valid.order-by-time', { aroha: '-10.00', ben: '10.00', carol: '0.00' })
  add(
    'bal.order-by-time-refused',
    'Refuses passing on credit a millisecond before it was received (debit limit 0)',
    ['MCR-BAL-001', 'MCR-LIM-001'],
    {
      transfers: [
        pay(aroha, carol, '10', '2027-01-12T10:00:00.001Z'),
        pay(carol, ben, '10', '2027-01-12T10:00:00Z'),
      ],
    },
    'ERR_DEBIT_LIMIT',
  )
  const T = '2027-01-12T10:00:00Z'
  add(
    'bal.valid.same-time-by-id',
    'At the same instant, applies transfers by id in code-point order',
    ['MCR-BAL-001'],
    {
      transfers: [
        pay(carol, ben, '10', T, 'https://credit.example/transfers/b'),
        pay(aroha, carol, '10', T, 'https://credit.example/transfers/a'),
      ],
    },
  )
  add(
    'bal.same-time-by-id-refused',
    'At the same instant, refuses when the id order passes credit on before receiving it',
    ['MCR-BAL-001', 'MCR-LIM-001'],
    {
      transfers: [
        pay(carol, ben, '10', T, 'https://credit.example/transfers/a'),
        pay(aroha, carol, '10', T, 'https://credit.example/transfers/b'),
      ],
    },
    'ERR_DEBIT_LIMIT',
  )
  const twice = pay(aroha, ben, '1', '2027-01-12T10:00:00Z')
  add(
    'bal.duplicate-id',
    'Refuses a transfer id that appears twice',
    ['MCR-BAL-001'],
    { transfers: [twice, { ...twice, hasPointInTime: '2027-01-13T10:00:00Z' }] },
    'ERR_CREDIT_INVALID',
  )
  add(
    'bal.valid.two-currencies',
    'Sums each currency to zero on its own',
    ['MCR-BAL-001', 'MCR-AMT-001'],
    {
      accounts: [
        aroha,
        ben,
        account('aroha', '10', '10', points),
        account('ben', '10', '10', points),
      ],
      transfers: [
        pay(aroha, ben, '5', '2027-01-12T10:00:00Z'),
        pay(account('ben', '10', '10', points), account('aroha', '10', '10', points), '7', T),
      ],
    },
  )

  // MCR-LIM-001, -002: both limits, at the limit and one unit past it.
  add(
    'lim.valid.at-debit-limit',
    'Accepts a transfer that reaches the debit limit exactly',
    ['MCR-LIM-001'],
    {
      transfers: [pay(aroha, ben, '50', T)],
    },
  )
  check('lim.valid.at-debit-limit', { aroha: '-50.00', ben: '50.00' })
  add(
    'lim.past-debit-limit',
    "Refuses a transfer one cent past the provider's debit limit",
    ['MCR-LIM-001'],
    { transfers: [pay(aroha, ben, '50.01', T)] },
    'ERR_DEBIT_LIMIT',
  )
  add(
    'lim.past-debit-limit-later',
    'Refuses a later transfer that, with the earlier ones, passes the debit limit',
    ['MCR-LIM-001'],
    {
      transfers: [
        pay(aroha, ben, '30', '2027-01-12T10:00:00Z'),
        pay(aroha, ben, '20.01', '2027-01-13T10:00:00Z'),
      ],
    },
    'ERR_DEBIT_LIMIT',
  )
  add(
    'lim.valid.at-credit-limit',
    'Accepts a transfer that reaches the credit limit exactly',
    ['MCR-LIM-002'],
    { transfers: [pay(ben, carol, '20', T)] },
  )
  check('lim.valid.at-credit-limit', { ben: '-20.00', carol: '20.00' })
  add(
    'lim.past-credit-limit',
    "Refuses a transfer one cent past the receiver's credit limit",
    ['MCR-LIM-002'],
    { transfers: [pay(ben, carol, '20.01', T)] },
    'ERR_CREDIT_LIMIT',
  )
  add(
    'lim.valid.spend-then-receive',
    'Accepts credit again once the receiver has spent some',
    ['MCR-LIM-002'],
    {
      transfers: [
        pay(ben, carol, '20', '2027-01-12T10:00:00Z'),
        pay(carol, aroha, '5', '2027-01-13T10:00:00Z'),
        pay(ben, carol, '5', '2027-01-14T10:00:00Z'),
      ],
    },
  )
  check('lim.valid.spend-then-receive', { aroha: '5.00', ben: '-25.00', carol: '20.00' })
  add(
    'lim.debit-before-credit',
    'Checks the debit limit first when a transfer passes both',
    ['MCR-LIM-001', 'MCR-LIM-002'],
    {
      accounts: [account('dan', '100', '0'), carol],
      transfers: [pay(account('dan', '100', '0'), carol, '30', T)],
    },
    'ERR_DEBIT_LIMIT',
  )

  // MCR-AMT-001: amounts in the currency's decimals.
  const exact = pay(aroha, ben, '1', T)
  add(
    'amt.too-precise',
    'Refuses a transfer of 1.005 Harbour Credit (2 decimals)',
    ['MCR-AMT-001'],
    { transfers: [{ ...exact, resourceQuantity: { hasUnit: 'one', hasNumericalValue: '1.005' } }] },
    'ERR_AMOUNT_PRECISION',
  )
  add(
    'amt.valid.trailing-zeros',
    'Accepts 1.500 Harbour Credit as 1.50 (trailing zeros are not significant)',
    ['MCR-AMT-001'],
    { transfers: [{ ...exact, resourceQuantity: { hasUnit: 'one', hasNumericalValue: '1.500' } }] },
  )
  check('amt.valid.trailing-zeros', { aroha: '-1.50', ben: '1.50' })
  add(
    'amt.limit-too-precise',
    'Refuses an account whose limit needs more decimals than its currency',
    ['MCR-AMT-001'],
    { accounts: [{ ...aroha, creditLimit: '100.001' }, ben, carol], transfers: [] },
    'ERR_AMOUNT_PRECISION',
  )

  // MCR-TRF-001: a transfer goes between two accounts its members hold, in one currency and group.
  const ok = pay(aroha, ben, '5', T)
  const broken: [string, string, Doc][] = [
    [
      'to-itself',
      'Refuses a transfer from an account to itself',
      { toResourceInventoriedAs: aroha.id, receiver: aroha.primaryAccountable },
    ],
    [
      'unknown-account',
      'Refuses a transfer to an account it does not know',
      { toResourceInventoriedAs: `${A}nobody` },
    ],
    [
      'not-holder',
      "Refuses a transfer whose provider does not hold the provider's account",
      { provider: `${U}carol` },
    ],
    [
      'other-currency',
      'Refuses a transfer in another currency than its accounts',
      { resourceConformsTo: points.id },
    ],
    [
      'other-group',
      'Refuses a transfer in another group than its accounts',
      { audience: 'https://decisions.example/g/elsewhere' },
    ],
    [
      'zero',
      'Refuses a transfer of zero',
      { resourceQuantity: { hasUnit: 'one', hasNumericalValue: '0.00' } },
    ],
  ]
  for (const [slug, title, patch] of broken) {
    add(
      `trf.${slug}`,
      title,
      ['MCR-TRF-001'],
      { transfers: [{ ...ok, ...patch }] },
      'ERR_CREDIT_INVALID',
    )
  }
  add(
    'trf.valid.between-members',
    'Accepts a transfer between two members of the group',
    ['MCR-TRF-001'],
    {
      transfers: [ok],
    },
  )
  return out
}

/** Every vector of spec/mutual-credit.md. */
export async function creditVectors(tools: ProfileVectorTools): Promise<Built[]> {
  return [...(await manifestVectors(tools, 'credit', 'mcr')), ...(await balanceVectors(tools))]
}
