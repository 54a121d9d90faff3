// accountOpened and transferMade: schema-valid events carrying the documents in full, never built
// for a transfer the rules refuse (spec/mutual-credit.md, MCR-EVT-001).
import { describe, expect, it } from 'vitest'
import {
  accountOpened,
  computeBalances,
  transferMade,
  validateDocument,
  type Transfer,
} from '../../src/index.js'
import { account, codeOf, pay } from './fixtures.js'

const source = 'https://credit.example'
const actor = { id: 'https://decisions.example/u/aroha', type: 'Person', name: 'Aroha' } as const
const aroha = account('aroha')
const ben = account('ben')

describe('mutual credit events', () => {
  it('[MCR-EVT-001] opens an account and makes a transfer as valid core events, documents in full', () => {
    const opened = accountOpened(aroha, { source, actor })
    expect(opened.type).toBe('tech.collaborative.account.opened')
    expect(opened.data.object).toMatchObject({ id: aroha.id, creditLimit: '100.00' })
    expect(validateDocument(opened)).toMatchObject({ valid: true, kind: 'AccountOpenedEvent' })
    const transfer = pay(aroha, ben, '12.5', '2027-01-12T10:00:00Z')
    const made = transferMade(transfer, { source, actor })
    expect(made.data).toMatchObject({ type: 'Create', published: transfer.hasPointInTime })
    expect(made.data.object.resourceQuantity.hasNumericalValue).toBe('12.50')
    expect(validateDocument(made)).toMatchObject({ valid: true, kind: 'TransferMadeEvent' })
  })

  it('[MCR-EVT-001] emits only what the balances accept: a refused transfer never becomes an event', () => {
    const accepted: Transfer[] = []
    const events: unknown[] = []
    for (const transfer of [
      pay(aroha, ben, '40', '2027-01-12T10:00:00Z'),
      pay(aroha, ben, '20', '2027-01-13T10:00:00Z'), // would take Aroha to -60.00, past -50.00
    ]) {
      if (
        codeOf(() =>
          computeBalances({ accounts: [aroha, ben], transfers: [...accepted, transfer] }),
        )
      )
        continue
      accepted.push(transfer)
      events.push(transferMade(transfer, { source, actor }))
    }
    expect(events).toHaveLength(1)
    // A transfer.made event that is not a Create is refused by its schema.
    const made = JSON.parse(JSON.stringify(events[0])) as { data: { type: string } }
    made.data.type = 'Update'
    expect(validateDocument(made)).toMatchObject({ valid: false })
  })
})
