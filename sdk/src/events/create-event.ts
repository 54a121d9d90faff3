import { CONTEXT, SCHEMA_BASE } from '../constants.js'
import { deepFreeze } from '../internal/freeze.js'
import { uuidv7 } from '../internal/uuidv7.js'
import type { EventOf } from '../schemas/index.js'
import { activitySchemaByType } from '../validate/generated/validators.js'
import { assertValid } from '../validate/validate-document.js'

/** The `data` a caller passes to {@link createEvent}: the activity, with `@context` optional. */
export type EventData<T extends string> = Omit<EventOf<T>['data'], '@context'> & {
  readonly '@context'?: typeof CONTEXT
}

/** A CloudEvents extension attribute value. */
export type ExtensionValue = string | boolean | number

/** Options of {@link createEvent}. */
export interface CreateEventOptions {
  /** The emitting tool's origin, the `id` of its tool manifest. */
  readonly source: string
  /** The group the event belongs to. Defaults to the activity's `audience`, and must equal it. */
  readonly group?: string
  /** The IRI of the main object. Defaults to the activity's `object` (its `id`, or the IRI itself). */
  readonly subject?: string
  /** The event id, unique per source. Defaults to a new UUIDv7. */
  readonly id?: string
  /** When it happened. Defaults to the activity's `published`. */
  readonly time?: string
  /** A per-source, increasing sequence string. */
  readonly sequence?: string
  /** Overrides `dataschema`; by default a core type's activity schema or the generic one. */
  readonly dataschema?: string
  /** Further CloudEvents extension attributes. */
  readonly extensions?: Readonly<Record<string, ExtensionValue>>
}

function subjectOf(object: unknown): string | undefined {
  if (typeof object === 'string') return object
  if (typeof object === 'object' && object !== null && 'id' in object) {
    const id = (object as { id?: unknown }).id
    if (typeof id === 'string') return id
  }
  return undefined
}

/**
 * Creates a CTA event: a CloudEvents 1.0 envelope around an ActivityStreams activity. Fills
 * `specversion`, `id` (a UUIDv7), `time`, `datacontenttype`, `dataschema`, `group` and `subject`,
 * adds the pinned `@context` to the activity, validates the result and freezes it.
 *
 * @param type The event type: a core type (`tech.collaborative.…`) or the tool's own.
 * @param data The activity, with the renderable minimum.
 * @param options `source` (required) and any attribute to set explicitly.
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate; `issues` says where.
 * @throws {TypeError} When `options.group` differs from the activity's `audience`.
 * @example
 * ```ts
 * import { createEvent } from '@cta-interop/sdk'
 * const event = createEvent('tech.collaborative.ping', {
 *   type: 'Create',
 *   actor: { id: 'https://decisions.example', type: 'Application', name: 'Decisions' },
 *   object: { type: 'Note', content: 'hello' },
 *   summary: 'Decisions says hello',
 *   published: new Date().toISOString(),
 *   url: 'https://decisions.example/cta',
 *   audience: 'https://decisions.example/g/harbour-commons',
 * }, { source: 'https://decisions.example' })
 * ```
 * @see {@link https://w3id.org/cta/spec/documents#events Spec: events}
 */
export function createEvent<const T extends string>(
  type: T,
  data: EventData<T>,
  options: CreateEventOptions,
): EventOf<T> {
  const activity = { '@context': CONTEXT, ...data } as Record<string, unknown>
  const audience = activity['audience']
  if (options.group !== undefined && options.group !== audience) {
    throw new TypeError('options.group must equal the activity audience')
  }
  const group = options.group ?? audience
  const published = activity['published']
  const subject = options.subject ?? subjectOf(activity['object'])
  const event: Record<string, unknown> = {
    ...options.extensions,
    specversion: '1.0',
    id: options.id ?? uuidv7(),
    source: options.source,
    type,
    ...(subject === undefined ? {} : { subject }),
    time: options.time ?? (typeof published === 'string' ? published : new Date().toISOString()),
    datacontenttype: 'application/ld+json',
    dataschema:
      options.dataschema ??
      (Object.hasOwn(activitySchemaByType, type)
        ? activitySchemaByType[type]
        : `${SCHEMA_BASE}activity.json`),
    group,
    ...(options.sequence === undefined ? {} : { sequence: options.sequence }),
    data: structuredClone(activity),
  }
  return deepFreeze(assertValid(event)) as EventOf<T>
}
