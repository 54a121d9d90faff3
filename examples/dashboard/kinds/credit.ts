// The mutual credit profile's kinds, as a vendor would add them: an account opened, with its
// currency and the limits its balance stays within, and a transfer with its amount.
import { esc } from '../../src/http.js'
import {
  currencyLabel,
  kinds,
  type EventData,
  type KindContext,
  type RenderKind,
} from '../render-kinds.js'
import { b, dateText, details, idOf, obj, plain, quoted, str } from './read.js'

const actor = (data: EventData, c: KindContext) =>
  c.person(idOf(data['actor']), obj(data['actor'])['name'])

const accountOpened: RenderKind = (input, c) => {
  const a = obj(input.data['object'])
  const holder = c.person(str(a['primaryAccountable']))
  const currency = a['resourceConformsTo']
  const debit = c.money(a['debitLimit'], currency)
  const credit = c.money(a['creditLimit'], currency)
  const name = str(a['name'])
  const by = actor(input.data, c)
  return `${b(by)} opened ${by === holder ? 'their' : `${b(holder)}’s`} account${name === undefined ? '' : ` ${quoted(name)}`}${details(
    [
      currencyLabel(currency) === '' ? undefined : `in ${esc(currencyLabel(currency))}`,
      debit === undefined ? undefined : `may go down to −${esc(debit)}`,
      credit === undefined ? undefined : `up to ${esc(credit)}`,
    ],
  )}`
}

const transferMade: RenderKind = (input, c) => {
  const t = obj(input.data['object'])
  const amount = c.money(obj(t['resourceQuantity'])['hasNumericalValue'], t['resourceConformsTo'])
  const note = plain(t['note'])
  const at = dateText(t['hasPointInTime'])
  return `${b(c.person(str(t['provider'])))} sent ${amount === undefined ? 'credit' : b(amount)} to ${b(c.person(str(t['receiver'])))}${note === undefined ? '' : ` for “${note}”`}${details([at === undefined ? undefined : `at ${at}`])}`
}

// An account and the transfers out of it are shown with the member who holds it.
kinds.set('tech.collaborative.account.opened', {
  label: 'account',
  render: accountOpened,
  about: (data) => str(obj(data['object'])['primaryAccountable']),
})
kinds.set('tech.collaborative.transfer.made', {
  label: 'transfer',
  render: transferMade,
  about: (data) => str(obj(data['object'])['provider']),
})
