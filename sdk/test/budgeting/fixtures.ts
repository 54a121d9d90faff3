import { readFileSync } from 'node:fs'
import {
  createAllocation,
  createBucket,
  createContribution,
  createFundingRound,
  type Bucket,
  type FundingRound,
  type ResourceSpecification,
} from '../../src/index.js'

export const GROUP = 'https://decisions.example/g/harbour-commons'
export const AROHA = 'https://decisions.example/u/aroha'
export const BEN = 'https://decisions.example/u/ben'
export const CAROL = 'https://decisions.example/u/carol'

/** Harbour Credit: a currency of two decimals (examples/documents/resource-specification.json). */
export const harbourCredit = JSON.parse(
  readFileSync(
    new URL('../../../examples/documents/resource-specification.json', import.meta.url),
    'utf8',
  ),
) as ResourceSpecification

/** A round of Harbour Credit open for March 2027. */
export const round: FundingRound = createFundingRound({
  id: 'https://budgeting.example/rounds/spring-2027',
  name: 'Spring 2027',
  audience: GROUP,
  currency: harbourCredit,
  published: '2027-02-20T09:00:00Z',
  startTime: '2027-03-01T00:00:00Z',
  endTime: '2027-04-01T00:00:00Z',
})

/** A bucket of the round, published before it opens. */
export function bucket(slug: string, minGoal: string, maxGoal: string, r = round): Bucket {
  return createBucket({
    id: `https://budgeting.example/buckets/${slug}`,
    round: r,
    name: slug,
    attributedTo: BEN,
    minGoal,
    maxGoal,
    published: '2027-02-25T00:00:00Z',
  })
}

let n = 0
/** An allocation in the round (the day before it opens, unless told). */
export function allocate(member: string, amount: string, published = '2027-02-28T00:00:00Z') {
  return createAllocation({
    id: `https://budgeting.example/allocations/${++n}`,
    round,
    member,
    amount,
    published,
  })
}

/** A contribution in the round. */
export function give(member: string, to: Bucket | string, amount: string, published: string) {
  return createContribution({
    id: `https://budgeting.example/contributions/${++n}`,
    round,
    bucket: to,
    member,
    amount,
    published,
  })
}
