// What a kind's render function may ask about the other stored events: names of people and
// proposals, the objects events carried (a poll's options, a bucket's round), the events about an
// object (a bucket's contributions), and how each currency's amounts are written. Built once per
// render from every stored event (never the filtered ones: a bucket's progress counts them all).
import {
  aboutOf,
  currencyLabel,
  type EventData,
  type KindContext,
  type KindInput,
  type ProposalInfo,
} from './render-kinds.js'

/** One stored event, as the context reads it. */
export interface StoredEvent extends KindInput {
  readonly published?: string | undefined
}

/** How a context names groups and tools. */
export interface ContextNames {
  group(iri: string): string
  tool(origin: string): string
}

const rec = (value: unknown): EventData =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as EventData) : {}
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined
const DECIMAL = /^-?\d{1,40}(?:\.(\d{1,18}))?$/
const withoutFragment = (iri: string) => iri.split('#')[0] ?? iri

/** Calls `visit` on every object in `value`, depth first, at most `depth` levels down. */
function walk(value: unknown, visit: (o: EventData) => void, depth = 6): void {
  if (depth < 0 || typeof value !== 'object' || value === null) return
  if (Array.isArray(value)) {
    for (const v of value.slice(0, 200)) walk(v, visit, depth - 1)
    return
  }
  const o = value as EventData
  visit(o)
  for (const v of Object.values(o)) walk(v, visit, depth - 1)
}

/**
 * Writes `value` with `decimals` fraction digits (`10` → `10.00`). More digits than that are kept
 * as written, never rounded away.
 */
export function withDecimals(value: string, decimals: number | undefined): string {
  if (decimals === undefined) return value
  const [whole = '0', fraction = ''] = value.split('.')
  if (fraction.length >= decimals) return value
  return decimals === 0 ? whole : `${whole}.${fraction.padEnd(decimals, '0')}`
}

/** A context for rendering kinds, from every stored event. Never throws on bad data. */
export function createKindContext(
  events: readonly StoredEvent[],
  names: ContextNames,
): KindContext & { readonly people: Map<string, string> } {
  const people = new Map<string, string>()
  const objects = new Map<string, EventData>()
  const declared = new Map<string, number>()
  const digits = new Map<string, number>()
  const byAbout = new Map<string, KindInput[]>()
  const proposalData = new Map<string, EventData>()
  const ordered = [...events].sort((a, b) =>
    (a.published ?? '') < (b.published ?? '')
      ? -1
      : (a.published ?? '') > (b.published ?? '')
        ? 1
        : 0,
  )
  for (const e of ordered) {
    const data = e.data
    for (const p of [data['actor'], data['object'], rec(data['result'])['member']]) {
      const r = rec(p)
      const id = text(r['id'])
      const name = text(r['name'])
      if (r['type'] === 'Person' && id !== undefined && name !== undefined) people.set(id, name)
    }
    // The object each event is about, by id; the newest wins (events are visited oldest first).
    const object = rec(data['object'])
    const objectId = text(object['id'])
    if (objectId !== undefined && objectId.length < 2048) objects.set(objectId, object)
    walk(data['object'], (o) => {
      const currency = text(o['resourceConformsTo'])
      if (currency === undefined) return
      const d = o['decimals']
      if (typeof d === 'number' && Number.isInteger(d) && d >= 0 && d <= 18)
        declared.set(currency, d)
      const value = rec(o['resourceQuantity'])['hasNumericalValue']
      const m = typeof value === 'string' ? DECIMAL.exec(value) : null
      if (m !== null) digits.set(currency, Math.max(digits.get(currency) ?? 0, m[1]?.length ?? 0))
    })
    if (e.type === 'tech.collaborative.proposal.published') {
      const id = text(rec(data['object'])['id'])
      if (id !== undefined) proposalData.set(id, data)
    }
    try {
      const about = aboutOf(e.type, data)
      if (about !== undefined) {
        const list = byAbout.get(about) ?? []
        list.push(e)
        byAbout.set(about, list)
      }
    } catch {
      // A kind's `about` that cannot read this event leaves it out of the others' threads.
    }
  }

  const money: KindContext['money'] = (value, currency) => {
    if (typeof value !== 'string' || !DECIMAL.test(value)) return undefined
    const iri = text(currency)
    const label = currencyLabel(iri)
    const shown = withDecimals(
      value,
      iri === undefined ? undefined : (declared.get(iri) ?? digits.get(iri)),
    )
    return label === '' ? shown : `${shown} ${label}`
  }

  const proposals = new Map<string, ProposalInfo>()
  for (const [id, data] of proposalData) {
    const p = rec(data['object'])
    const reciprocal = rec(p['reciprocal'])
    proposals.set(id, {
      name: text(p['name']) ?? 'untitled',
      purpose: text(p['purpose']),
      by: text(p['attributedTo']) ?? text(rec(data['actor'])['id']),
      amount: money(
        rec(reciprocal['resourceQuantity'])['hasNumericalValue'],
        reciprocal['resourceConformsTo'],
      ),
    })
  }

  return {
    people,
    money,
    group: (iri) => names.group(iri),
    tool: (origin) => names.tool(origin),
    person: (iri, fallback) =>
      (typeof iri === 'string' ? people.get(iri) : undefined) ?? text(fallback) ?? 'someone',
    proposal: (iri) => (typeof iri === 'string' ? proposals.get(withoutFragment(iri)) : undefined),
    object: (iri) => (typeof iri === 'string' ? objects.get(iri) : undefined),
    related: (iri) => (typeof iri === 'string' ? (byAbout.get(withoutFragment(iri)) ?? []) : []),
  }
}
