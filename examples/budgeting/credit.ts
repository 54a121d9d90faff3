// Budgeting's mutual credit, held as the mutual-credit profile's documents: each member's
// `Account` in the group's currency (Harbour Credit) with a credit and a debit limit, and the
// `Transfer`s between them. Whether a transfer is accepted is decided by the SDK: `createTransfer`
// refuses an account paying itself (`ERR_CREDIT_INVALID`) or an amount more precise than the
// currency (`ERR_AMOUNT_PRECISION`), and `computeBalances` over the group's accounts and transfers
// with it added refuses a limit passed (`ERR_DEBIT_LIMIT`, `ERR_CREDIT_LIMIT`), so that every tool
// computing the balances from the same documents agrees. A refusal is the SDK's `ProtocolError`
// and emits nothing.
import {
  ProtocolError,
  accountOpened,
  computeBalances,
  createAccount,
  createTransfer,
  transferMade,
  type ActorRef,
  type Account,
  type Event,
  type ResourceSpecification,
  type Transfer,
} from '@cta-interop/sdk'

/** The accounts and transfers of one tool, and the events each change emits. */
export interface CreditBook {
  /** The accounts, by IRI. */
  readonly accounts: ReadonlyMap<string, Account>
  /** Each group's transfers, in the order they were made (a member's export reads them). */
  readonly transfers: ReadonlyMap<string, readonly Transfer[]>
  /**
   * Opens a member's account in a group (`account.opened`).
   *
   * @throws {ProtocolError} `ERR_REQUEST_INVALID` when the member has an account in the group
   *   already; `ERR_AMOUNT_INVALID` or `ERR_AMOUNT_PRECISION` for a limit the currency refuses.
   * @see {@link https://w3id.org/cta/spec/mutual-credit#MCR-AMT-001 Spec: MCR-AMT-001}
   */
  open(options: {
    group: string
    member: string
    creditLimit: string
    debitLimit: string
    by: ActorRef
  }): Promise<Account>
  /**
   * Transfers an amount from one member's account to another's in a group (`transfer.made`).
   *
   * @throws {ProtocolError} `ERR_NOT_FOUND` when a member has no account in the group;
   *   `ERR_CREDIT_INVALID`, `ERR_AMOUNT_INVALID`, `ERR_AMOUNT_PRECISION`, `ERR_DEBIT_LIMIT` or
   *   `ERR_CREDIT_LIMIT` when the profile's rules refuse it (nothing is emitted then).
   * @see {@link https://w3id.org/cta/spec/mutual-credit#MCR-LIM-001 Spec: MCR-LIM-001}
   */
  transfer(options: {
    group: string
    from: string
    to: string
    amount: string
    by: ActorRef
  }): Promise<Transfer>
}

/** A book of mutual credit accounts in `currency` for the tool at `origin`. */
export function createCreditBook(options: {
  readonly origin: string
  readonly currency: ResourceSpecification
  readonly emit: (event: Event) => Promise<void>
}): CreditBook {
  const { origin, currency, emit } = options
  const accounts = new Map<string, Account>()
  /** Accounts by `<group> <member>`, and each group's transfers in the order they were made. */
  const held = new Map<string, Account>()
  const transfers = new Map<string, Transfer[]>()
  let counter = 0
  let last = 0
  /** Strictly increasing times: balances apply transfers in order of their times (MCR-BAL-001). */
  const now = (): string => {
    last = Math.max(Date.now(), last + 1)
    return new Date(last).toISOString()
  }
  const accountOf = (group: string, member: string): Account => {
    const account = held.get(`${group} ${member}`)
    if (account === undefined) {
      throw new ProtocolError('ERR_NOT_FOUND', `${member} has no account in ${group}`)
    }
    return account
  }
  return {
    accounts,
    transfers,

    async open(o) {
      const key = `${o.group} ${o.member}`
      if (held.has(key)) {
        throw new ProtocolError('ERR_REQUEST_INVALID', `${o.member} has an account already`)
      }
      const id = `${origin}/accounts/${++counter}`
      const account = createAccount({
        id,
        member: o.member,
        audience: o.group,
        currency,
        creditLimit: o.creditLimit,
        debitLimit: o.debitLimit,
        published: now(),
      })
      await emit(accountOpened(account, { source: origin, actor: o.by }))
      held.set(key, account)
      accounts.set(id, account)
      return account
    },

    async transfer(o) {
      const transfer = createTransfer({
        id: `${origin}/transfers/${++counter}`,
        from: accountOf(o.group, o.from),
        to: accountOf(o.group, o.to),
        amount: o.amount,
        time: now(),
      })
      const made = transfers.get(o.group) ?? []
      // Refuses it with the limit's code when it takes an account past one.
      computeBalances({
        accounts: [...accounts.values()].filter((a) => a.audience === o.group),
        transfers: [...made, transfer],
      })
      await emit(transferMade(transfer, { source: origin, actor: o.by }))
      transfers.set(o.group, [...made, transfer])
      return transfer
    },
  }
}
