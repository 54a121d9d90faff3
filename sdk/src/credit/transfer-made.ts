import type { EventOf, Transfer } from '../schemas/index.js'
import { isRecord } from '../intents/internal/activity.js'
import { embed, profileEvent, type ProfileEventOptions } from './internal/events.js'

/**
 * Creates the `tech.collaborative.transfer.made` event of an accepted mutual credit transfer: a
 * `Create` activity whose object is the transfer. Never build one for a transfer that
 * {@link computeBalances} refused: a refused transfer is not emitted (MCR-EVT-001).
 *
 * @param transfer The transfer document.
 * @param options `source` and `actor` (required), and optional overrides. `published` defaults to
 *   the transfer's `hasPointInTime`; `url` to its `id`.
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {TypeError} When `transfer` or `options` is missing.
 * @example
 * ```ts
 * import { transferMade } from '@cta-interop/sdk'
 * const event = transferMade(transfer, {
 *   source: 'https://credit.example',
 *   actor: { id: 'https://decisions.example/u/aroha', type: 'Person', name: 'Aroha' },
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/mutual-credit#MCR-EVT-001 Spec: MCR-EVT-001}
 */
export function transferMade(
  transfer: Transfer,
  options: ProfileEventOptions,
): EventOf<'tech.collaborative.transfer.made'> {
  if (!isRecord(transfer)) throw new TypeError('transfer must be a Transfer document')
  if (!isRecord(options)) throw new TypeError('options with source and actor are required')
  return profileEvent(
    'tech.collaborative.transfer.made',
    { type: 'Create', object: embed(transfer) },
    {
      summary: `${options.actor.name} transferred ${transfer.resourceQuantity.hasNumericalValue}`,
      url: transfer.id,
      published: transfer.hasPointInTime,
      audience: transfer.audience,
    },
    options,
  )
}
