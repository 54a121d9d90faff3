import type { Bucket, EventOf } from '../schemas/index.js'
import { isRecord } from '../intents/internal/activity.js'
import { budgetEvent, embed, type BudgetEventOptions } from './internal/events.js'

/**
 * Creates the `tech.collaborative.bucket.funded` event of a bucket that reached its minimum goal: an `Update` activity whose object is the bucket with `bucketStatus: "funded"`.
 *
 * @param bucket The bucket document.
 * @param options `source` and `actor` (required), and optional overrides. `published` defaults to the bucket's `updated`, else its `published`; pass the `fundedAt` of {@link computeRound}.
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {TypeError} When `bucket` or `options` is missing.
 * @example
 * ```ts
 * import { bucketFunded } from '@cta-interop/sdk'
 * const event = bucketFunded(bucket, {
 *   source: 'https://budgeting.example',
 *   actor: { id: 'https://decisions.example/u/tomas', type: 'Person', name: 'Tomás' },
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/budgeting#BUD-FUND-001 Spec: BUD-FUND-001}
 */
export function bucketFunded(
  bucket: Bucket,
  options: BudgetEventOptions,
): EventOf<'tech.collaborative.bucket.funded'> {
  if (!isRecord(bucket)) {
    throw new TypeError('bucket must be a Bucket document')
  }
  return budgetEvent(
    'tech.collaborative.bucket.funded',
    { type: 'Update', object: { ...embed(bucket), bucketStatus: 'funded' } },
    {
      summary: `${bucket.name} reached its goal of ${bucket.minGoal}`,
      url: bucket.url ?? bucket.id,
      published: bucket.updated ?? bucket.published,
      audience: bucket.audience,
    },
    options,
  )
}
