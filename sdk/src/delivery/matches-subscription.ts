import type { Subscription } from '../stores/delivery-store.js'

/**
 * Tells whether an event goes to a subscription: its `group` equals the subscription's, and its
 * `type` equals one of the subscription's `types` or starts with the prefix of a `prefix.*`
 * pattern (`tech.collaborative.membership.*` matches `tech.collaborative.membership.joined`).
 * A subscription without `types` takes every type of its group. Only active subscriptions match,
 * and, given `at`, only those whose `expires` is later than `at`.
 *
 * @param subscription The subscription.
 * @param event The event's `type` and `group`.
 * @param at When the event is published: a subscription expired by then takes nothing.
 * @returns `true` when the event is to be delivered to it.
 * @example
 * ```ts
 * matchesSubscription(subscription, { type: 'tech.collaborative.membership.joined', group })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#filters Spec: filters}
 * @see {@link https://w3id.org/cta/spec/delivery#DLV-SUB-011 Spec: DLV-SUB-011}
 */
export function matchesSubscription(
  subscription: Pick<Subscription, 'group' | 'types' | 'status' | 'expires'>,
  event: { readonly type: string; readonly group: string },
  at?: Date,
): boolean {
  if (subscription.status !== 'active' || subscription.group !== event.group) return false
  if (
    at !== undefined &&
    subscription.expires !== undefined &&
    Date.parse(subscription.expires) <= at.getTime()
  )
    return false
  const types = subscription.types
  if (types === undefined) return true
  return types.some((pattern) =>
    pattern.endsWith('.*') ? event.type.startsWith(pattern.slice(0, -1)) : pattern === event.type,
  )
}
