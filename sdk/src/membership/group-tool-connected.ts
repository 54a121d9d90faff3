import { coreEvent, inconsistent, toolActor } from '../events/internal/core-event.js'
import type { EventOf, ToolInstallation } from '../schemas/index.js'
import {
  checkGroupOptions,
  embedInstallation,
  type EmbeddedInstallation,
  type MembershipEventOptions,
} from './internal/membership-event.js'

/**
 * Creates the `tech.collaborative.group.tool.connected` event of a tool installation: an `Add` of
 * the installation to the group. Receivers let the tool in (EVT-AUTHZ-002).
 *
 * @param installation The installation as it now is (`installationStatus` `active`).
 * @param options `source` and `group` (required); `actor` who connected the tool (default the
 *   `authority`, itself by default `source` as an `Application`) and optional overrides.
 * @returns The frozen, schema-valid event; its `subject` is the installation.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {ProtocolError} `ERR_EVENT_INCONSISTENT` when the installation is of another group or
 *   not `active`.
 * @throws {TypeError} When `installation` or `options` (with `source` and `group`) is missing.
 * @example
 * ```ts
 * import { groupToolConnected } from '@cta-interop/sdk'
 * const event = groupToolConnected(installation, { source: 'https://decisions.example', group })
 * ```
 * @see {@link https://w3id.org/cta/spec/membership#MEM-EVT-002 Spec: MEM-EVT-002}
 */
export function groupToolConnected(
  installation: ToolInstallation | EmbeddedInstallation,
  options: MembershipEventOptions,
): EventOf<'tech.collaborative.group.tool.connected'> {
  checkGroupOptions(options)
  const object = embedInstallation(installation)
  const { group } = options
  if (object.organization !== group.id || object.installationStatus !== 'active') {
    throw inconsistent(`a connected tool has an active installation in ${group.id}`)
  }
  const actor = options.actor ?? options.authority ?? toolActor(options.source)
  return coreEvent(
    'tech.collaborative.group.tool.connected',
    { type: 'Add', actor, object, target: group.id },
    {
      summary: `${actor.name} connected ${object.tool} to ${group.name}`,
      url: group.url ?? group.id,
      audience: group.id,
      subject: object.id,
    },
    options,
  )
}
