import type { CreateEventOptions } from '../../events/create-event.js'
import type { ActorRef, EmbeddedPoll, Poll, PollRef } from '../../schemas/index.js'

/** Options shared by the decision event helpers. */
export interface DecisionEventOptions {
  /** The emitting tool's origin (the `id` of its tool manifest). */
  readonly source: string
  /**
   * Who acted, with the name a dashboard shows. For a stance in an anonymous poll this must be the
   * tool itself (`Application` or `Service`), never the voter (DEC-PRIV-001).
   */
  readonly actor: ActorRef
  /** A one-line summary; a default is written from the poll. At most 280 characters. */
  readonly summary?: string
  /** A deep link into the tool. Defaults to the poll's `url`, else its `id`. */
  readonly url?: string
  /** When it happened (RFC 3339). Defaults to now. */
  readonly published?: string
  /** The activity's own IRI. */
  readonly activityId?: string
  /** Addressees of the activity. */
  readonly to?: readonly string[]
  /** The event id. Defaults to a new UUIDv7. */
  readonly id?: string
  /** A per-source, increasing sequence string. */
  readonly sequence?: string
}

/** Is `value` a non-null object (a runtime check of a typed argument)? @internal */
export function isRecord(value: unknown): value is object {
  return typeof value === 'object' && value !== null
}

/** Cuts a summary to the 280 code points the schema allows. @internal */
function summaryOf(text: string): string {
  const points = Array.from(text)
  return points.length <= 280 ? text : `${points.slice(0, 279).join('')}…`
}

/** The renderable minimum of a decision event. @internal */
export function renderable(
  options: DecisionEventOptions,
  defaults: { summary: string; url: string; audience: string },
): Record<string, unknown> & { actor: ActorRef; summary: string; url: string } {
  if (!isRecord(options)) {
    throw new TypeError('options with source and actor are required')
  }
  return {
    ...(options.activityId === undefined ? {} : { id: options.activityId }),
    actor: options.actor,
    summary: summaryOf(options.summary ?? defaults.summary),
    published: options.published ?? new Date().toISOString().replace('.000Z', 'Z'),
    url: options.url ?? defaults.url,
    audience: defaults.audience,
    ...(options.to === undefined ? {} : { to: [...options.to] }),
  }
}

/** The `createEvent` options of a helper's options. @internal */
export function envelope(options: DecisionEventOptions): CreateEventOptions {
  return {
    source: options.source,
    ...(options.id === undefined ? {} : { id: options.id }),
    ...(options.sequence === undefined ? {} : { sequence: options.sequence }),
  }
}

/** The poll as an event carries it: without its `@context`. @internal */
export function embeddedPoll(poll: Poll | EmbeddedPoll): EmbeddedPoll {
  const { '@context': _context, ...rest } = poll as Poll
  return rest
}

/** The reference to a poll a stance event carries: what its privacy depends on. @internal */
export function pollRef(poll: Poll | EmbeddedPoll): PollRef {
  return {
    id: poll.id,
    type: 'Question',
    name: poll.name,
    pollType: poll.pollType,
    ...(poll.anonymous === undefined ? {} : { anonymous: poll.anonymous }),
    ...(poll.hideResults === undefined ? {} : { hideResults: poll.hideResults }),
  }
}
