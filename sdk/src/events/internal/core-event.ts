import { ProtocolError } from '../../errors.js'
import { isRecord, summaryOf } from '../../intents/internal/activity.js'
import type { ActorRef, CoreEventType, EventOf } from '../../schemas/index.js'
import { createEvent, type CreateEventOptions } from '../create-event.js'

/** Options of every core event builder ({@link membershipJoined}, {@link ping} and the others). */
export interface CoreEventOptions {
  /** The emitting tool's origin (the `id` of its tool manifest). */
  readonly source: string
  /** Who acted, with the name a dashboard shows. Each builder says its default. */
  readonly actor?: ActorRef
  /** A one-line summary; each builder writes a default. At most 280 characters. */
  readonly summary?: string
  /** A deep link into the tool. Each builder says its default. */
  readonly url?: string
  /** When it happened (RFC 3339). Defaults to now, to the second. */
  readonly published?: string
  /** The activity's own IRI. */
  readonly activityId?: string
  /** Addressees of the activity. */
  readonly to?: readonly string[]
  /** The event id. Defaults to a new UUIDv7. */
  readonly id?: string
  /**
   * The per-source, increasing sequence (DOC-SEQ-001): 20 decimal digits, or a number that is
   * zero-padded to them (an authority passes the group's change number, MEM-EVT-001).
   */
  readonly sequence?: string | number
}

/** "Now", to the second, as the schemas' `DateTime` writes it. @internal */
export function now(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

/** The tool itself as an actor: an `Application` named by its origin's host. @internal */
export function toolActor(source: string): ActorRef {
  return {
    id: source,
    type: 'Application',
    name: URL.canParse(source) ? new URL(source).host : source,
  }
}

/** A coded refusal of a builder's input that contradicts the event it builds. @internal */
export function inconsistent(message: string): ProtocolError {
  return new ProtocolError('ERR_EVENT_INCONSISTENT', message)
}

/** Fails with a `TypeError` unless `options` is an object with a `source`. @internal */
export function checkOptions(options: unknown): asserts options is CoreEventOptions {
  if (!isRecord(options) || typeof options['source'] !== 'string') {
    throw new TypeError('options with a source are required')
  }
}

/**
 * Builds one core event: the renderable minimum from the defaults and the options, the
 * activity's own members, then `createEvent` (which validates it against the type's schema).
 * @internal
 */
export function coreEvent<T extends CoreEventType>(
  type: T,
  activity: Record<string, unknown> & { type: string; actor: ActorRef },
  defaults: { summary: string; url: string; audience: string; subject?: string },
  options: CoreEventOptions,
): EventOf<T> {
  const { sequence } = options
  const data = {
    ...(options.activityId === undefined ? {} : { id: options.activityId }),
    ...activity,
    summary: summaryOf(options.summary ?? defaults.summary),
    published: options.published ?? now(),
    url: options.url ?? defaults.url,
    audience: defaults.audience,
    ...(options.to === undefined ? {} : { to: [...options.to] }),
  }
  const envelope: CreateEventOptions = {
    source: options.source,
    ...(defaults.subject === undefined ? {} : { subject: defaults.subject }),
    ...(options.id === undefined ? {} : { id: options.id }),
    ...(sequence === undefined
      ? {}
      : { sequence: typeof sequence === 'number' ? String(sequence).padStart(20, '0') : sequence }),
  }
  return createEvent<T>(type, data as never, envelope)
}
