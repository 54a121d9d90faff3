import type { Event } from '../schemas/index.js'
import { eventValidatorsByKind } from './generated/event-validators.js'
import { throwInvalid, validateWith } from './validate-with.js'

/**
 * `assertValid` for a signed event's payload, with only the validators an event needs (the
 * generic `Event` and the core events), so that a bundle that verifies events carries no other
 * validator. Anything that is not an event is refused with the code `assertValid` would give:
 * its context defect, or `ERR_SCHEMA_INVALID`.
 *
 * @param input The payload, parsed as strict JSON.
 * @returns The same object, typed as an event.
 * @throws {ProtocolError} `ERR_JSONLD_UNSAFE` or `ERR_JSONLD_CONTEXT_UNKNOWN` when its context is
 *   nested, unknown or not the pinned array (checked first).
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when it is not an event or does not match its
 *   event schema.
 * @see {@link https://w3id.org/cta/spec/events#verifying Spec: verifying events}
 * @internal
 */
export function assertValidEvent(input: unknown): Event {
  const result = validateWith(eventValidatorsByKind, input, undefined)
  if (!result.valid) throwInvalid(result)
  return result.document as Event
}
