import type { JetStreamDeliveryStore } from './create-jetstream-delivery-store.js'

/** Options of {@link redeliverEvent}. */
export interface RedeliverEventOptions {
  readonly store: JetStreamDeliveryStore
  /** The event's feed cursor (its stream sequence). */
  readonly cursor: string
  /** The subscription to deliver it to again. */
  readonly subscriptionId: string
  /** When the new attempt is due. Default now. */
  readonly at?: Date
}

/**
 * Delivers one event again to one subscription, as a fresh delivery (attempts from zero): for an
 * operator answering "we lost that one". A delivery still pending is left alone. From the
 * command line: `cta resend --cursor <n>`.
 *
 * @param options The store, the event's cursor and the subscription.
 * @returns `true` when a delivery was queued; `false` when the event is gone, the subscription is
 *   not active or of another group, or the delivery is still pending.
 * @throws {TypeError} When the cursor is not a positive integer.
 * @example
 * ```ts
 * await redeliverEvent({ store, cursor: '1042', subscriptionId: 'sub-7' })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#outbox Spec: the outbox}
 */
export function redeliverEvent(options: RedeliverEventOptions): Promise<boolean> {
  return options.store.redeliver({
    cursor: options.cursor,
    subscriptionId: options.subscriptionId,
    at: options.at ?? new Date(),
  })
}
