import { isProtocolError, type AnyProtocolError } from '../errors.js'
import { verifyEvent, type VerifyEventOptions, type VerifyEventResult } from './verify-event.js'

/** Options of {@link verifyEvents}. */
export interface VerifyEventsOptions extends VerifyEventOptions {
  /** Most verifications in flight at once. Default 64. */
  readonly concurrency?: number
}

/** The outcome for one event of a batch: accepted, or rejected with its protocol error. */
export type VerifyEventsItem =
  | ({ readonly ok: true } & VerifyEventResult)
  | { readonly ok: false; readonly error: AnyProtocolError }

/**
 * Verifies many signed events with bounded concurrency, so signature checks run on every core
 * while the rest of the work stays on this thread. Each event gets the same checks as
 * {@link verifyEvent}; one bad event does not stop the others.
 *
 * @param batch Compact JWS strings, for example a page of a feed.
 * @param options The options of {@link verifyEvent}, and `concurrency`.
 * @returns One outcome per input, in input order.
 * @throws {TypeError} When an input is not a string, or `concurrency` is not a positive integer.
 * @example
 * ```ts
 * const outcomes = await verifyEvents(page.items, { resolveKey, dedupe })
 * for (const o of outcomes) if (o.ok) notifications.add(o.event)
 * ```
 * @see {@link https://w3id.org/cta/spec/events#verifying Spec: verifying events}
 */
export async function verifyEvents(
  batch: readonly string[],
  options: VerifyEventsOptions,
): Promise<VerifyEventsItem[]> {
  const concurrency = options.concurrency ?? 64
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError('concurrency must be a positive integer')
  }
  const out = new Array<VerifyEventsItem>(batch.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < batch.length) {
      const i = next++
      try {
        out[i] = { ok: true, ...(await verifyEvent(batch[i] as string, options)) }
      } catch (err) {
        if (!isProtocolError(err)) throw err
        out[i] = { ok: false, error: err }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker))
  return out
}
