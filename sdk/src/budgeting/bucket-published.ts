import type { Bucket, EventOf } from '../schemas/index.js'
import { isRecord } from '../intents/internal/activity.js'
import { budgetEvent, embed, type BudgetEventOptions } from './internal/events.js'

/**
 * Creates the `tech.collaborative.bucket.published` event of a bucket: a `Create` activity whose object is the bucket.
 *
 * @param bucket The bucket document.
 * @param options `source` and `actor` (required), and optional overrides. `published` defaults to the bucket's `published`.
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {TypeError} When `bucket` or `options` is missing.
 * @example
 * ```ts
 * import { bucketPublished } from '@cta-interop/sdk'
 * const event = bucketPublished(bucket, {
 *   source: 'https://budgeting.example',
 *   actor: { id: 'https://decisions.example/u/tomas', type: 'Person', name: 'Tomás' },
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/budgeting#BUD-EVT-001 Spec: BUD-EVT-001}
 */
export function bucketPublished(
  bucket: Bucket,
  options: BudgetEventOptions,
): EventOf<'tech.collaborative.bucket.published'> {
  if (!isRecord(bucket)) {
    throw new TypeError('bucket must be a Bucket document')
  }
  return budgetEvent(
    'tech.collaborative.bucket.published',
    { type: 'Create', object: embed(bucket) },
    {
      summary: `${options.actor.name} published the bucket ${bucket.name}`,
      url: bucket.url ?? bucket.id,
      published: bucket.published,
      audience: bucket.audience,
    },
    options,
  )
}
