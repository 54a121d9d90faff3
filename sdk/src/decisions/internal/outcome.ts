import { ProtocolError } from '../../errors.js'
import { readInstant } from '../../internal/parse-instant.js'
import type { Outcome } from '../../schemas/index.js'
import { optionsOf, type AnyPoll } from './rules.js'

/**
 * Checks an outcome against its poll (DEC-OUT-001).
 * @throws {ProtocolError} `ERR_POLL_INVALID`.
 * @internal
 */
export function checkOutcome(outcome: Outcome, poll: AnyPoll): void {
  const invalid = (m: string) => new ProtocolError('ERR_POLL_INVALID', m)
  if (outcome.inReplyTo !== poll.id) throw invalid('the outcome is of another poll')
  if (outcome.option !== undefined && !optionsOf(poll).some((o) => o.id === outcome.option)) {
    throw invalid('the outcome names an option the poll does not have')
  }
  for (const d of outcome.decides ?? []) {
    if ((d.resourceQuantity === undefined) !== (d.resourceConformsTo === undefined)) {
      throw invalid('an amount names its currency, and a currency its amount')
    }
  }
  if (outcome.reviewDate !== undefined) {
    if (readInstant(outcome.reviewDate) <= readInstant(poll.closed ?? poll.endTime)) {
      throw invalid('the review date is after the poll closed')
    }
  }
}
