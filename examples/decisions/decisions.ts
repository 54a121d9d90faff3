// A Loomio-like decisions tool: it holds the group and its members (it is the group's authority, an
// OpenID Provider on its own origin: see authority.ts), members start polls that close with an
// outcome, and it emits membership, decision and core events.
import {
  CONTEXT,
  createEvent,
  createMemoryMembershipStore,
  type CoreRole,
  type Group,
} from '@cta-interop/sdk'
import { ControlUnsupportedError, createControlHandler } from '@cta-interop/sdk/node'
import { startProducer, type Producer } from '../src/producer.js'
import { createDecisionsPages } from './pages.js'
import { startAuthority } from './authority.js'

export const DECISIONS_EMITS = [
  // From the authority plugin's registry (join, remove, connectTool, disconnectTool), through this
  // tool's outbox.
  'tech.collaborative.membership.joined',
  'tech.collaborative.membership.removed',
  'tech.collaborative.group.tool.connected',
  'tech.collaborative.group.tool.disconnected',
  // The tool's own.
  'example.decisions.poll.created',
  'example.decisions.poll.closed',
] as const

/** A person, as the decisions tool knows them. */
export interface Person {
  readonly id: string
  readonly name: string
}

interface Poll {
  readonly id: string
  readonly title: string
  readonly by: Person
  readonly closes: string
  readonly created: string
  closed?: string
  outcome?: string
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
  /** Installs a tool in the group (`group.tool.connected`). */
  connectTool(tool: { origin: string; name: string }, by: Person): Promise<void>
  /**
   * Registers a tool as an OAuth client of this authority: `client_id` its origin, redirect
   * `<origin>/cta/callback`, grants `authorization_code`, `client_credentials` and token exchange.
   */
  readonly registerClient: (client: { origin: string; secret: string; name?: string }) => void
  /**
   * TEST AND DEMO ONLY: the next sign-in interaction completes as this person, consenting, with no
   * page shown. A real authority never has this; the scenario uses it to run unattended.
   */
  readonly autoSignIn: (person: string) => void
  /** Starts a poll (`example.decisions.poll.created`); returns its IRI. */
  startPoll(title: string, by: Person, closes: Date): Promise<string>
  /** Closes a poll with its outcome (`example.decisions.poll.closed`). */
  closePoll(poll: string, outcome: string, by: Person): Promise<void>
  /** The active members. */
  members(): Promise<Person[]>
}

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
const actor = (p: Person) => ({ id: p.id, type: 'Person' as const, name: p.name })

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
  const polls = new Map<string, Poll>()
  const state: { group: string } = { group: '' }
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
    profiles: ['core', 'emitter', 'group-authority'],
    isInstalled,
    isKnownTool,
    routes: () => (request) => pages.route(request),
  })
  const { origin } = producer
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
  const authority = await startAuthority({
    origin,
    store,
    eventKey: producer.key,
    // The registry signs each membership and `group.tool.*` event with the tool's event key; the
    // outbox sends it to the subscribers and puts it in the feed, like the tool's own events.
    emit: (jws, event) => producer.publish(jws, event),
    nameOf: (id) => people.get(id)?.name,
  })
  // A browser opening the group's IRI gets its page; the authority answers everything else.
  producer.mount(authority.serves, pages.withGroupPages(authority.listener))
  const { registry } = authority.plugin
  const activity = (): string => `${origin}/activities/${++counter}`

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
        authority.registerClient({ origin: peer, secret, name: 'cta-conformance' })
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
        // `type`: one of the tool's own event types (a membership event comes from the registry).
        async emit(session, { type = 'example.decisions.poll.created' }) {
          if (
            type !== 'example.decisions.poll.created' &&
            type !== 'example.decisions.poll.closed'
          ) {
            throw new ControlUnsupportedError(`this tool emits no ${String(type)} on demand`)
          }
          const poll = `${origin}/p/${++counter}`
          const event = createEvent(
            type,
            {
              id: activity(),
              type: 'Create',
              actor: { id: origin, type: 'Application', name: 'Decisions' },
              object: { id: poll, type: 'Question', name: 'A conformance poll' },
              summary: 'A poll for the conformance suite',
              published: now(),
              url: poll,
              audience: session.group,
            },
            { source: origin },
          )
          await producer.emit(event)
          return { id: event.id, type: event.type }
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
          await registry.disconnectTool(
            session.group,
            typeof tool === 'string' ? tool : session.peer,
          )
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
    registerClient: authority.registerClient,
    autoSignIn: authority.autoSignIn,

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

    async startPoll(title, by, closes) {
      const id = `${origin}/p/${++counter}`
      const poll: Poll = {
        id,
        title,
        by,
        closes: closes.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        created: now(),
      }
      polls.set(id, poll)
      const published = now()
      await producer.emit(
        createEvent(
          'example.decisions.poll.created',
          {
            id: activity(),
            type: 'Create',
            actor: actor(by),
            object: { id, type: 'Question', name: title, endTime: poll.closes },
            summary: `${by.name} started a poll: ${title}`,
            published,
            url: id,
            audience: group.id,
          },
          { source: origin },
        ),
      )
      return id
    },

    async closePoll(id, outcome, by) {
      const poll = polls.get(id)
      if (poll === undefined || poll.outcome !== undefined) throw new Error(`no open poll ${id}`)
      poll.outcome = outcome
      const published = now()
      poll.closed = published
      await producer.emit(
        createEvent(
          'example.decisions.poll.closed',
          {
            id: activity(),
            type: 'Update',
            actor: actor(by),
            object: {
              id,
              type: 'Question',
              name: poll.title,
              endTime: published,
              content: outcome,
            },
            summary: `Poll closed: ${poll.title} Outcome: ${outcome}`,
            published,
            url: id,
            audience: group.id,
          },
          { source: origin },
        ),
      )
    },
  }
}
