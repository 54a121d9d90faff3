import { Type, type Static } from '@sinclair/typebox'
import {
  DateTime,
  Document,
  Image,
  Iri,
  IriList,
  LIMITS,
  MemberRef,
  Name,
  StringEnum,
  Summary,
  Token,
  schemaId,
  Ref,
  Link,
  NameMap,
  SummaryMap,
} from './common.js'

/** How people join a group. */
export const JoinPolicy = StringEnum(['open', 'approval', 'invitation'] as const)
/** Who can find a group. */
export const GroupVisibility = StringEnum(['public', 'unlisted', 'secret'] as const)
/** Who may read a group's roster. */
export const RosterVisibility = StringEnum(['public', 'members', 'admins'] as const)
/** The generic role every tool understands; a group's own roles map onto one of these. */
export const CoreRole = StringEnum(['guest', 'member', 'moderator', 'admin'] as const)
export type CoreRole = Static<typeof CoreRole>
/** What a role lets a member do; tools map these to local rights and ignore unknown ones. */
export const Permission = StringEnum([
  'read',
  'participate',
  'propose',
  'manageMembers',
  'manageTools',
  'administer',
] as const)
export type Permission = Static<typeof Permission>
/** Where a membership stands. */
export const MembershipStatus = StringEnum([
  'requested',
  'invited',
  'active',
  'suspended',
  'left',
  'removed',
] as const)
export type MembershipStatus = Static<typeof MembershipStatus>
/** Where a tool installation stands. */
export const InstallationStatus = StringEnum(['active', 'suspended', 'removed'] as const)

/**
 * A group, served by its authority: an AS2 `Group` plus who holds it and how it is governed.
 * @see {@link https://w3id.org/cta/spec/documents#group Spec: Group}
 */
export const Group = Document(
  'group',
  {
    id: Iri,
    type: Type.Literal('Group'),
    name: Name,
    nameMap: Type.Optional(NameMap),
    summary: Type.Optional(Summary),
    summaryMap: Type.Optional(SummaryMap),
    url: Type.Optional(Link),
    icon: Type.Optional(Ref(Image)),
    published: Type.Optional(DateTime),
    updated: Type.Optional(DateTime),
    authority: Iri,
    joinPolicy: JoinPolicy,
    visibility: GroupVisibility,
    rosterVisibility: RosterVisibility,
    subOrganizationOf: Type.Optional(Iri),
    alsoKnownAs: Type.Optional(IriList(LIMITS.shortList)),
    roles: Type.Optional(Iri),
    memberships: Iri,
    tools: Iri,
  },
  {
    title: 'Group',
    description:
      'A group held by its authority (an OpenID Provider), with its policies and endpoints.',
  },
)
export type Group = Static<typeof Group>

/**
 * A role defined by one group, mapped onto a core role and a set of permissions.
 * @see {@link https://w3id.org/cta/spec/documents#role Spec: Role}
 */
export const Role = Document(
  'role',
  {
    id: Iri,
    type: Type.Literal('Role'),
    name: Name,
    nameMap: Type.Optional(NameMap),
    organization: Iri,
    coreRole: CoreRole,
    permission: Type.Array(Permission, { maxItems: LIMITS.shortList, uniqueItems: true }),
  },
  { title: 'Role', description: "A group's own role, mapped onto a core role and permissions." },
)
export type Role = Static<typeof Role>

const membershipProperties = {
  id: Iri,
  type: Type.Literal('Membership'),
  member: Ref(MemberRef),
  organization: Iri,
  role: Type.Array(Iri, { minItems: 1, maxItems: LIMITS.shortList, uniqueItems: true }),
  coreRole: CoreRole,
  membershipStatus: MembershipStatus,
  startTime: Type.Optional(DateTime),
  endTime: Type.Optional(DateTime),
  updated: Type.Optional(DateTime),
}

/** A membership embedded in another document (a roster page, an event): no `@context`. */
export const EmbeddedMembership = Type.Object(membershipProperties, {
  $id: schemaId('embedded-membership'),
  additionalProperties: false,
  title: 'EmbeddedMembership',
})
export type EmbeddedMembership = Static<typeof EmbeddedMembership>

/**
 * One person's membership of one group (W3C ORG `Membership`).
 * @see {@link https://w3id.org/cta/spec/documents#membership Spec: Membership}
 */
export const Membership = Document('membership', membershipProperties, {
  title: 'Membership',
  description: "One member's membership of one group, with roles, status and period.",
})
export type Membership = Static<typeof Membership>

/**
 * One page of a group's roster, or of the differences since a cursor.
 * @see {@link https://w3id.org/cta/spec/documents#roster-page Spec: RosterPage}
 */
export const RosterPage = Document(
  'roster-page',
  {
    id: Iri,
    type: Type.Literal('RosterPage'),
    organization: Iri,
    members: Type.Array(Ref(EmbeddedMembership), { maxItems: LIMITS.page }),
    next: Type.Optional(Iri),
    differences: Iri,
  },
  {
    title: 'RosterPage',
    description:
      'A page of memberships. `next` links the following page; `differences` is the cursor for incremental sync.',
  },
)
export type RosterPage = Static<typeof RosterPage>

const toolInstallationProperties = {
  id: Iri,
  type: Type.Literal('ToolInstallation'),
  organization: Iri,
  tool: Iri,
  url: Type.Optional(Link),
  localGroup: Type.Optional(Iri),
  scopes: Type.Array(Token, { maxItems: LIMITS.shortList, uniqueItems: true }),
  installedBy: Type.Optional(Iri),
  published: DateTime,
  installationStatus: InstallationStatus,
}

/** A tool installation embedded in an event: no `@context`. */
export const EmbeddedToolInstallation = Type.Object(toolInstallationProperties, {
  $id: schemaId('embedded-tool-installation'),
  additionalProperties: false,
  title: 'EmbeddedToolInstallation',
})

/**
 * The record, kept by a group's authority, that a group uses a tool.
 * @see {@link https://w3id.org/cta/spec/documents#tool-installation Spec: ToolInstallation}
 */
export const ToolInstallation = Document('tool-installation', toolInstallationProperties, {
  title: 'ToolInstallation',
  description: "The authority's record that a group uses a tool, and what the tool may do there.",
})
export type ToolInstallation = Static<typeof ToolInstallation>
