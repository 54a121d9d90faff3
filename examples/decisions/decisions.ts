// A Loomio-like decisions tool: it holds the group and its members (it is the group's authority, an
// OpenID Provider on its own origin: see authority.ts), and members decide in polls held as the
// decisions profile's documents (polls.ts): options, stances, the tally when a poll closes, and an
// outcome that says what it decides (an amount to fund, a task), which other tools act on as data.
import {
  CONTEXT,
  ProtocolError,
  createMemoryMembershipStore,
  type CoreRole,
  type Decides,
  type Group,
  type Outcome,
  type StanceChoice,
  type Tally,
} from '@cta-interop/sdk'
import { ControlUnsupportedError, createControlHandler } from '@cta-interop/sdk/node'
import { startProducer, type Producer } from '../src/producer.js'
import { exportRoute } from '../src/export-endpoint.js'
import { decisionsDocuments } from '../src/export-documents.js'
import { createDecisionsPages } from './pages.js'
import { startAuthority } from './authority.js'
import { createInstallRequestPages, type InstallDecision } from './install-requests.js'
import { createPollBook, type OpenPollOptions, type PollRecord } from './polls.js'

export const DECISIONS_EMITS = [
  // The conformance suite asks the tool to emit the first two alone (`emit` with their type), so
  // these come first: each is one event on its own.
  'tech.collaborative.poll.opened',
  // From the authority plugin's registry (join, remove, connectTool, disconnectTool), through this
  // tool's outbox.
  'tech.collaborative.membership.joined',
  'tech.collaborative.membership.removed',
  'tech.collaborative.group.tool.connected',
  'tech.collaborative.group.tool.disconnected',
  // The rest of the decisions profile's events.
  'tech.collaborative.stance.cast',
  'tech.collaborative.poll.closed',
  'tech.collaborative.outcome.published',
] as const

/** A person, as the decisions tool knows them. */
export interface Person {
  readonly id: string
  readonly name: string
}

/** The running decisions tool. */
export interface Decisions extends Pick<
  Producer,
  'origin' | 'emit' | 'emitted' | 'flush' | 'pending' | 'addRoute' | 'close'
> {
  /** The group's IRI (`<origin>/g/harbour-commons`); its document names this origin as `authority`. */
  readonly group: string
  /** The person with this short name, on this tool (`<origin>/u/<slug>`). */
  person(slug: string, name: string): Person
  /** Adds a member (`membership.joined`); `by` the person themselves when they found the group. */
  join(person: Person, by: Person, coreRole?: CoreRole): Promise<void>
  /** Removes a member (`membership.removed`): their sign-ins and assertions are refused from now. */
  remove(person: Person, by: Person): Promise<void>
  /** Whether a tool is installed in a group: this tool is the system of record. */
  readonly isInstalled: (group: string, tool: string) => Promise<boolean>
  /**
   * Installs a tool in the group (`group.tool.connected`) without an OAuth client: for a tool that
   * only reads feeds. A tool that signs members in installs through the install flow instead: it
   * asks (`POST /install`), an admin approves on the request's page (`/install-requests/<id>`).
   */
  connectTool(tool: { origin: string; name: string }, by: Person): Promise<void>
  /**
   * Uninstalls a tool from the group (`group.tool.disconnected`): its OAuth client is revoked, so
   * its next token request fails, and its subscriptions to the group end.
   */
  uninstall(tool: string, by: Person): Promise<void>
  /** The install requests tools made to this authority (pending and decided). */
  installRequests(): Promise<readonly { id: string; tool: string; status: string }[]>
  /** The decisions admins took on the approval pages, in order. */
  readonly installDecisions: readonly InstallDecision[]
  /**
   * TEST ONLY: plants an OAuth client for a peer that cannot install through the install flow (a
   * plain OpenID library with no CTA manifest). Every example tool installs through the flow.
   */
  readonly plantClient: (client: { origin: string; secret: string; name?: string }) => void
  /**
   * TEST AND DEMO ONLY: the next sign-in interaction completes as this person, consenting, with no
   * page shown. A real authority never has this; the scenario uses it to run unattended.
   */
  readonly autoSignIn: (person: string) => void
  /** A member opens a poll (`poll.opened`); returns it as held. */
  openPoll(options: Omit<OpenPollOptions, 'group'>): Promise<PollRecord>
  /** A member casts a stance on a poll (`stance.cast`). */
  castStance(
    poll: string,
    voter: Person,
    choice: readonly StanceChoice[],
    reason?: string,
  ): Promise<void>
  /** Closes a poll (`poll.closed`, carrying its tally); returns the tally. */
  closePoll(poll: string, by: Person): Promise<Tally>
  /** Publishes a poll's outcome with what it decides (`outcome.published`). */
  publishOutcome(
    poll: string,
    by: Person,
    statement: string,
    options?: { name?: string; decides?: readonly Decides[] },
  ): Promise<Outcome>
  /** The polls, by IRI. */
  readonly polls: ReadonlyMap<string, PollRecord>
  /** The active members. */
  members(): Promise<Person[]>
}

const actor = (p: Person) => ({ id: p.id, type: 'Person' as const, name: p.name })
/** A week from now (RFC 3339): when a poll opened through the control API closes at the latest. */
const inAWeek = (): string => new Date(Date.now() + 7 * 864e5).toISOString()

/** A string parameter of a control action, or `ERR_REQUEST_INVALID` (a caller's mistake, 400). */
function requireString(params: Record<string, unknown>, name: string): string {
  const value = params[name]
  if (typeof value !== 'string' || value === '') {
    throw new ProtocolError('ERR_REQUEST_INVALID', `"${name}" must be a non-empty string`)
  }
  return value
}

const POLL_TYPES: ReadonlySet<string> = new Set([
  'proposal',
  'singleChoice',
  'multipleChoice',
  'count',
  'score',
  'rankedChoice',
  'dotVote',
  'meeting',
])

/** The `poll-open` action's parameters, checked for their shape (the SDK checks the rules). */
function pollParams(
  params: Record<string, unknown>,
): Omit<OpenPollOptions, 'name' | 'group' | 'by' | 'endTime'> {
  const pollType = params['pollType']
  if (typeof pollType !== 'string' || !POLL_TYPES.has(pollType)) {
    throw new ProtocolError('ERR_REQUEST_INVALID', '"pollType" must be a poll type')
  }
  const options = params['options']
  if (
    options !== undefined &&
    (!Array.isArray(options) || !options.every((o) => typeof o === 'string'))
  ) {
    throw new ProtocolError('ERR_REQUEST_INVALID', '"options" must be a list of option names')
  }
  const out: Record<string, unknown> = { pollType }
  if (options !== undefined) out['options'] = options
  for (const key of [
    'anonymous',
    'hideResults',
    'quorum',
    'dotsPerVoter',
    'minScore',
    'maxScore',
    'minChoices',
    'maxChoices',
  ]) {
    if (params[key] !== undefined) out[key] = params[key]
  }
  // The SDK's schema refuses a value of the wrong type (ERR_SCHEMA_INVALID, 422 as a rule's refusal).
  return out as unknown as Omit<OpenPollOptions, 'name' | 'group' | 'by' | 'endTime'>
}

/** Options of {@link startDecisions}. */
export interface DecisionsOptions {
  /**
   * TEST AND DEMO ONLY: mounts the conformance control API (`/__cta-conformance`) with this bearer
   * token, so that `cta-conformance live` can set up a group of its own and make the tool act.
   * Leave it out everywhere else.
   */
  readonly controlToken?: string
}

export async function startDecisions(options: DecisionsOptions = {}): Promise<Decisions> {
  // The authority's groups, memberships and installations: the SDK's in-memory store here; a
  // deployment implements `MembershipStore` over its own tables.
  const store = createMemoryMembershipStore()
  const people = new Map<string, Person>()
  const state: { group: string } = { group: '' }
  const polls = new Map<string, PollRecord>()
  // The group, its members and its polls are pages at the IRIs the events link to.
  const pages = createDecisionsPages({ store, group: () => state.group, people, polls })
  let counter = 0
  const isInstalled = async (group: string, tool: string): Promise<boolean> =>
    (await store.getInstallation(group, tool))?.installationStatus === 'active'
  /** Conformance sessions' groups (test and demo only), by id. */
  const groups = new Map<string, string>()
  /** Conformance sessions' peers (test and demo only), by origin: their OAuth client secret. */
  const peers = new Map<string, string>()
  /**
   * Keys are fetched only for tools installed in one of this authority's groups, or known as a
   * conformance session's peer (which may be installed nowhere: `install: false`).
   */
  const isKnownTool = async (tool: string): Promise<boolean> => {
    if (peers.has(tool)) return true
    for (const g of [state.group, ...groups.keys()]) if (await isInstalled(g, tool)) return true
    return false
  }

  const producer = await startProducer({
    name: 'Decisions',
    emits: DECISIONS_EMITS,
    profiles: ['core', 'emitter', 'group-authority', 'decisions'],
    exports: true,
    isInstalled,
    isKnownTool,
    routes: () => (request) => pages.route(request),
  })
  const { origin } = producer
  const tool = { id: origin, type: 'Application', name: 'Decisions' } as const
  /** The last event the tool emitted: what the control API's `emit` answers with. */
  const last: { event?: { id: string; type: string } } = {}
  const book = createPollBook({
    origin,
    emit: async (event) => {
      last.event = event
      await producer.emit(event)
    },
    tool,
    polls,
  })
  const group: Group = {
    '@context': [...CONTEXT],
    id: `${origin}/g/harbour-commons`,
    type: 'Group',
    name: 'Harbour Commons',
    url: `${origin}/harbour-commons`,
    // The issuer of this tool's OpenID Provider: relying tools take the authority from here only.
    authority: origin,
    joinPolicy: 'approval',
    visibility: 'public',
    rosterVisibility: 'members',
    memberships: `${origin}/g/harbour-commons/memberships`,
    tools: `${origin}/g/harbour-commons/tools`,
  }
  await store.putGroup(group)
  state.group = group.id

  // The provider serves `/.well-known/openid-configuration`, `/auth`, `/token`, `/jwks`, the group
  // endpoints under `/g/` and the interaction pages; the Fetch handler serves the rest.
  // The approval pages (`/install-requests/<id>`): an admin of the group approves or refuses a
  // tool's install request; the plugin keeps the requests (`plugin.installs`).
  const installPages = createInstallRequestPages({
    store,
    nameOf: (id) => people.get(id)?.name,
    installs: {
      get: (id) => authority.plugin.installs.get(id),
      async approve(id, by) {
        const installed = await authority.plugin.installs.approve(id, by)
        const r = await authority.plugin.installs.get(id)
        if (r !== undefined) pages.toolNames.set(r.tool, r.clientName)
        return installed
      },
      refuse: (id, by) => authority.plugin.installs.refuse(id, by),
    },
  })
  const authority = await startAuthority({
    origin,
    store,
    approvalUri: (id) => installPages.uri(origin, id),
    eventKey: producer.key,
    // The registry signs each membership and `group.tool.*` event with the tool's event key; the
    // outbox sends it to the subscribers and puts it in the feed, like the tool's own events.
    emit: (jws, event) => {
      last.event = event
      return producer.publish(jws, event)
    },
    nameOf: (id) => people.get(id)?.name,
  })
  // A browser opening the group's IRI gets its page; the authority answers everything else.
  producer.mount(authority.serves, pages.withGroupPages(authority.listener))
  producer.addRoute((request) => installPages.route(request))
  // A member's export (spec/export.md): their polls, stances and outcomes in one of its groups.
  producer.addRoute(
    exportRoute({
      origin,
      key: producer.signingKey,
      serves: async (g) => (await store.getGroup(g)) !== undefined,
      documents: (member, g) => decisionsDocuments(polls, member, g),
    }),
  )
  const { registry } = authority.plugin
  /** A session group's admin, who decides its install requests through the control API. */
  const sessionAdmins = new Map<string, Person>()
  const adminOf = async (g: string): Promise<Person> => {
    let admin = sessionAdmins.get(g)
    if (admin === undefined) {
      admin = { id: `${origin}/u/admin-${++counter}`, name: 'Admin' }
      people.set(admin.id, admin)
      await registry.join(g, actor(admin), { role: [`${g}/roles/admin`], coreRole: 'admin' })
      sessionAdmins.set(g, admin)
    }
    return admin
  }

  // The conformance control API (test and demo only). Each session gets a group of its own, so a
  // conformance run never touches the members of Harbour Commons.
  if (options.controlToken !== undefined) {
    const control = createControlHandler({
      token: options.controlToken,
      // Every session gets a group of its own, so `separateGroup: true` needs nothing more.
      async createSession({ peer, members, install }) {
        const slug = `conformance-${++counter}`
        const id = `${origin}/g/${slug}`
        await store.putGroup({
          ...group,
          id,
          name: `Conformance session ${counter}`,
          url: `${origin}/harbour-commons`,
          memberships: `${id}/memberships`,
          tools: `${id}/tools`,
        })
        // One client per peer: a second session keeps the secret the first one handed out.
        const secret = peers.get(peer) ?? crypto.randomUUID()
        peers.set(peer, secret)
        authority.plantClient({ origin: peer, secret, name: 'cta-conformance' })
        // `install: false`: the suite can authenticate, but the group does not use its tool.
        if (install !== false) {
          await registry.connectTool({
            id: `${id}/tools/conformance`,
            organization: id,
            tool: peer,
            scopes: ['cta:membership', 'cta:roster', 'events:membership'],
          })
        }
        const created: Person[] = []
        for (const name of members) {
          const person = { id: `${origin}/u/${slug}-${created.length + 1}`, name }
          people.set(person.id, person)
          await registry.join(id, actor(person), {
            role: [`${id}/roles/member`],
            coreRole: 'member',
          })
          created.push(person)
        }
        groups.set(id, slug)
        return { group: id, members: created, client: { client_id: peer, client_secret: secret } }
      },
      actions: {
        // `type`: one of the decisions profile's event types (a membership event comes from the
        // registry): a poll of the session's group opens, and goes as far as the type needs.
        async emit(session, { type = 'tech.collaborative.poll.opened' }) {
          const steps = [
            'tech.collaborative.poll.opened',
            'tech.collaborative.stance.cast',
            'tech.collaborative.poll.closed',
            'tech.collaborative.outcome.published',
          ]
          if (type === 'tech.collaborative.membership.joined') {
            const person = { id: `${origin}/u/member-${++counter}`, name: 'Member' }
            people.set(person.id, person)
            await registry.join(session.group, actor(person), {
              role: [`${session.group}/roles/member`],
              coreRole: 'member',
            })
            return { id: last.event?.id, type: last.event?.type }
          }
          const until = steps.indexOf(String(type))
          if (until < 0) {
            throw new ControlUnsupportedError(`this tool emits no ${String(type)} on demand`)
          }
          const by = session.members[0] ?? { id: origin, name: 'Decisions' }
          const { poll } = await book.open({
            pollType: 'proposal',
            name: 'A conformance poll',
            group: session.group,
            by,
            endTime: inAWeek(),
          })
          const agree = (poll.oneOf ?? [])[0]?.id ?? `${poll.id}#option-1`
          if (until >= 1) await book.cast(poll.id, by, [{ option: agree }], 'For the suite')
          if (until >= 2) await book.close(poll.id, actor(by))
          if (until >= 3) await book.publishOutcome(poll.id, by, 'Agreed, for the suite.')
          return { id: last.event?.id, type: last.event?.type }
        },
        // The decisions profile's actions (profile-control.md): what members do in the UI.
        async 'poll-open'(session, params) {
          const by = session.members[0] ?? { id: origin, name: 'Decisions' }
          const record = await book.open({
            ...pollParams(params),
            name: typeof params['name'] === 'string' ? params['name'] : 'A conformance poll',
            group: session.group,
            by,
            endTime: inAWeek(),
          })
          const options = record.poll.oneOf ?? record.poll.anyOf ?? []
          return { poll: record.poll.id, options: options.map((o) => o.id) }
        },
        async 'stance-cast'(_session, params) {
          const member = requireString(params, 'member')
          const choice = params['choice']
          if (!Array.isArray(choice)) {
            throw new ProtocolError('ERR_REQUEST_INVALID', '"choice" must be an array')
          }
          const reason = params['reason']
          const stance = await book.cast(
            requireString(params, 'poll'),
            { id: member, name: people.get(member)?.name ?? 'Member' },
            choice as StanceChoice[],
            typeof reason === 'string' ? reason : undefined,
          )
          return { stance: stance.id }
        },
        async 'poll-close'(_session, params) {
          return { tally: await book.close(requireString(params, 'poll'), tool) }
        },
        async 'outcome-publish'(session, params) {
          const poll = requireString(params, 'poll')
          const decides = params['decides']
          if (decides !== undefined && !Array.isArray(decides)) {
            throw new ProtocolError('ERR_REQUEST_INVALID', '"decides" must be an array')
          }
          const by = book.polls.get(poll)?.by ?? session.members[0] ?? tool
          const outcome = await book.publishOutcome(
            poll,
            by,
            requireString(params, 'statement'),
            decides === undefined ? {} : { decides: decides as Decides[] },
          )
          return { outcome: outcome.id }
        },
        async 'add-member'(session, { name }) {
          const person = {
            id: `${origin}/u/member-${++counter}`,
            name: typeof name === 'string' ? name : 'Member',
          }
          people.set(person.id, person)
          await registry.join(session.group, actor(person), {
            role: [`${session.group}/roles/member`],
            coreRole: 'member',
          })
          return { member: person.id }
        },
        async 'remove-member'(session, { member }) {
          await registry.remove(session.group, String(member))
          return {}
        },
        // The group stops using the tool (default the suite's): `group.tool.disconnected`.
        async 'disconnect-tool'(session, { tool }) {
          const which = typeof tool === 'string' ? tool : session.peer
          // A tool installed through the install flow is uninstalled by an admin: its client is
          // revoked too (AUTH-INST-008). The suite's own tool, installed with the session, only
          // stops being used.
          const requests = await authority.plugin.installs.list(session.group)
          if (requests.some((r) => r.tool === which && r.status === 'approved')) {
            await authority.plugin.installs.uninstall(
              session.group,
              which,
              (await adminOf(session.group)).id,
            )
          } else await registry.disconnectTool(session.group, which)
          return {}
        },
        // The install flow (tool role): the suite asked to be installed in the session's group;
        // the group's admin approves (or refuses) its request, as on the approval page.
        async 'install-approve'(session, params) {
          const id = requireString(params, 'id')
          const r = await authority.plugin.installs.get(id)
          if (r === undefined) throw new ProtocolError('ERR_NOT_FOUND', `no install request ${id}`)
          const admin = await adminOf(r.group === session.group ? session.group : r.group)
          const installation = await authority.plugin.installs.approve(id, admin.id)
          return { installation: installation.id }
        },
        async 'install-refuse'(_session, params) {
          const id = requireString(params, 'id')
          const r = await authority.plugin.installs.get(id)
          if (r === undefined) throw new ProtocolError('ERR_NOT_FOUND', `no install request ${id}`)
          await authority.plugin.installs.refuse(id, (await adminOf(r.group)).id)
          return {}
        },
        'arm-sign-in'(_session, { member }) {
          authority.autoSignIn(String(member))
          return {}
        },
      },
    })
    producer.addRoute(control.handle)
  }

  return {
    origin,
    group: group.id,
    emit: producer.emit,
    emitted: producer.emitted,
    flush: producer.flush,
    pending: producer.pending,
    addRoute: producer.addRoute,
    close: producer.close,
    person(slug, name) {
      const person = { id: `${origin}/u/${slug}`, name }
      people.set(person.id, person)
      return person
    },
    async members() {
      const { items } = await store.listMemberships(group.id, {
        after: 0,
        limit: 1000,
        current: true,
      })
      return items.map((m) => ({ id: m.member.id, name: m.member.name ?? m.member.id }))
    },
    isInstalled,
    plantClient: authority.plantClient,
    autoSignIn: authority.autoSignIn,
    async uninstall(tool, by) {
      await authority.plugin.installs.uninstall(group.id, tool, by.id)
    },
    async installRequests() {
      return authority.plugin.installs.list(group.id)
    },
    installDecisions: installPages.decisions,

    async join(person, by, coreRole = 'member') {
      people.set(person.id, person)
      await registry.join(group.id, actor(person), {
        role: [`${group.id}/roles/${coreRole}`],
        coreRole,
        // Someone else adding the member is an `Add` by them; founding the group is a `Join`.
        ...(by.id === person.id ? {} : { actor: actor(by) }),
      })
    },

    async remove(person, by) {
      await registry.remove(group.id, person.id, { actor: actor(by) })
    },

    async connectTool(tool, by) {
      pages.toolNames.set(tool.origin, tool.name)
      await registry.connectTool(
        {
          id: `${group.id}/tools/${++counter}`,
          organization: group.id,
          tool: tool.origin,
          scopes: ['cta:membership', 'cta:roster', 'events:membership'],
          installedBy: by.id,
        },
        { actor: actor(by) },
      )
    },

    polls: book.polls,
    openPoll: (options) => book.open({ ...options, group: group.id }),
    async castStance(poll, voter, choice, reason) {
      await book.cast(poll, voter, choice, reason)
    },
    closePoll: (poll, by) => book.close(poll, actor(by)),
    publishOutcome: (poll, by, statement, options) =>
      book.publishOutcome(poll, by, statement, options),
  }
}
