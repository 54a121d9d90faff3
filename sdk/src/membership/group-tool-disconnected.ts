import { coreEvent, inconsistent, toolActor } from '../events/internal/core-event.js'
import type { EventOf, ToolInstallation } from '../schemas/index.js'
import {
  checkGroupOptions,
  embedInstallation,
  type EmbeddedInstallation,
  type MembershipEventOptions,
} from './internal/membership-event.js'

/**
 * Creates the `tech.collaborative.group.tool.disconnected` event of a tool installation: a
 * `Remove` of the installation from the group. Receivers shut the tool out (EVT-AUTHZ-002).
 *
 * @param installation The installation as it now is (`installationStatus` `removed`).
 * @param options `source` and `group` (required); `actor` who disconnected the tool (default the
 *   `authority`, itself by default `source` as an `Application`) and optional overrides.
 * @returns The frozen, schema-valid event; its `subject` is the installation.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {ProtocolError} `ERR_EVENT_INCONSISTENT` when the installation is of another group or
 *   not `removed`.
 * @throws {TypeError} When `installation` or `options` (with `source` and `group`) is missing.
 * @example
 * ```ts
 * import { groupToolDisconnected } from '@cta-interop/sdk'
 * const event = groupToolDisconnected(
 *   { ...installation, installationStatus: 'removed' },
 *   { source: 'https://decisions.example', group },
 * )
 * ```
 * @see {@link https://w3id.org/cta/spec/membership#MEM-EVT-002 Spec: MEM-EVT-002}
 */
export function groupToolDisconnected(
  installation: ToolInstallation | EmbeddedInstallation,
  options: MembershipEventOptions,
): EventOf<'tech.collaborative.group.tool.disconnected'> {
  checkGroupOptions(options)
  const object = embedInstallation(installation)
  const { group } = options
  if (object.organization !== group.id || object.installationStatus !== 'removed') {
    throw inconsistent(`a disconnected tool has a removed installation in ${group.id}`)
  }
  const actor = options.actor ?? options.authority ?? toolActor(options.source)
  return coreEvent(
    'tech.collaborative.group.tool.disconnected',
    { type: 'Remove', actor, object, target: group.id },
    {
      summary: `${actor.name} disconnected ${object.tool} from ${group.name}`,
      url: group.url ?? group.id,
      audience: group.id,
      subject: object.id,
    },
    options,
  )
}
