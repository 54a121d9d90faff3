// A Loomio-like decisions tool: it holds the group and its members (it is the group's authority),
// members start polls that close with an outcome, and it emits membership, decision and core events.
import { createEvent, type Event } from '@cta-interop/sdk'
import { esc, html } from '../src/http.js'
import { startProducer, type Producer } from '../src/producer.js'

export const DECISIONS_EMITS = [
  'tech.collaborative.membership.joined',
  'tech.collaborative.membership.removed',
  'tech.collaborative.group.tool.connected',
  'example.decisions.poll.created',
  'example.decisions.poll.closed',
] as const

/** A person, as the decisions tool knows them. */
export interface Person {
  readonly id: string
  readonly name: string
}

interface Member extends Person {
  status: 'active' | 'removed'
  readonly membership: string
  readonly since: string
}

interface Poll {
  readonly id: string
  readonly title: string
  readonly by: Person
  readonly closes: string
  outcome?: string
}

/** The running decisions tool. */
export interface Decisions extends Pick<
  Producer,
  'origin' | 'emitted' | 'flush' | 'pending' | 'close'
> {
  /** The group's IRI. */
  readonly group: string
  /** The person with this short name, on this tool (`<origin>/u/<slug>`). */
  person(slug: string, name: string): Person
  /** Adds a member (`membership.joined`). */
  join(person: Person, by: Person): Promise<void>
  /** Removes a member (`membership.removed`). */
  remove(person: Person, by: Person): Promise<void>
  /** Whether a tool is installed in a group: this tool is the system of record. */
  readonly isInstalled: (group: string, tool: string) => boolean
  /** Installs a tool in the group (`group.tool.connected`). */
  connectTool(tool: { origin: string; name: string }, by: Person): Promise<void>
  /** Starts a poll (`example.decisions.poll.created`); returns its IRI. */
  startPoll(title: string, by: Person, closes: Date): Promise<string>
  /** Closes a poll with its outcome (`example.decisions.poll.closed`). */
  closePoll(poll: string, outcome: string, by: Person): Promise<void>
  /** The active members' IRIs. */
  members(): string[]
}

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')

export async function startDecisions(): Promise<Decisions> {
  const members = new Map<string, Member>()
  const installed = new Set<string>()
  const polls = new Map<string, Poll>()
  const state: { group: string } = { group: '' }
  let counter = 0

  const producer = await startProducer({
    name: 'Decisions',
    emits: DECISIONS_EMITS,
    profiles: ['core', 'emitter', 'group-authority'],
    isInstalled: (group, tool) => installed.has(`${group} ${tool}`),
    routes: (origin) => (request) => {
      const path = new URL(request.url).pathname
      const poll = polls.get(`${origin}${path}`)
      if (poll !== undefined) {
        return html(
          `<!doctype html><title>${esc(poll.title)}</title><h1>${esc(poll.title)}</h1>` +
            `<p>Started by ${esc(poll.by.name)}; ${poll.outcome === undefined ? `closes ${esc(poll.closes)}` : `outcome: ${esc(poll.outcome)}`}</p>`,
        )
      }
      if (path === '/g/harbour-commons/members') {
        const rows = [...members.values()]
          .map((m) => `<li>${esc(m.name)} (${m.status})</li>`)
          .join('')
        return html(`<!doctype html><title>Members</title><h1>Harbour Commons</h1><ul>${rows}</ul>`)
      }
      return undefined
    },
  })
  const { origin } = producer
  const group = `${origin}/g/harbour-commons`
  state.group = group
  const activity = (): string => `${origin}/activities/${++counter}`
  const actor = (p: Person) => ({ id: p.id, type: 'Person' as const, name: p.name })
  const emit = (event: Event) => producer.emit(event)

  return {
    origin,
    group,
    emitted: producer.emitted,
    flush: producer.flush,
    pending: producer.pending,
    close: producer.close,
    person: (slug, name) => ({ id: `${origin}/u/${slug}`, name }),
    members: () => [...members.values()].filter((m) => m.status === 'active').map((m) => m.id),
    isInstalled: (g, tool) => installed.has(`${g} ${tool}`),

    async join(person, by) {
      const published = now()
      const member: Member = {
        ...person,
        status: 'active',
        membership: `${group}/memberships/${++counter}`,
        since: published,
      }
      members.set(person.id, member)
      await emit(
        createEvent(
          'tech.collaborative.membership.joined',
          {
            id: activity(),
            type: 'Accept',
            actor: actor(by),
            object: actor(person),
            result: {
              id: member.membership,
              type: 'Membership',
              member: actor(person),
              organization: group,
              role: [`${group}/roles/member`],
              coreRole: 'member',
              membershipStatus: 'active',
              startTime: published,
            },
            summary: `${person.name} joined Harbour Commons`,
            published,
            url: `${group}/members`,
            audience: group,
          },
          { source: origin },
        ),
      )
    },

    async remove(person, by) {
      const member = members.get(person.id)
      if (member?.status !== 'active') throw new Error(`${person.name} is not a member`)
      member.status = 'removed'
      const published = now()
      await emit(
        createEvent(
          'tech.collaborative.membership.removed',
          {
            id: activity(),
            type: 'Remove',
            actor: actor(by),
            object: actor(person),
            target: group,
            result: {
              id: member.membership,
              type: 'Membership',
              member: actor(person),
              organization: group,
              role: [`${group}/roles/member`],
              coreRole: 'member',
              membershipStatus: 'removed',
              startTime: member.since,
              endTime: published,
            },
            summary: `${by.name} removed ${person.name} from Harbour Commons`,
            published,
            url: `${group}/members`,
            audience: group,
          },
          { source: origin },
        ),
      )
    },

    async connectTool(tool, by) {
      installed.add(`${group} ${tool.origin}`)
      const published = now()
      const installation = `${group}/tools/${++counter}`
      await emit(
        createEvent(
          'tech.collaborative.group.tool.connected',
          {
            id: activity(),
            type: 'Add',
            actor: actor(by),
            object: {
              id: installation,
              type: 'ToolInstallation',
              organization: group,
              tool: tool.origin,
              scopes: ['events:membership'],
              installedBy: by.id,
              published,
              installationStatus: 'active',
            },
            target: group,
            summary: `${by.name} connected ${tool.name} to Harbour Commons`,
            published,
            url: `${group}/members`,
            audience: group,
          },
          { source: origin },
        ),
      )
    },

    async startPoll(title, by, closes) {
      const id = `${origin}/p/${++counter}`
      const poll: Poll = { id, title, by, closes: closes.toISOString().replace(/\.\d{3}Z$/, 'Z') }
      polls.set(id, poll)
      const published = now()
      await emit(
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
            audience: group,
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
      await emit(
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
            audience: group,
          },
          { source: origin },
        ),
      )
    },
  }
}
