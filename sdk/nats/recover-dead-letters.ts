import type { JetStreamDeliveryStore } from './create-jetstream-delivery-store.js'

/** Options of {@link recoverDeadLetters}. */
export interface RecoverDeadLettersOptions {
  readonly store: JetStreamDeliveryStore
  /** The subscription whose dead letters are sent again. */
  readonly subscriptionId: string
  /** Only deliveries dead-lettered at or after this time. */
  readonly since: Date
  /** When the new attempts are due. Default now. */
  readonly at?: Date
}

/**
 * Sends again everything dead-lettered for a subscription since a time, each as a fresh delivery
 * (Svix calls this "recover"): for an operator whose subscriber was down longer than the retry
 * horizon. Deliveries redelivered or cancelled since are left alone. From the command line:
 * `cta resend --dead-since <date>`.
 *
 * @param options The store, the subscription and the start time.
 * @returns How many deliveries were queued again.
 * @example
 * ```ts
 * await recoverDeadLetters({ store, subscriptionId: 'sub-7', since: new Date('2026-12-01T00:00:00Z') })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#outbox Spec: the outbox}
 */
export function recoverDeadLetters(options: RecoverDeadLettersOptions): Promise<number> {
  return options.store.recover({
    subscriptionId: options.subscriptionId,
    since: options.since,
    at: options.at ?? new Date(),
  })
}
