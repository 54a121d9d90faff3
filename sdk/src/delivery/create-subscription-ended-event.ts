import { createEvent } from '../events/create-event.js'
import type { Event } from '../schemas/index.js'
import type { Subscription, SubscriptionEndReason } from '../stores/delivery-store.js'

/** The type of the event a producer publishes when it ends a subscription. */
export const SUBSCRIPTION_ENDED_TYPE = 'tech.collaborative.subscription.ended'

/** Options of {@link createSubscriptionEndedEvent}. */
export interface SubscriptionEndedEventOptions {
  /** The producer: its origin (the event's `source`) and the name it shows. */
  readonly producer: { readonly id: string; readonly name: string }
  /**
   * The public URL of the producer's subscriptions endpoint: the ended subscription's IRI is
   * `<subscriptions>/<id>`, where its subscriber reads it.
   */
  readonly subscriptions: string
}

const REASONS: Readonly<Record<SubscriptionEndReason, string>> = {
  gone: 'its inbox answered 410 Gone',
  expired: 'it expired',
  uninstalled: "the tool's installation in the group ended",
  failing: 'every delivery to it failed for 5 days',
}

/** A deterministic event id: ending a subscription twice publishes one event. */
const eventId = (subscription: Subscription): string => {
  const id = `subscription-ended.${subscription.id}`
  return /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(id)
    ? id
    : `subscription-ended.${encodeURIComponent(subscription.id).replace(/[^A-Za-z0-9._:-]/g, '-')}`.slice(
        0,
        128,
      )
}

/**
 * Creates the `tech.collaborative.subscription.ended` event that says a producer ended a tool's
 * subscription to a group's events, and why (`endReason`: `gone`, `expired`, `uninstalled`,
 * `failing`). It belongs to the group: the producer publishes it into the group's feed and to the
 * group's other subscriptions that take it, never to the ended subscription itself. Its id is
 * derived from the subscription's, so ending a subscription twice (two workers, a crash between
 * ending and publishing) publishes one event.
 *
 * @param subscription The subscription, as it was ended (`ended` and `reason` set).
 * @param options The producer and its subscriptions endpoint.
 * @returns The frozen, schema-valid event, to sign and publish.
 * @throws {TypeError} When the subscription has not ended (no `ended` or `reason`).
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate (an `id` or a
 *   URL that is not an IRI).
 * @example
 * ```ts
 * declare const ended: import('@cta-interop/sdk').Subscription // as the store returned it
 * const event = createSubscriptionEndedEvent(ended, {
 *   producer: { id: 'https://decisions.example', name: 'Decisions' },
 *   subscriptions: 'https://decisions.example/cta/subscriptions',
 * })
 * await publishEvent(await signEvent(event, key), { store })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#DLV-SUB-013 Spec: DLV-SUB-013}
 */
export function createSubscriptionEndedEvent(
  subscription: Subscription,
  options: SubscriptionEndedEventOptions,
): Event {
  const { ended, reason } = subscription
  if (subscription.status !== 'ended' || ended === undefined || reason === undefined) {
    throw new TypeError('the subscription has not ended')
  }
  const iri = `${options.subscriptions.replace(/\/+$/, '')}/${encodeURIComponent(subscription.id)}`
  return createEvent(
    SUBSCRIPTION_ENDED_TYPE,
    {
      type: 'Remove',
      actor: { id: options.producer.id, type: 'Application', name: options.producer.name },
      object: {
        id: iri,
        type: 'Subscription',
        attributedTo: subscription.subscriber,
        endTime: ended,
      },
      target: subscription.group,
      endReason: reason,
      summary: `${options.producer.name} stopped delivering the group's events to ${subscription.subscriber}: ${REASONS[reason]}`,
      published: ended,
      url: iri,
      audience: subscription.group,
    } as never,
    { source: options.producer.id, id: eventId(subscription) },
  )
}
