// Plants of the Mutual Credit profile: faults a vendor could ship in the SDK's balance computation
// and transfer checks (each `find` is text of sdk/dist/*.js). No example tool claims the profile,
// so they are planted in the suite's reference tool, which admits transfers with computeBalances;
// the live cases of conformance/src/live/cases/credit.ts must catch each one.
import type { Plant } from '../plant.js'

const REFERENCE = { tool: 'reference', profiles: ['mutual-credit'] } as const

/** A plant that replaces `find` with `replace` in the built SDK. */
const edit = (find: string, replace: string): Plant['plant'] => ({ sdk: { find, replace } })

export const PLANTS: readonly Plant[] = [
  {
    id: 'mutual-credit.debit-limit-off-by-one',
    bug: 'A transfer may take its provider one unit past the debit limit.',
    requirements: ['MCR-LIM-001'],
    ...REFERENCE,
    plant: edit('if (debit < -from.debit) {', 'if (debit < -from.debit - 1n) {'),
  },
  {
    id: 'mutual-credit.credit-limit-off-by-one',
    bug: 'A transfer may take its receiver one unit past the credit limit.',
    requirements: ['MCR-LIM-002'],
    ...REFERENCE,
    plant: edit('if (credit > to.credit) {', 'if (credit > to.credit + 1n) {'),
  },
  {
    id: 'mutual-credit.self-transfer-accepted',
    bug: 'A transfer from an account to itself is accepted.',
    requirements: ['MCR-TRF-001'],
    ...REFERENCE,
    plant: edit(
      'if (from.id === to.id) throw creditInvalid(',
      'if (from.id === to.id && false) throw creditInvalid(',
    ),
  },
]
