// The participatory budgeting profile's kinds, as a vendor would add them: a funding round and its
// currency; a bucket with its progress toward its minimum and maximum goal (a bar, and the same in
// words), counted from the contributions and refunds stored up to that event; contributions and
// refunds with their amounts, in the round's currency.
import { esc } from '../../src/http.js'
import {
  currencyLabel,
  kinds,
  type EventData,
  type KindContext,
  type RenderKind,
} from '../render-kinds.js'
import { b, badge, dateText, details, idOf, obj, percent, quoted, ratio, str, sum } from './read.js'

const MADE = 'tech.collaborative.contribution.made'
const REFUNDED = 'tech.collaborative.contribution.refunded'

const actor = (data: EventData, c: KindContext) =>
  c.person(idOf(data['actor']), obj(data['actor'])['name'])

/** A funding round's currency, from the round itself or the newest copy of it seen. */
const currencyOf = (round: unknown, c: KindContext): string | undefined =>
  str(obj(round)['resourceConformsTo']) ?? str(c.object(str(round))?.['resourceConformsTo'])

/** An amount in a round's currency, or the value alone. */
const inRound = (value: unknown, round: unknown, c: KindContext): string | undefined =>
  c.money(value, currencyOf(round, c))

/**
 * What a bucket has received up to `until` (an RFC 3339 instant; all when unreadable): every
 * contribution made to it, less those refunded, each counted once by its id.
 */
export function raised(bucket: string, until: unknown, c: KindContext): string {
  const limit = typeof until === 'string' ? Date.parse(until) : Number.NaN
  const amounts = new Map<string, string>()
  for (const e of c.related(bucket)) {
    const when = Date.parse(str(e.data['published']) ?? '')
    if (!Number.isNaN(limit) && !Number.isNaN(when) && when > limit) continue
    const contribution = obj(e.data['object'])
    const id = str(contribution['id'])
    const value = str(obj(contribution['resourceQuantity'])['hasNumericalValue'])
    if (id === undefined || value === undefined || str(contribution['receiver']) !== bucket)
      continue
    if (e.type === MADE) amounts.set(id, value)
    else if (e.type === REFUNDED) amounts.set(id, '0')
  }
  return sum([...amounts.values(), '0'])
}

/** A bucket's progress: a bar toward the maximum with the minimum marked, and the same in words. */
function progress(bucket: EventData, until: unknown, c: KindContext): string {
  const id = str(bucket['id'])
  const min = str(bucket['minGoal'])
  const max = str(bucket['maxGoal'])
  if (id === undefined || (min === undefined && max === undefined)) return ''
  const round = bucket['inScopeOf']
  const money = (v: unknown) => inRound(v, round, c)
  const got = raised(id, until, c)
  const goal = max ?? min
  const toMax = ratio(got, goal) ?? 0
  const minMark = min === undefined || max === undefined ? undefined : ratio(min, max)
  const ofMin = min === undefined ? undefined : ratio(got, min)
  const words = [
    `${b(money(got) ?? got)} raised`,
    min === undefined ? undefined : `minimum ${esc(money(min) ?? min)}`,
    max === undefined || max === min ? undefined : `maximum ${esc(money(max) ?? max)}`,
    ofMin === undefined ? undefined : `${percent(ofMin)} of the minimum`,
  ]
  return `<div class="progress"><span class="bar" aria-hidden="true"><span class="fill" style="width:${percent(toMax)}"></span>${minMark === undefined || minMark >= 1 ? '' : `<span class="min-mark" style="left:${percent(minMark)}"></span>`}</span><p class="progress-text">${words.filter((w) => w !== undefined).join(' · ')}</p></div>`
}

const round =
  (verb: string): RenderKind =>
  (input, c) => {
    const r = obj(input.data['object'])
    const currency = currencyLabel(r['resourceConformsTo'])
    const start = dateText(r['startTime'])
    const end = dateText(r['endTime'])
    return `${b(actor(input.data, c))} ${verb} the funding round ${quoted(str(r['name']) ?? 'untitled')}${details(
      [
        currency === '' ? undefined : `in ${esc(currency)}`,
        start === undefined ? undefined : `from ${start}`,
        end === undefined ? undefined : `${verb === 'closed' ? 'closed' : 'until'} ${end}`,
      ],
    )}`
  }

const STATUS: Readonly<Record<string, string>> = {
  'tech.collaborative.bucket.published': 'published',
  'tech.collaborative.bucket.funded': 'funded',
  'tech.collaborative.bucket.completed': 'completed',
  'tech.collaborative.bucket.cancelled': 'cancelled',
}

const bucket: RenderKind = (input, c) => {
  const k = obj(input.data['object'])
  const status = str(k['bucketStatus'])
  const verb = STATUS[input.type] ?? 'updated'
  const name = quoted(str(k['name']) ?? 'untitled')
  const roundName = str(c.object(str(k['inScopeOf']))?.['name'])
  const line =
    verb === 'published'
      ? `${b(actor(input.data, c))} published the bucket ${name}`
      : verb === 'cancelled'
        ? `${b(actor(input.data, c))} cancelled the bucket ${name}; every contribution is refunded`
        : `The bucket ${name} was ${esc(verb)}`
  return `${line}${details([
    status === undefined ? undefined : badge(status),
    roundName === undefined ? undefined : `in ${quoted(roundName)}`,
  ])}${progress(k, input.data['published'], c)}`
}

const contribution =
  (refund: boolean): RenderKind =>
  (input, c) => {
    const k = obj(input.data['object'])
    const value = obj(k['resourceQuantity'])['hasNumericalValue']
    const amount = inRound(value, k['inScopeOf'], c)
    const who = c.person(str(k['provider']), obj(input.data['actor'])['name'])
    const to = str(c.object(str(k['receiver']))?.['name'])
    const where = to === undefined ? 'a bucket' : quoted(to)
    const shown = amount === undefined ? 'an amount' : b(amount)
    return refund
      ? `${shown} refunded to ${b(who)} from ${where}`
      : `${b(who)} contributed ${shown} to ${where}`
  }

const aboutBucket = (data: EventData) => str(obj(data['object'])['receiver'])

kinds.set('tech.collaborative.round.opened', { label: 'round opened', render: round('opened') })
kinds.set('tech.collaborative.round.closed', { label: 'round closed', render: round('closed') })
for (const [type, status] of Object.entries(STATUS))
  kinds.set(type, { label: status === 'published' ? 'bucket' : `bucket ${status}`, render: bucket })
kinds.set(MADE, { label: 'contribution', render: contribution(false), about: aboutBucket })
kinds.set(REFUNDED, { label: 'refund', render: contribution(true), about: aboutBucket })
