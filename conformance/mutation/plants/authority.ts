/**
 * Faults planted in the group authority that Decisions runs (the SDK's authority plugin, its group
 * registry and its group endpoints, edited in a copy of `sdk/dist`): each turns at least one live
 * case of the group-authority profile red.
 */
import type { Plant } from '../plant.js'

const at = (id: string, bug: string, requirements: string[], find: string, replace: string) =>
  ({
    id: `group-authority.${id}`,
    bug,
    requirements,
    tool: 'decisions',
    profiles: ['group-authority'],
    plant: { sdk: { find, replace } },
  }) satisfies Plant

export const PLANTS: readonly Plant[] = [
  // Caught by live.group-authority.announces-membership-changes.
  at(
    'removal-not-announced',
    'A removal returns as soon as it is stored: the membership.removed event is never emitted.',
    ['MEM-EVT-001'],
    'const actor = actorOptions.actor ?? authority;\n      await announce(\n        "tech.collaborative.membership.removed",',
    'const actor = actorOptions.actor ?? authority;\n      return membership;\n      await announce(\n        "tech.collaborative.membership.removed",',
  ),
  // Caught by live.group-authority.announces-membership-changes.
  at(
    'events-without-sequence',
    'Membership events are announced without the change number as sequence.',
    ['MEM-EVT-001'],
    '...sequence === void 0 ? {} : { sequence: String(sequence).padStart(20, "0") }',
    '...{}',
  ),
  // Caught by live.group-authority.announces-tool-changes.
  at(
    'disconnect-not-announced',
    'Disconnecting a tool ends its installation but never emits group.tool.disconnected.',
    ['MEM-EVT-002'],
    '      await announce(\n        "tech.collaborative.group.tool.disconnected",',
    '      return installation;\n      await announce(\n        "tech.collaborative.group.tool.disconnected",',
  ),
  // Caught by live.group-authority.announces-tool-changes and .exchange-not-installed.
  at(
    'disconnect-not-stored',
    'Disconnecting a tool announces group.tool.disconnected but never stores the ended installation.',
    ['MEM-EVT-002', 'AUTH-TX-002'],
    'const installation = { ...current, installationStatus: "removed" };\n      await store.putInstallation(installation);',
    'const installation = { ...current, installationStatus: "removed" };',
  ),
  // Caught by live.group-authority.roster-not-installed.
  at(
    'roster-ignores-installation',
    'A roster whose visibility is members is served to any authenticated tool, installed or not.',
    ['MEM-ROS-002'],
    'if (owner.rosterVisibility !== "public" && !await installed(owner, tool)) {',
    'if (owner.rosterVisibility === "admins" && !await installed(owner, tool)) {',
  ),
  // Caught by live.group-authority.roster-not-installed and .announces-tool-changes.
  at(
    'tools-ignores-installation',
    'The installations are served to any authenticated tool, installed or not.',
    ['MEM-INS-001'],
    'const tool = await requireTool(request);\n      if (!await installed(owner, tool)) {',
    'const tool = await requireTool(request);\n      if (tool === "") {',
  ),
  // Caught by live.group-authority.roster-needs-tool-token.
  at(
    'roster-token-any-scope',
    'The group endpoints accept any client-credentials token, with or without cta:roster.',
    ['MEM-ROS-001'],
    'if (!(token.scope ?? "").split(" ").includes(ROSTER_SCOPE)) {',
    'if (token.scope === "cta:none") {',
  ),
  // Caught by live.group-authority.roster-pages.
  at(
    'roster-lists-ended',
    'A full roster read lists ended memberships (left, removed) with the current ones.',
    ['MEM-ROS-003'],
    '{ after, limit, current: true }',
    '{ after, limit, current: false }',
  ),
  // Caught by live.group-authority.roster-differences.
  at(
    'differences-skip-ended',
    'A differences read returns only current memberships, so a tool never learns of a removal.',
    ['MEM-SYNC-001'],
    'after: query.since,\n        limit,\n        current: false',
    'after: query.since,\n        limit,\n        current: true',
  ),
  // Caught by live.group-authority.exchange-undisclosed-group.
  at(
    'exchange-ignores-grant-group',
    'Token exchange issues an assertion for any group the tool is installed in, whatever group the grant disclosed.',
    ['AUTH-TX-002'],
    'if (grant === void 0 || groupOfGrant(grant) !== group) {',
    'if (grant === void 0) {',
  ),
  // Caught by live.group-authority.exchange-not-installed.
  at(
    'exchange-ignores-installation',
    'Token exchange never checks that the requesting tool is still installed in the group.',
    ['AUTH-TX-002'],
    'if ((await store.getInstallation(group, clientId))?.installationStatus !== "active") {',
    'if ((await store.getInstallation(group, clientId)) === null) {',
  ),
  // Caught by live.group-authority.sign-in-not-installed.
  at(
    'consent-ignores-installation',
    'Consent is given to any registered client, whether or not the group installed its tool.',
    ['AUTH-SIN-003'],
    '        if (installation?.installationStatus !== "active") {',
    '        if (installation?.installationStatus === "removed") {',
  ),
  // Caught by live.group-authority.assertion-discloses-only-consented.
  at(
    'assertion-always-named',
    'Assertions carry the member’s name whether or not the profile scope was consented.',
    ['AUTH-ASN-002'],
    'scopes.includes("profile") ? subject : withoutName,',
    'subject,',
  ),
  // Caught by live.group-authority.token-exchange.
  at(
    'assertion-audience-array',
    'Assertions name their audience as an array (several audiences allowed), not as one string.',
    ['DOC-ASN-001', 'AUTH-ASN-001'],
    '    aud: options.audience,\n    client_id: options.audience,',
    '    aud: [options.audience],\n    client_id: options.audience,',
  ),
  // Caught by live.group-authority.membership-events-name-no-one.
  at(
    'membership-events-named',
    'Membership events of a members-only roster name the member, the admin who acted and both in the summary, as for a public roster.',
    ['PRV-EVT-001'],
    'const announced = thinMembershipActivity(type, group, activity, authority);',
    'const announced = activity;',
  ),
  // Caught by live.group-authority.install-pending-replay.
  at(
    'install-replay-accepted',
    'The authority forgets install statements it has seen: a replayed statement opens a second request.',
    ['AUTH-INST-003'],
    'if (until !== void 0 && until + 60 > now) {',
    'if (false) {',
  ),
  // Caught by live.group-authority.install-hostile-metadata.
  at(
    'install-redirect-elsewhere',
    'The authority takes redirect URIs on any origin from an install statement.',
    ['AUTH-INST-003'],
    'if (originOf(uri) !== iss || new URL(uri).hash !== "") {',
    'if (new URL(uri).hash !== "") {',
  ),
  // Caught by live.group-authority.export-assertion-for-uninstalled-tool.
  at(
    'export-audience-any-tool',
    'With cta:export, token exchange issues an assertion for any audience, installed in the group or not.',
    ['EXP-AUTH-003'],
    'if (audience !== clientId && audience !== provider.issuer && (await store.getInstallation(group, audience))?.installationStatus !== "active") {',
    'if (false) {',
  ),
]
