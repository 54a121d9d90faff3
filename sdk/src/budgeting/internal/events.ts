import { createEvent, type CreateEventOptions } from '../../events/create-event.js'
import { isRecord, summaryOf } from '../../intents/internal/activity.js'
import type { ActorRef, CoreEventType, EventOf } from '../../schemas/index.js'

/** Options of every budgeting event helper ({@link roundOpened} and the others). */
export interface BudgetEventOptions {
  /** The emitting tool's origin (the `id` of its tool manifest). */
  readonly source: string
  /** Who acted, with the name a dashboard shows. */
  readonly actor: ActorRef
  /** A one-line summary; a sensible default is written from the object. At most 280 characters. */
  readonly summary?: string
  /** A deep link into the tool. Defaults to the object's `url`, else its `id`. */
  readonly url?: string
  /** When it happened (RFC 3339). Defaults depend on the helper. */
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

/** A document as an event carries it: without its `@context`. @internal */
export function embed<T extends { '@context': unknown }>(doc: T): Omit<T, '@context'> {
  if (!isRecord(doc)) throw new TypeError('a document is required')
  const { '@context': _context, ...rest } = doc
  return rest
}

/**
 * Builds one budgeting event: the renderable minimum from the object and the options, then
 * `createEvent` (which validates it against the type's schema). @internal
 */
export function budgetEvent<T extends CoreEventType>(
  type: T,
  activity: { type: string; object: Record<string, unknown> },
  defaults: { summary: string; url: string; published: string; audience: string },
  options: BudgetEventOptions,
): EventOf<T> {
  if (!isRecord(options)) throw new TypeError('options with source and actor are required')
  const data = {
    ...(options.activityId === undefined ? {} : { id: options.activityId }),
    type: activity.type,
    actor: options.actor,
    summary: summaryOf(options.summary ?? defaults.summary),
    published: options.published ?? defaults.published,
    url: options.url ?? defaults.url,
    audience: defaults.audience,
    ...(options.to === undefined ? {} : { to: [...options.to] }),
    object: activity.object,
  }
  const envelope: CreateEventOptions = {
    source: options.source,
    ...(options.id === undefined ? {} : { id: options.id }),
    ...(options.sequence === undefined ? {} : { sequence: options.sequence }),
  }
  return createEvent<T>(type, data as never, envelope)
}
