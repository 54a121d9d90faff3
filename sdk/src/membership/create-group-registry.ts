import { createEvent } from '../events/create-event.js'
import { signEvent } from '../events/sign-event.js'
import { uuidv7 } from '../internal/uuidv7.js'
import type { SigningKey } from '../keys/signing-key.js'
import type {
  ActorRef,
  CoreRole,
  EmbeddedMembership,
  Event,
  Group,
  MemberRef,
  ToolInstallation,
} from '../schemas/index.js'
import { CONTEXT } from '../constants.js'
import { assertValid } from '../validate/validate-document.js'
import type { MembershipStore } from './membership-store.js'
import { thinMembershipActivity } from '../privacy/thin-membership-activity.js'

/** Options of {@link createGroupRegistry}. */
export interface GroupRegistryOptions {
  /** Where the authority keeps its groups; each change is written here before it is announced. */
  readonly store: MembershipStore
  /** The authority's tool origin: the `source` of the events, the `id` of its tool manifest. */
  readonly source: string
  /** The authority's event signing key (`kid` `<source>#…`, published in its tool manifest). */
  readonly key: SigningKey
  /**
   * Receives every signed event with the event itself, after the change is stored: hand both to
   * the outbox (`publishEvent`) so subscribers get them. If it throws, the change stays stored and
   * the call rejects with that error; the caller announces it again.
   */
  readonly emit: (jws: string, event: Event) => Promise<void> | void
  /** Who acts when a call names no `actor`: default the authority itself, as an `Application`. */
  readonly actor?: ActorRef
  /** "Now", for tests. */
  readonly now?: () => Date
}

/** Who made a change, when it was not the member themselves. */
export interface ActorOptions {
  /** The person or tool that made the change. */
  readonly actor?: ActorRef
}

/** Options of {@link GroupRegistry.join}. */
export interface JoinOptions extends ActorOptions {
  /** The group's role IRIs the membership holds. */
  readonly role: readonly string[]
  /** The highest core role those roles grant. */
  readonly coreRole: CoreRole
  /** The membership's IRI. Default `<group memberships>/<UUIDv7>`. */
  readonly id?: string
}

/** A change of roles or status: what {@link GroupRegistry.update} takes. */
export interface MembershipChanges {
  readonly role?: readonly string[]
  readonly coreRole?: CoreRole
  /** `suspended` pauses access (tools must act on it); `active` resumes it. */
  readonly status?: 'active' | 'suspended'
}

/** The installation of a tool in a group, as {@link GroupRegistry.connectTool} takes it. */
export type NewInstallation = Omit<
  ToolInstallation,
  '@context' | 'type' | 'installationStatus' | 'published'
>

/**
 * The authority's writes to memberships and tool installations. Each stores the change, then
 * emits the signed event that announces it (`tech.collaborative.membership.joined`, `.updated`,
 * `.left`, `.removed`, `tech.collaborative.group.tool.connected`, `.disconnected`).
 */
export interface GroupRegistry {
  /** A person joins a group (or, with `actor`, is added to it): an active membership. */
  join(group: string, member: MemberRef, options: JoinOptions): Promise<EmbeddedMembership>
  /** Changes a membership's roles or status. */
  update(
    group: string,
    member: string,
    changes: MembershipChanges,
    options?: ActorOptions,
  ): Promise<EmbeddedMembership>
  /** A member leaves a group. */
  leave(group: string, member: string): Promise<EmbeddedMembership>
  /** A member is removed from a group. */
  remove(group: string, member: string, options?: ActorOptions): Promise<EmbeddedMembership>
  /** A group starts using a tool. */
  connectTool(installation: NewInstallation, options?: ActorOptions): Promise<ToolInstallation>
  /** A group stops using a tool. */
  disconnectTool(group: string, tool: string, options?: ActorOptions): Promise<ToolInstallation>
}

const ENDED = new Set(['left', 'removed'])
const SUMMARY_MAX = 280
const summary = (text: string): string =>
  text.length <= SUMMARY_MAX ? text : `${text.slice(0, SUMMARY_MAX - 1)}…`
const nameOf = (member: MemberRef): string => member.name ?? 'A member'
const asActor = (member: MemberRef): ActorRef => ({
  id: member.id,
  type: 'Person',
  name: nameOf(member),
})

/**
 * Creates the authority's registry of memberships and tool installations: every write goes to the
 * store first and is then announced as a signed event through `emit`. Memberships that end keep
 * their record (status `left` or `removed`, with an `endTime`), so tools syncing the roster learn
 * of the end. Unless the group's `rosterVisibility` is `public`, membership events name no one:
 * the member by IRI only, the authority as the actor, a summary without names (PRV-EVT-001).
 *
 * @param options `store`, `source`, `key` and `emit` (all required), `actor`, `now`.
 * @returns The {@link GroupRegistry}.
 * @throws {TypeError} (from its methods) When the group is unknown, a join finds the person
 *   already active, or a change finds no membership or installation: bugs in the caller.
 * @throws {SchemaInvalid} (from its methods) `ERR_SCHEMA_INVALID` when the membership or
 *   installation would not validate.
 * @example
 * ```ts
 * declare const outbox: { add(jws: string): Promise<void> }
 * const registry = createGroupRegistry({ store, source: 'https://decisions.example', key, emit: (jws) => outbox.add(jws) })
 * await registry.join(group.id, { id: 'https://decisions.example/u/aroha', type: 'Person', name: 'Aroha' },
 *   { role: [`${group.id}/roles/member`], coreRole: 'member' })
 * await registry.remove(group.id, 'https://decisions.example/u/aroha')
 * ```
 * @see {@link https://w3id.org/cta/spec/membership#membership-events Spec: membership events}
 */
export function createGroupRegistry(options: GroupRegistryOptions): GroupRegistry {
  const { store, source, key, emit } = options
  const authority: ActorRef = options.actor ?? {
    id: source,
    type: 'Application',
    name: URL.canParse(source) ? new URL(source).host : source,
  }
  const now = (): string => {
    const t = (options.now?.() ?? new Date()).getTime()
    return new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z')
  }
  const groupOf = async (id: string): Promise<Group> => {
    const group = await store.getGroup(id)
    if (group === undefined) throw new TypeError(`unknown group: ${id}`)
    return group
  }
  const membershipOf = async (group: string, member: string): Promise<EmbeddedMembership> => {
    const membership = await store.getMembership(group, member)
    if (membership === undefined || ENDED.has(membership.membershipStatus)) {
      throw new TypeError(`no current membership of ${member} in ${group}`)
    }
    return membership
  }
  /** Signs and emits the event of a change: the activity, plus what every activity carries. */
  const announce = async (
    type: string,
    group: Group,
    activity: Record<string, unknown> & { summary: string; published: string },
    subject: string,
    sequence?: number,
  ): Promise<void> => {
    // A roster that is not public: the event names no one (PRV-EVT-001).
    const announced = thinMembershipActivity(type, group, activity, authority)
    const data = {
      ...announced,
      summary: summary(announced.summary),
      url: group.url ?? group.id,
      audience: group.id,
    }
    const event = createEvent(type, data as never, {
      source,
      subject,
      ...(sequence === undefined ? {} : { sequence: String(sequence).padStart(20, '0') }),
    })
    await emit(await signEvent(event, key), event)
  }
  const save = async (membership: EmbeddedMembership): Promise<number> =>
    store.putMembership(assertValid(membership, { kind: 'EmbeddedMembership' }))

  return {
    async join(groupId, member, joinOptions) {
      const group = await groupOf(groupId)
      const existing = await store.getMembership(group.id, member.id)
      if (existing !== undefined && !ENDED.has(existing.membershipStatus)) {
        throw new TypeError(`${member.id} already has a membership of ${group.id}`)
      }
      const published = now()
      const membership: EmbeddedMembership = {
        id: joinOptions.id ?? `${group.memberships}/${uuidv7()}`,
        type: 'Membership',
        member,
        organization: group.id,
        role: [...joinOptions.role],
        coreRole: joinOptions.coreRole,
        membershipStatus: 'active',
        startTime: published,
      }
      const sequence = await save(membership)
      const { actor } = joinOptions
      await announce(
        'tech.collaborative.membership.joined',
        group,
        {
          type: actor === undefined ? 'Join' : 'Add',
          actor: actor ?? asActor(member),
          object: actor === undefined ? group.id : member,
          result: membership,
          summary:
            actor === undefined
              ? `${nameOf(member)} joined ${group.name}`
              : `${actor.name} added ${nameOf(member)} to ${group.name}`,
          published,
        },
        membership.id,
        sequence,
      )
      return membership
    },

    async update(groupId, member, changes, actorOptions = {}) {
      const group = await groupOf(groupId)
      const current = await membershipOf(group.id, member)
      const published = now()
      const membership: EmbeddedMembership = {
        ...current,
        role: [...(changes.role ?? current.role)],
        coreRole: changes.coreRole ?? current.coreRole,
        membershipStatus: changes.status ?? current.membershipStatus,
        updated: published,
      }
      const sequence = await save(membership)
      const actor = actorOptions.actor ?? authority
      await announce(
        'tech.collaborative.membership.updated',
        group,
        {
          type: 'Update',
          actor,
          object: membership,
          summary: `${actor.name} changed the membership of ${nameOf(current.member)} in ${group.name}`,
          published,
        },
        membership.id,
        sequence,
      )
      return membership
    },

    async leave(groupId, member) {
      const group = await groupOf(groupId)
      const current = await membershipOf(group.id, member)
      const published = now()
      const membership: EmbeddedMembership = {
        ...current,
        membershipStatus: 'left',
        endTime: published,
      }
      const sequence = await save(membership)
      await announce(
        'tech.collaborative.membership.left',
        group,
        {
          type: 'Leave',
          actor: asActor(current.member),
          object: group.id,
          result: membership,
          summary: `${nameOf(current.member)} left ${group.name}`,
          published,
        },
        membership.id,
        sequence,
      )
      return membership
    },

    async remove(groupId, member, actorOptions = {}) {
      const group = await groupOf(groupId)
      const current = await membershipOf(group.id, member)
      const published = now()
      const membership: EmbeddedMembership = {
        ...current,
        membershipStatus: 'removed',
        endTime: published,
      }
      const sequence = await save(membership)
      const actor = actorOptions.actor ?? authority
      await announce(
        'tech.collaborative.membership.removed',
        group,
        {
          type: 'Remove',
          actor,
          object: current.member,
          target: group.id,
          result: membership,
          summary: `${actor.name} removed ${nameOf(current.member)} from ${group.name}`,
          published,
        },
        membership.id,
        sequence,
      )
      return membership
    },

    async connectTool(input, actorOptions = {}) {
      const group = await groupOf(input.organization)
      const published = now()
      const installation = assertValid(
        {
          '@context': [...CONTEXT],
          ...input,
          type: 'ToolInstallation',
          published,
          installationStatus: 'active',
        },
        { kind: 'ToolInstallation' },
      )
      await store.putInstallation(installation)
      const actor = actorOptions.actor ?? authority
      const { '@context': _context, ...object } = installation
      await announce(
        'tech.collaborative.group.tool.connected',
        group,
        {
          type: 'Add',
          actor,
          object,
          target: group.id,
          summary: `${actor.name} connected ${installation.tool} to ${group.name}`,
          published,
        },
        installation.id,
      )
      return installation
    },

    async disconnectTool(groupId, tool, actorOptions = {}) {
      const group = await groupOf(groupId)
      const current = await store.getInstallation(group.id, tool)
      if (current === undefined || current.installationStatus === 'removed') {
        throw new TypeError(`${tool} is not installed in ${group.id}`)
      }
      const installation: ToolInstallation = { ...current, installationStatus: 'removed' }
      await store.putInstallation(installation)
      const actor = actorOptions.actor ?? authority
      const { '@context': _context, ...object } = installation
      await announce(
        'tech.collaborative.group.tool.disconnected',
        group,
        {
          type: 'Remove',
          actor,
          object,
          target: group.id,
          summary: `${actor.name} disconnected ${tool} from ${group.name}`,
          published: now(),
        },
        installation.id,
      )
      return installation
    },
  }
}
