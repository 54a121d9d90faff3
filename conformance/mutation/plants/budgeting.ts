// Plants of the Participatory Budgeting profile: faults a vendor could ship in the SDK's round
// computation (each `find` is text of sdk/dist/*.js), planted in Budgeting, the example tool that
// claims the profile and admits contributions with computeRound. The live cases of
// conformance/src/live/cases/budgeting.ts must catch each one.
import type { Plant } from '../plant.js'

const BUDGETING = { tool: 'budgeting', profiles: ['budgeting'] } as const

/** A plant that replaces `find` with `replace` in the built SDK. */
const edit = (find: string, replace: string): Plant['plant'] => ({ sdk: { find, replace } })

export const PLANTS: readonly Plant[] = [
  {
    id: 'budgeting.over-allocation-accepted',
    bug: 'A contribution larger than what its member has left is accepted.',
    requirements: ['BUD-BAL-001'],
    ...BUDGETING,
    plant: edit('if (amount > balance) {', 'if (amount > balance + balance) {'),
  },
  {
    id: 'budgeting.over-max-accepted',
    bug: 'A contribution may take a bucket past its maxGoal.',
    requirements: ['BUD-FUND-002'],
    ...BUDGETING,
    plant: edit(
      'if (bucket.total + amount > bucket.max) {',
      'if (bucket.total + amount > bucket.max + bucket.max) {',
    ),
  },
  {
    id: 'budgeting.funded-one-late',
    bug: 'A bucket is funded only once its total passes the minimum, one contribution late.',
    requirements: ['BUD-FUND-003'],
    ...BUDGETING,
    plant: edit(
      'if (bucket.status === "open" && bucket.total >= bucket.min) {',
      'if (bucket.status === "open" && bucket.total > bucket.min) {',
    ),
  },
  {
    id: 'budgeting.refunds-missing',
    bug: 'Cancelling a bucket does not give its contributions back to their members.',
    requirements: ['BUD-CANC-001'],
    ...BUDGETING,
    plant: edit(
      'balances.set(member, (balances.get(member) ?? zero) + amount);',
      '/* no refund */',
    ),
  },
  {
    id: 'budgeting.closed-round-accepted',
    bug: 'A contribution after the round closed is accepted.',
    requirements: ['BUD-OPEN-001'],
    ...BUDGETING,
    plant: edit('if (at < start || at >= end) {', 'if (at < start) {'),
  },
  {
    id: 'budgeting.cancelled-bucket-open',
    bug: 'A cancelled bucket keeps taking contributions.',
    requirements: ['BUD-OPEN-002'],
    ...BUDGETING,
    plant: edit(
      'bucket.open = false;\n          bucket.status = closing;',
      'bucket.status = closing;',
    ),
  },
  {
    id: 'budgeting.zero-min-goal',
    bug: 'A bucket with a minGoal of 0 is accepted.',
    requirements: ['BUD-FUND-001'],
    ...BUDGETING,
    plant: edit('if (min <= 0n) throw', 'if (min < 0n) throw'),
  },
]
