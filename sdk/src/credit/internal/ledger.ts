import { ProtocolError } from '../../errors.js'
import { isRecord } from '../../intents/internal/activity.js'
import type { Account } from '../../schemas/index.js'
import { assertValid } from '../../validate/validate-document.js'
import { unitsOf, type Units } from '../../budgeting/internal/money.js'

/** An account read once: its document and its limits in units of its currency. @internal */
export interface Held {
  readonly doc: Account
  readonly credit: Units
  readonly debit: Units
}

/** Validates an account and reads its limits (MCR-DOC-001, MCR-AMT-001). @internal */
export function holdAccount(account: unknown): Held {
  if (!isRecord(account)) throw new TypeError('an Account document is required')
  const doc = assertValid(account, { kind: 'Account' })
  return {
    doc,
    credit: unitsOf(doc.creditLimit, doc.decimals),
    debit: unitsOf(doc.debitLimit, doc.decimals),
  }
}

/** A coded `ERR_CREDIT_INVALID`. @internal */
export function creditInvalid(message: string): ProtocolError {
  return new ProtocolError('ERR_CREDIT_INVALID', message)
}

/** Code-point order of two strings (the order of their UTF-8 bytes). @internal */
export function byCodePoint(a: string, b: string): number {
  const x = Array.from(a)
  const y = Array.from(b)
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0)
    if (c !== 0) return c
  }
  return x.length - y.length
}
