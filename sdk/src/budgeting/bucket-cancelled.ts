import type { Bucket, EventOf } from '../schemas/index.js'
import { isRecord } from '../intents/internal/activity.js'
import { budgetEvent, embed, type BudgetEventOptions } from './internal/events.js'

/**
 * Creates the `tech.collaborative.bucket.cancelled` event of a bucket: an `Update` activity whose object is the bucket with `bucketStatus: "cancelled"`. Each refund has its own `contribution.refunded` event.
 *
 * @param bucket The bucket document.
 * @param options `source` and `actor` (required), and optional overrides. `published` defaults to the bucket's `updated`, else its `published`.
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {TypeError} When `bucket` or `options` is missing.
 * @example
 * ```ts
 * import { bucketCancelled } from '@cta-interop/sdk'
 * const event = bucketCancelled(bucket, {
 *   source: 'https://budgeting.example',
 *   actor: { id: 'https://decisions.example/u/tomas', type: 'Person', name: 'Tomás' },
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/budgeting#BUD-CANC-001 Spec: BUD-CANC-001}
 */
export function bucketCancelled(
  bucket: Bucket,
  options: BudgetEventOptions,
): EventOf<'tech.collaborative.bucket.cancelled'> {
  if (!isRecord(bucket)) {
    throw new TypeError('bucket must be a Bucket document')
  }
  return budgetEvent(
    'tech.collaborative.bucket.cancelled',
    { type: 'Update', object: { ...embed(bucket), bucketStatus: 'cancelled' } },
    {
      summary: `${options.actor.name} cancelled the bucket ${bucket.name}; every contribution is refunded`,
      url: bucket.url ?? bucket.id,
      published: bucket.updated ?? bucket.published,
      audience: bucket.audience,
    },
    options,
  )
}
