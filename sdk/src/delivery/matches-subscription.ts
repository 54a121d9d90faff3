import type { Subscription } from '../stores/delivery-store.js'

/**
 * Tells whether an event goes to a subscription: its `group` equals the subscription's, and its
 * `type` equals one of the subscription's `types` or starts with the prefix of a `prefix.*`
 * pattern (`tech.collaborative.membership.*` matches `tech.collaborative.membership.joined`).
 * A subscription without `types` takes every type of its group. Only active subscriptions match.
 *
 * @param subscription The subscription.
 * @param event The event's `type` and `group`.
 * @returns `true` when the event is to be delivered to it.
 * @example
 * ```ts
 * matchesSubscription(subscription, { type: 'tech.collaborative.membership.joined', group })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#filters Spec: filters}
 */
export function matchesSubscription(
  subscription: Pick<Subscription, 'group' | 'types' | 'status'>,
  event: { readonly type: string; readonly group: string },
): boolean {
  if (subscription.status !== 'active' || subscription.group !== event.group) return false
  const types = subscription.types
  if (types === undefined) return true
  return types.some((pattern) =>
    pattern.endsWith('.*') ? event.type.startsWith(pattern.slice(0, -1)) : pattern === event.type,
  )
}
