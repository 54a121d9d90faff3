import { ProtocolError } from '../errors.js'
import { readInstant } from '../internal/parse-instant.js'
import { compactJwsRules, verifyCompactJws } from '../internal/verify-compact-jws.js'
import type { ResolveKey, ResolvedKey } from '../keys/resolve-key.js'
import type { Event } from '../schemas/index.js'
import { checkContext as checkDocumentContext } from '../validate/check-context.js'
import { assertValidEvent } from '../validate/assert-valid-event.js'
import type { Base64urlDecoder } from './base64url-decoder.js'
import {
  DEFAULT_CLOCK_TOLERANCE,
  DEFAULT_MAX_EVENT_AGE,
  EVENT_JWS_TYP,
  MAX_EVENT_DEPTH,
  MAX_EVENT_JWS_LENGTH,
  MAX_HEADER_LENGTH,
} from './constants.js'

/**
 * Remembers which events were already accepted, keyed by `(source, id)`. `claim` must be atomic:
 * of two concurrent claims of the same key, exactly one returns `true`.
 */
export interface DedupeStore {
  /** Records the key until `expiresAt`; `false` if it was already recorded and has not expired. */
  claim(source: string, id: string, expiresAt: Date): Promise<boolean>
  /** Forgets a key, so that a failed delivery can be accepted when it is retried. */
  release(source: string, id: string): Promise<void>
}

/** Options of {@link verifyEvent}. */
export interface VerifyEventOptions {
  /** Finds the public key for the JWS `kid`. */
  readonly resolveKey: ResolveKey
  /** Remembers accepted events; without it, replays are not detected. */
  readonly dedupe?: DedupeStore
  /**
   * How long after its `time` an event is accepted, in seconds. Default 72 hours, the window
   * EVT-AGE-001 fixes: a shorter one refuses producers' legal retries, a longer one accepts events
   * that conforming receivers refuse.
   */
  readonly maxAge?: number
  /** Clock skew tolerated, in seconds. Default 60. */
  readonly clockTolerance?: number
  /** "Now", for tests. */
  readonly currentDate?: Date
  /** Longest compact JWS accepted, in characters. Default 96 KiB. */
  readonly maxLength?: number
  /**
   * Verifies the signature bytes. Default: Web Crypto through `jose`. In Node, pass
   * `nodeSignatureVerifier()` from `@cta-interop/sdk/node`, which is several times faster there.
   */
  readonly verifySignature?: SignatureVerifier
}

/**
 * Checks a signature over the JWS signing input with a resolved public key: a crypto backend for
 * runtimes where Web Crypto is slow. Must return `false` (not throw) for a wrong signature. It may
 * bring a faster strict base64url decoder of the same runtime as `base64url`, which then decodes
 * the token's payload and signature parts instead of `atob`.
 */
export type SignatureVerifier = ((
  key: ResolvedKey,
  signingInput: Uint8Array,
  signature: Uint8Array,
) => Promise<boolean>) & { readonly base64url?: Base64urlDecoder }

/** What {@link verifyEvent} returns for an event it accepts. */
export interface VerifyEventResult {
  /** The verified, schema-valid event (frozen). */
  readonly event: Event
  /** The `kid` that signed it. */
  readonly kid: string
  /**
   * Until when the event must be remembered to refuse a replay: its `time`, plus the age window,
   * plus twice the clock tolerance, so that the record outlives the window in which the event is
   * accepted ([DLV-INB-004](https://w3id.org/cta/spec/delivery#DLV-INB-004)). What a dedupe
   * store is given with the claim.
   */
  readonly expiresAt: Date
}

const reject = (code: ConstructorParameters<typeof ProtocolError>[0], message: string): never => {
  throw new ProtocolError(code, message)
}

/** `@context` may appear only at the top of `data` (depth 2 of the payload). */
function refuseNestedContext(key: string, depth: number): void {
  if (key === '@context' && depth !== 2) {
    reject('ERR_JSONLD_UNSAFE', '@context is only allowed at the top of data')
  }
}

const EVENT_RULES = compactJwsRules({
  typ: EVENT_JWS_TYP,
  maxLength: MAX_EVENT_JWS_LENGTH,
  maxHeaderLength: MAX_HEADER_LENGTH,
  maxDepth: MAX_EVENT_DEPTH,
  onKey: refuseNestedContext,
})

/** Checks the activity's context before the schema, in the order of DOC-CTX-004. */
function checkContext(event: Record<string, unknown>): void {
  const defect = checkDocumentContext(event, 'event')
  if (defect !== undefined) reject(defect.code, defect.issue.message)
}

/**
 * Verifies a signed event and returns it. Checks run cheapest first, and the first failure
 * throws: size; JWS shape and strict base64url; protected header exactly `{ alg, kid, typ }`;
 * `typ`; algorithm allowed and equal to the resolved key's; the key; the signature; the payload as
 * strict JSON (depth, duplicate names, `__proto__`); the pinned `@context`; the schema; `source`
 * bound to the tool whose manifest holds the key; `group` equal to the activity's `audience`; the
 * age window; and, with a dedupe store, replay.
 *
 * @param jws The compact JWS, as received.
 * @param options `resolveKey` (required), `dedupe`, `maxAge`, `clockTolerance`, `currentDate`.
 * @returns The event and the `kid` that signed it.
 * @throws {ProtocolError} `ERR_TOO_LARGE`, `ERR_JWS_MALFORMED`, `ERR_HEADER_NOT_ALLOWED`,
 *   `ERR_TYP_MISMATCH`, `ERR_ALG_NOT_ALLOWED`, `ERR_KEY_UNRESOLVED`, `ERR_SIGNATURE_INVALID`,
 *   `ERR_JSON_INVALID`, `ERR_JSONLD_CONTEXT_UNKNOWN`, `ERR_JSONLD_UNSAFE`, `ERR_SCHEMA_INVALID`,
 *   `ERR_SOURCE_MISMATCH`, `ERR_EVENT_INCONSISTENT`, `ERR_EVENT_STALE`, `ERR_EVENT_FUTURE`,
 *   `ERR_DUPLICATE`.
 * @example
 * ```ts
 * const { event, kid } = await verifyEvent(body, { resolveKey, dedupe })
 * ```
 * @see {@link https://w3id.org/cta/spec/events#verifying Spec: verifying events}
 */
export async function verifyEvent(
  jws: string,
  options: VerifyEventOptions,
): Promise<VerifyEventResult> {
  if (typeof jws !== 'string') throw new TypeError('jws must be a string')
  const {
    kid,
    key: resolved,
    payload,
  } = await verifyCompactJws(jws, EVENT_RULES, {
    resolveKey: options.resolveKey,
    verifySignature: options.verifySignature,
    maxLength: options.maxLength,
  })
  checkContext(payload)
  const event = assertValidEvent(payload)
  if (!('specversion' in event)) return reject('ERR_SCHEMA_INVALID', 'not an event')
  if (event.source !== resolved.source) {
    reject('ERR_SOURCE_MISMATCH', 'the event source is not the tool that holds the key')
  }
  if (event.group !== event.data.audience) {
    reject('ERR_EVENT_INCONSISTENT', 'group and data.audience differ')
  }
  const now = (options.currentDate ?? new Date()).getTime()
  const tolerance = (options.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE) * 1000
  const maxAge = (options.maxAge ?? DEFAULT_MAX_EVENT_AGE) * 1000
  const time = readInstant(event.time) // a leap second reads as :59.999 (EVT-TIME-001)
  if (time > now + tolerance) reject('ERR_EVENT_FUTURE', 'the event time is in the future')
  if (time < now - maxAge - tolerance)
    reject('ERR_EVENT_STALE', 'the event is older than the window')
  const expiresAt = new Date(time + maxAge + 2 * tolerance)
  if (options.dedupe !== undefined) {
    if (!(await options.dedupe.claim(event.source, event.id, expiresAt))) {
      reject('ERR_DUPLICATE', 'this event was already accepted')
    }
  }
  return { event: Object.freeze(event), kid, expiresAt }
}
