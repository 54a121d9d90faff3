// How the dashboard shows each kind of event: a registry from event type to a short label and a
// small render function. The core kinds are registered here; a profile (decisions, budgeting) adds
// its own with `kinds.set(type, { label, render })` (see `kinds/`, which `page.ts` loads). A type with no entry still shows, from the
// renderable minimum (its summary), under a label made from the type's last segments.
import { esc } from '../src/http.js'

/** An event's `data`, as loosely as other tools may send it. Every field may be missing. */
export type EventData = Readonly<Record<string, unknown>>

/** A proposal the dashboard has seen published: what a match or an agreement refers to. */
export interface ProposalInfo {
  readonly name: string
  /** `offer` or `request`. */
  readonly purpose?: string | undefined
  /** Who published it (an IRI). */
  readonly by?: string | undefined
  /** What it asks or gives in return, with its currency already labelled (`28.00 Harbour Credit`). */
  readonly amount?: string | undefined
}

/** Names a render function may ask for; each falls back to something readable, never throws. */
export interface KindContext {
  /** A group's name from its Group document. */
  group(iri: string): string
  /** A tool's name from its manifest. */
  tool(origin: string): string
  /** A person's name as events named them, else `fallback`, else `someone`. */
  person(iri: unknown, fallback?: unknown): string
  /** A proposal seen published, by IRI (fragment ignored). */
  proposal(iri: unknown): ProposalInfo | undefined
  /**
   * An amount in a currency as every kind shows it: the currency's decimals (as a funding round or
   * an account declared them, else the most any stored amount in it has) and its label
   * (`10.00 Harbour Credit`). `undefined` when `value` is no decimal number.
   */
  readonly money: (value: unknown, currency: unknown) => string | undefined
  /** The newest object with this `id` a stored event carried (a poll, a round, a bucket). */
  object(iri: unknown): EventData | undefined
  /** Every stored event about this object (see {@link Kind.about}), unfiltered, oldest first. */
  related(iri: unknown): readonly KindInput[]
}

/** One event to render. */
export interface KindInput {
  readonly type: string
  readonly source: string
  readonly group: string
  readonly summary: string
  readonly data: EventData
}

/** Renders one event's sentence as HTML; every field it shows must go through `esc`. */
export type RenderKind = (input: KindInput, context: KindContext) => string

/** A kind the dashboard shows richly. */
export interface Kind {
  /** Short, lower-case label (`joined`, `match`). */
  readonly label: string
  readonly render: RenderKind
  /** The object the event is about, to group it with the others about it (default: its object). */
  readonly about?: (data: EventData) => string | undefined
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined
const obj = (value: unknown): EventData =>
  typeof value === 'object' && value !== null ? (value as EventData) : {}
const idOf = (value: unknown): string | undefined => str(value) ?? str(obj(value)['id'])
const withoutFragment = (iri: string | undefined) => iri?.split('#')[0]
const b = (text: string) => `<strong>${esc(text)}</strong>`
const quoted = (text: string) => `“${esc(text)}”`

/** A currency's label from its IRI's last segment: `…/currencies/harbour-credit` → `Harbour Credit`. */
export function currencyLabel(iri: unknown): string {
  const segment = str(iri)?.split(/[/#]/).pop() ?? ''
  return segment
    .split(/[-_]/)
    .filter((w) => w !== '')
    .map((w) => `${w.slice(0, 1).toUpperCase()}${w.slice(1)}`)
    .join(' ')
}

/**
 * An amount with its currency, from a `resourceQuantity` and a `resourceConformsTo`, written by
 * `money` (the currency's decimals and label); without it, as the event wrote it.
 */
export function amountOf(intent: unknown, money?: KindContext['money']): string | undefined {
  const i = obj(intent)
  const value = str(obj(i['resourceQuantity'])['hasNumericalValue'])
  if (value === undefined) return undefined
  const shown = money?.(value, i['resourceConformsTo'])
  if (shown !== undefined) return shown
  const currency = currencyLabel(i['resourceConformsTo'])
  return currency === '' ? value : `${value} ${currency}`
}

const actorOf = (data: EventData, c: KindContext) =>
  c.person(idOf(data['actor']), obj(data['actor'])['name'])
const memberOf = (data: EventData) => obj(obj(data['result'])['member'])
const memberName = (data: EventData, c: KindContext) => {
  const member = memberOf(data)
  const object = obj(data['object'])
  return c.person(idOf(member) ?? idOf(object), member['name'] ?? object['name'])
}
const groupOf = (input: KindInput) =>
  str(obj(input.data['result'])['organization']) ?? str(input.data['target']) ?? input.group
const aboutMember = (data: EventData) =>
  idOf(memberOf(data)) ??
  (obj(data['object'])['type'] === 'Person' ? idOf(data['object']) : undefined)
const aboutTool = (data: EventData) => str(obj(data['object'])['tool']) ?? idOf(data['object'])

/** Who joined; who added them, when someone else did. */
const joined: RenderKind = (input, c) => {
  const who = memberName(input.data, c)
  const by = actorOf(input.data, c)
  const group = b(c.group(groupOf(input)))
  return input.data['type'] === 'Join' || by === who
    ? `${b(who)} joined ${group}`
    : `${b(by)} added ${b(who)} to ${group}`
}

const tool =
  (verb: string, preposition: string): RenderKind =>
  (input, c) => {
    const origin = aboutTool(input.data)
    const name = origin === undefined ? 'a tool' : c.tool(origin)
    return `${b(actorOf(input.data, c))} ${verb} ${b(name)} ${preposition} ${b(c.group(groupOf(input)))}`
  }

/** The core kinds. Profiles add theirs to this map. */
export const kinds = new Map<string, Kind>([
  ['tech.collaborative.membership.joined', { label: 'joined', render: joined, about: aboutMember }],
  [
    'tech.collaborative.membership.left',
    {
      label: 'left',
      about: aboutMember,
      render: (input, c) => `${b(memberName(input.data, c))} left ${b(c.group(groupOf(input)))}`,
    },
  ],
  [
    'tech.collaborative.membership.removed',
    {
      label: 'removed',
      about: aboutMember,
      render: (input, c) =>
        `${b(actorOf(input.data, c))} removed ${b(memberName(input.data, c))} from ${b(c.group(groupOf(input)))}`,
    },
  ],
  [
    'tech.collaborative.membership.updated',
    {
      label: 'role changed',
      about: aboutMember,
      render: (input, c) => {
        const role = str(obj(input.data['result'])['coreRole'])
        return `${b(actorOf(input.data, c))} changed ${b(memberName(input.data, c))}’s membership of ${b(c.group(groupOf(input)))}${role === undefined ? '' : ` to ${b(role)}`}`
      },
    },
  ],
  [
    'tech.collaborative.group.tool.connected',
    { label: 'tool connected', about: aboutTool, render: tool('connected', 'to') },
  ],
  [
    'tech.collaborative.group.tool.disconnected',
    { label: 'tool disconnected', about: aboutTool, render: tool('disconnected', 'from') },
  ],
  [
    'tech.collaborative.proposal.published',
    {
      label: 'proposal',
      render: (input, c) => {
        const p = obj(input.data['object'])
        const purpose = str(p['purpose'])
        const amount = amountOf(p['reciprocal'], c.money)
        const what = purpose === undefined ? 'a proposal' : `a ${esc(purpose)}`
        const money =
          amount === undefined
            ? ''
            : purpose === 'offer'
              ? ` for ${b(amount)}`
              : ` with a target of ${b(amount)}`
        return `${b(actorOf(input.data, c))} published ${what} ${quoted(str(p['name']) ?? 'untitled')}${money}`
      },
    },
  ],
  [
    'tech.collaborative.intent.matched',
    {
      label: 'match',
      about: (data) => withoutFragment(str(obj(data['object'])['object'])),
      render: (input, c) => {
        const r = obj(input.data['object'])
        const side = (iri: unknown) => {
          const p = c.proposal(iri)
          if (p === undefined) return 'a proposal'
          const by = p.by === undefined ? '' : ` by ${b(c.person(p.by))}`
          const amount = p.amount === undefined ? '' : ` (${b(p.amount)})`
          return `${quoted(p.name)}${by}${amount}`
        }
        return `${side(r['subject'])} matches ${side(r['object'])}`
      },
    },
  ],
  [
    'tech.collaborative.agreement.accepted',
    {
      label: 'agreement',
      about: (data) =>
        withoutFragment(str(obj(obj(obj(data['object'])['stipulates']))['satisfies'])) ??
        idOf(data['object']),
      render: (input, c) => {
        const commitment = obj(obj(input.data['object'])['stipulates'])
        const amount = amountOf(commitment, c.money)
        const towards = c.proposal(commitment['satisfies'])
        return `${b(actorOf(input.data, c))} agreed to give ${amount === undefined ? 'a contribution' : b(amount)}${towards === undefined ? '' : ` to ${quoted(towards.name)}`}`
      },
    },
  ],
])

/** A readable label for a type with no entry: its last two segments (`bucket funded`). */
export function labelOf(type: string): string {
  const known = kinds.get(type)?.label
  if (known !== undefined) return known
  return type.split('.').slice(-2).join(' ').replaceAll(/[-_]/g, ' ')
}

/** The object an event is about (a proposal, a bucket, a member), fragment removed. */
export function aboutOf(type: string, data: EventData): string | undefined {
  const about = kinds.get(type)?.about
  const found = about?.(data) ?? idOf(data['object']) ?? str(data['target']) ?? str(data['url'])
  return withoutFragment(found)
}

/** Renders an event: its label, whether its kind is known, and its sentence as HTML. */
export function renderKind(
  input: KindInput,
  context: KindContext,
): { label: string; known: boolean; html: string } {
  const kind = kinds.get(input.type)
  if (kind === undefined)
    return { label: labelOf(input.type), known: false, html: esc(input.summary) }
  try {
    return { label: kind.label, known: true, html: kind.render(input, context) }
  } catch {
    // A render function that cannot read this event shows it from its summary.
    return { label: kind.label, known: true, html: esc(input.summary) }
  }
}
