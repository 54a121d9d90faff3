// What each example tool puts in a member's export (spec/export.md, EXP-PRV-001): only documents
// the member authored or is a party to, in the asked group, never another member's.
import type { Account, ExportItem, Transfer } from '@cta-interop/sdk'
import type { BudgetingRecords } from '../budgeting/pages.js'
import type { PollRecord } from '../decisions/polls.js'
import { inGroup } from './export-endpoint.js'

/** When a document was made: `published`, or a transfer's `hasPointInTime`. */
const timeOf = (d: ExportItem): string => {
  const t = d['published'] ?? d['hasPointInTime']
  return typeof t === 'string' ? t : ''
}
const byTime = (a: ExportItem, b: ExportItem): number => timeOf(a).localeCompare(timeOf(b))

/** Decisions: the polls the member opened, the stances they cast, the outcomes they published. */
export function decisionsDocuments(
  polls: ReadonlyMap<string, PollRecord>,
  member: string,
  group: string,
): ExportItem[] {
  const out: ExportItem[] = []
  for (const record of polls.values()) {
    if (!inGroup(record.poll, group)) continue
    if (record.poll.attributedTo === member) out.push(record.poll)
    for (const stance of record.stances) if (stance.attributedTo === member) out.push(stance)
    if (record.outcome?.attributedTo === member) out.push(record.outcome)
  }
  return out.sort(byTime)
}

/**
 * Budgeting: the buckets the member published, their offers and requests, their contributions, the tasks they created or
 * are assigned, their mutual credit accounts and the transfers they made or received.
 */
export function budgetingDocuments(
  records: BudgetingRecords,
  credit: {
    readonly accounts: ReadonlyMap<string, Account>
    readonly transfers: ReadonlyMap<string, readonly Transfer[]>
  },
  member: string,
  group: string,
): ExportItem[] {
  const out: ExportItem[] = []
  for (const { bucket, by } of records.buckets.values()) {
    if (by.id === member && inGroup(bucket, group)) out.push(bucket)
  }
  for (const { proposal } of records.proposals.values()) {
    if (proposal.attributedTo === member && inGroup(proposal, group)) out.push(proposal)
  }
  for (const { contribution } of records.contributions.values()) {
    if (contribution.provider === member && inGroup(contribution, group)) out.push(contribution)
  }
  for (const { task } of records.tasks.values()) {
    if ((task.attributedTo === member || task.assignee === member) && inGroup(task, group)) {
      out.push(task)
    }
  }
  for (const account of credit.accounts.values()) {
    if (account.primaryAccountable === member && inGroup(account, group)) out.push(account)
  }
  for (const transfer of credit.transfers.get(group) ?? []) {
    if (transfer.provider === member || transfer.receiver === member) out.push(transfer)
  }
  return out.sort(byTime)
}
