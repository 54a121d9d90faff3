import { signEvent } from '../events/sign-event.js'
import type { SigningKey } from '../keys/signing-key.js'
import type {
  DeliveryStore,
  Subscription,
  SubscriptionEndReason,
} from '../stores/delivery-store.js'
import { createSubscriptionEndedEvent } from './create-subscription-ended-event.js'
import { publishEvent } from './publish-event.js'

/**
 * How a producer announces the subscriptions it ends: the key it signs events with, its name, and
 * the public URL of its subscriptions endpoint.
 */
export interface SubscriptionEndedAnnouncement {
  /** The producer's signing key: its `kid` names the producer's origin, the event's `source`. */
  readonly key: SigningKey
  /** The name the producer shows in the event (`actor.name`). */
  readonly name: string
  /** The public URL of the producer's subscriptions endpoint. */
  readonly subscriptions: string
}

/** Options of {@link endSubscriptions}. */
export interface EndSubscriptionsOptions {
  /** Where the subscriptions, the feed and the outbox are. */
  readonly store: Pick<
    DeliveryStore,
    'getSubscription' | 'listSubscriptions' | 'endSubscription' | 'enqueue'
  >
  /** When they end. Default now. */
  readonly currentDate?: Date
  /**
   * Publishes a `tech.collaborative.subscription.ended` event for each subscription this call
   * ends (DLV-SUB-013). Without it nothing is published: the caller announces them itself.
   */
  readonly announce?: SubscriptionEndedAnnouncement
}

/** The producer's origin, from the key's `kid` (`<origin>#<key id>`). */
const originOf = (key: SigningKey): string => new URL(key.kid.split('#')[0] ?? '').origin

/**
 * Ends a subscription, or every active subscription of a tool to a group, for `reason`: each is
 * marked `ended` and its pending deliveries are cancelled, so nothing more is delivered to it;
 * then, with `announce`, a `tech.collaborative.subscription.ended` event is published for each
 * into the group's feed and to the group's other subscriptions that take it. Call it with reason
 * `uninstalled` when a group stops using a tool (the producer emitted or accepted
 * `tech.collaborative.group.tool.disconnected` for it); the delivery worker calls it for the
 * other reasons.
 *
 * @param which One subscription by `id`, or a subscriber's subscriptions to a `group`.
 * @param reason Why they end: `gone`, `expired`, `uninstalled` or `failing`.
 * @param options The store, the time, and how to announce the end.
 * @returns The subscriptions this call ended (already ended ones are left as they were).
 * @throws {TypeError} When `announce.key`'s `kid` does not start with an origin.
 * @example
 * ```ts
 * // The group stopped using the dashboard: nothing more goes to it.
 * await endSubscriptions({ group, subscriber: 'https://dashboard.example' }, 'uninstalled', {
 *   store, announce: { key, name: 'Decisions', subscriptions: `${origin}/cta/subscriptions` },
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#DLV-SUB-009 Spec: DLV-SUB-009}
 */
export async function endSubscriptions(
  which: { readonly id: string } | { readonly group: string; readonly subscriber: string },
  reason: SubscriptionEndReason,
  options: EndSubscriptionsOptions,
): Promise<Subscription[]> {
  const { store } = options
  const at = options.currentDate ?? new Date()
  const producer =
    options.announce === undefined
      ? undefined
      : { id: originOf(options.announce.key), name: options.announce.name }
  const candidates =
    'id' in which
      ? [await store.getSubscription(which.id)].filter((s) => s !== undefined)
      : await store.listSubscriptions({
          group: which.group,
          subscriber: which.subscriber,
          status: 'active',
        })
  const ended: Subscription[] = []
  for (const subscription of candidates) {
    if (subscription.status !== 'active') continue
    await store.endSubscription(subscription.id, at, reason)
    const now = (await store.getSubscription(subscription.id)) ?? {
      ...subscription,
      status: 'ended' as const,
      ended: at.toISOString(),
      reason,
    }
    ended.push(now)
    if (options.announce !== undefined && producer !== undefined && now.reason !== undefined) {
      const event = createSubscriptionEndedEvent(now, {
        producer,
        subscriptions: options.announce.subscriptions,
      })
      await publishEvent(await signEvent(event, options.announce.key), {
        store,
        currentDate: at,
      })
    }
  }
  return ended
}
