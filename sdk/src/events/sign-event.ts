import { CompactSign } from 'jose'
import type { SigningKey } from '../keys/signing-key.js'
import type { Event } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import { EVENT_JWS_TYP } from './constants.js'

const encoder = new TextEncoder()

/**
 * Signs an event end to end: the CloudEvent JSON becomes the payload of a compact JWS whose
 * protected header is exactly `{ alg, kid, typ: "cta-event+jws" }`. The event is validated first,
 * so a producer cannot emit what receivers reject.
 *
 * @param event An event from {@link createEvent}, or any object that should be one.
 * @param key The tool's signing key; its `kid` should be `<tool origin>#<thumbprint>`, and the
 *   event's `source` must be that origin for receivers to accept it.
 * @returns The compact JWS.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event does not validate.
 * @example
 * ```ts
 * const jws = await signEvent(event, key)
 * await fetch('https://dashboard.example/cta/inbox', { method: 'POST', headers: { 'content-type': 'application/jose' }, body: jws })
 * ```
 * @see {@link https://w3id.org/cta/spec/events#signing Spec: signing events}
 */
export async function signEvent(event: unknown, key: SigningKey): Promise<string> {
  const valid = assertValid(event) as Event
  if (!('specversion' in valid)) throw new TypeError('signEvent signs events only')
  return new CompactSign(encoder.encode(JSON.stringify(valid)))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: EVENT_JWS_TYP })
    .sign(key.privateKey)
}
