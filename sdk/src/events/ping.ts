import type { EventOf } from '../schemas/index.js'
import { checkOptions, coreEvent, toolActor, type CoreEventOptions } from './internal/core-event.js'

/** Options of {@link ping}. */
export interface PingOptions extends CoreEventOptions {
  /** The group the test event is for: its `audience` and the envelope's `group`. */
  readonly group: string
  /** The note's text. Default: "Test event from <actor>: delivery works." At most 280 characters. */
  readonly content?: string
}

/**
 * Creates a `tech.collaborative.ping` event: a `Create` of a short `Note` that proves delivery to
 * a group's subscribers works. Receivers show or log it and need do nothing else.
 *
 * @param options `source` and `group` (required); `content`, and `actor` (default `source` as an
 *   `Application`), `url` (default `source`) and the other overrides.
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate (an empty or
 *   too long `content`, a `group` that is not an IRI).
 * @throws {TypeError} When `options` (with `source`) is missing.
 * @example
 * ```ts
 * import { ping } from '@cta-interop/sdk'
 * const event = ping({ source: 'https://budgeting.example', group: 'https://decisions.example/g/harbour-commons' })
 * ```
 * @see {@link https://w3id.org/cta/spec/documents#core-event-types Spec: core event types}
 */
export function ping(options: PingOptions): EventOf<'tech.collaborative.ping'> {
  checkOptions(options)
  const actor = options.actor ?? toolActor(options.source)
  return coreEvent(
    'tech.collaborative.ping',
    {
      type: 'Create',
      actor,
      object: {
        type: 'Note',
        content: options.content ?? `Test event from ${actor.name}: delivery works.`,
      },
    },
    { summary: `${actor.name} sent a test event`, url: options.source, audience: options.group },
    options,
  )
}
