import { EVENT_JWS_TYP } from '../events/constants.js'
import { decodeBase64url } from '../internal/base64url.js'
import { matchesTyp } from '../internal/matches-typ.js'
import type { Event } from '../schemas/index.js'
import type { DeliveryStore, EnqueueResult } from '../stores/delivery-store.js'
import { assertValid } from '../validate/validate-document.js'
import { matchesSubscription } from './matches-subscription.js'

/** Options of {@link publishEvent}. */
export interface PublishEventOptions {
  /** Where the feed and the outbox are. */
  readonly store: Pick<DeliveryStore, 'listSubscriptions' | 'enqueue'>
  /** "Now", for tests. The deliveries are due at once. */
  readonly currentDate?: Date
}

const decoder = new TextDecoder()

function eventOf(jws: string): Event {
  const parts = jws.split('.')
  if (parts.length !== 3) throw new TypeError('expected a compact JWS from signEvent')
  const header = JSON.parse(decoder.decode(decodeBase64url(parts[0] ?? ''))) as { typ?: unknown }
  if (!matchesTyp(header.typ, EVENT_JWS_TYP))
    throw new TypeError('expected a signed event (cta-event+jws)')
  const event = assertValid(JSON.parse(decoder.decode(decodeBase64url(parts[1] ?? ''))))
  if (!('specversion' in event)) throw new TypeError('expected an event')
  return event
}

/**
 * Publishes a signed event: appends it to the feed and queues a delivery to every active
 * subscription it matches (see {@link matchesSubscription}), in one transaction of the store,
 * so a crash cannot lose it between the two. A delivery worker
 * ({@link createDeliveryWorker}) then sends it. Publishing the same event again (same `source`
 * and `id`) changes nothing.
 *
 * @param jws The event as signed by {@link signEvent}: it is delivered and served as is.
 * @param options The store.
 * @returns The event's feed cursor, whether it was a duplicate, and how many deliveries were queued.
 * @throws {TypeError} When `jws` is not a signed, valid event (the producer's own bug).
 * @example
 * ```ts
 * const jws = await signEvent(ping({ source, group: group.id }), key)
 * await publishEvent(jws, { store })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#outbox Spec: the outbox}
 */
export async function publishEvent(
  jws: string,
  options: PublishEventOptions,
): Promise<EnqueueResult> {
  if (typeof jws !== 'string') throw new TypeError('jws must be a string')
  let event: Event
  try {
    event = eventOf(jws)
  } catch (err) {
    if (err instanceof TypeError) throw err
    throw new TypeError('expected a signed, valid event', { cause: err })
  }
  const { source, id, type, group } = event
  const at = options.currentDate ?? new Date()
  const candidates = await options.store.listSubscriptions({ group, status: 'active' })
  // An expired subscription takes nothing more (DLV-SUB-011), even before anyone ended it.
  const ids = candidates.filter((s) => matchesSubscription(s, event, at)).map((s) => s.id)
  return options.store.enqueue({ source, id, type, group, jws }, ids, at)
}
