import type { ActorRef, Proposal } from '../../schemas/index.js'
import type { CreateEventOptions } from '../../events/create-event.js'
import type { ProposalEventOptions } from '../proposal-published.js'

/** Is `value` a non-null object (a runtime check of a typed argument)? @internal */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/** Cuts a summary to the 280 code points the schema allows. @internal */
export function summaryOf(text: string): string {
  const points = Array.from(text)
  return points.length <= 280 ? text : `${points.slice(0, 279).join('')}…`
}

/** The proposal as an event carries it: without its `@context`. @internal */
export function embedded(proposal: Proposal): Omit<Proposal, '@context'> {
  const { '@context': _context, ...rest } = proposal
  return rest
}

/** The renderable minimum and addressing shared by the proposal events. @internal */
export function renderable(
  options: ProposalEventOptions,
  defaults: { summary: string; url: string; published: string; audience: string },
): {
  actor: ActorRef
  summary: string
  url: string
  published: string
  audience: string
  id?: string
  to?: string[]
} {
  if (!isRecord(options)) {
    throw new TypeError('options with source and actor are required')
  }
  return {
    ...(options.activityId === undefined ? {} : { id: options.activityId }),
    actor: options.actor,
    summary: summaryOf(options.summary ?? defaults.summary),
    published: options.published ?? defaults.published,
    url: options.url ?? defaults.url,
    audience: defaults.audience,
    ...(options.to === undefined ? {} : { to: [...options.to] }),
  }
}

/** The `createEvent` options of a helper's options. @internal */
export function envelope(options: ProposalEventOptions): CreateEventOptions {
  return {
    source: options.source,
    ...(options.id === undefined ? {} : { id: options.id }),
    ...(options.sequence === undefined ? {} : { sequence: options.sequence }),
  }
}

/** `an offer`, `a request`. @internal */
export function article(purpose: 'offer' | 'request'): string {
  return purpose === 'offer' ? 'an offer' : 'a request'
}
