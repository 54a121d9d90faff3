import type { Bucket, EventOf } from '../schemas/index.js'
import { isRecord } from '../intents/internal/activity.js'
import { budgetEvent, embed, type BudgetEventOptions } from './internal/events.js'

/**
 * Creates the `tech.collaborative.bucket.completed` event of a bucket whose work is done: an `Update` activity whose object is the bucket with `bucketStatus: "completed"`.
 *
 * @param bucket The bucket document.
 * @param options `source` and `actor` (required), and optional overrides. `published` defaults to the bucket's `updated`, else its `published`.
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {TypeError} When `bucket` or `options` is missing.
 * @example
 * ```ts
 * import { bucketCompleted } from '@cta-interop/sdk'
 * const event = bucketCompleted(bucket, {
 *   source: 'https://budgeting.example',
 *   actor: { id: 'https://decisions.example/u/tomas', type: 'Person', name: 'Tomás' },
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/budgeting#BUD-EVT-001 Spec: BUD-EVT-001}
 */
export function bucketCompleted(
  bucket: Bucket,
  options: BudgetEventOptions,
): EventOf<'tech.collaborative.bucket.completed'> {
  if (!isRecord(bucket)) {
    throw new TypeError('bucket must be a Bucket document')
  }
  return budgetEvent(
    'tech.collaborative.bucket.completed',
    { type: 'Update', object: { ...embed(bucket), bucketStatus: 'completed' } },
    {
      summary: `${options.actor.name} marked the bucket ${bucket.name} completed`,
      url: bucket.url ?? bucket.id,
      published: bucket.updated ?? bucket.published,
      audience: bucket.audience,
    },
    options,
  )
}
