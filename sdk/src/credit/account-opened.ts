import type { Account, EventOf } from '../schemas/index.js'
import { isRecord } from '../intents/internal/activity.js'
import { embed, profileEvent, type ProfileEventOptions } from './internal/events.js'

/**
 * Creates the `tech.collaborative.account.opened` event of a mutual credit account: a `Create`
 * activity whose object is the account.
 *
 * @param account The account document.
 * @param options `source` and `actor` (required), and optional overrides. `published` defaults to
 *   the account's `published`; `url` to its `id`.
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {TypeError} When `account` or `options` is missing.
 * @example
 * ```ts
 * import { accountOpened } from '@cta-interop/sdk'
 * const event = accountOpened(account, {
 *   source: 'https://credit.example',
 *   actor: { id: 'https://decisions.example/u/aroha', type: 'Person', name: 'Aroha' },
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/mutual-credit#MCR-EVT-001 Spec: MCR-EVT-001}
 */
export function accountOpened(
  account: Account,
  options: ProfileEventOptions,
): EventOf<'tech.collaborative.account.opened'> {
  if (!isRecord(account)) throw new TypeError('account must be an Account document')
  if (!isRecord(options)) throw new TypeError('options with source and actor are required')
  return profileEvent(
    'tech.collaborative.account.opened',
    { type: 'Create', object: embed(account) },
    {
      summary: `${options.actor.name} opened a mutual credit account`,
      url: account.id,
      published: account.published,
      audience: account.audience,
    },
    options,
  )
}
