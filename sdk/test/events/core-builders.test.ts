import { describe, expect, it } from 'vitest'
import {
  agreementAccepted,
  agreementFulfilled,
  agreementRejected,
  checkEventPrivacy,
  groupToolConnected,
  groupToolDisconnected,
  isProtocolError,
  membershipJoined,
  membershipLeft,
  membershipRemoved,
  membershipUpdated,
  ping,
  proposalResponded,
  signEvent,
  validateDocument,
  verifyEvent,
  type Agreement,
  type EconomicEvent,
  type Event,
  type Membership,
  type Proposal,
  type ToolInstallation,
} from '../../src/index.js'
import { loadDocument } from '../helpers/documents.js'
import { NOW, SOURCE, keys } from '../helpers/events.js'

const { key, resolveKey } = await keys()

/** The protocol error code a call throws, or `'accepted'`. */
function codeOf(build: () => unknown): string {
  try {
    build()
  } catch (err) {
    if (isProtocolError(err)) return err.code
    throw err
  }
  return 'accepted'
}

const published = '2026-08-20T09:12:44Z'
const group = {
  id: 'https://decisions.example/g/harbour-commons',
  name: 'Harbour Commons',
  url: 'https://decisions.example/harbour-commons',
  rosterVisibility: 'members' as const,
}
const publicGroup = { ...group, rosterVisibility: 'public' as const }
const TOMAS = { id: 'https://decisions.example/u/tomas', type: 'Person' as const, name: 'Tomás' }
const AROHA = { id: 'https://decisions.example/u/aroha', type: 'Person' as const, name: 'Aroha' }

const membership = loadDocument('membership.json') as Membership
const left = { ...membership, membershipStatus: 'left' as const, endTime: published }
const removed = { ...membership, membershipStatus: 'removed' as const, endTime: published }
const installation = loadDocument('tool-installation.json') as ToolInstallation
const uninstalled = { ...installation, installationStatus: 'removed' as const }
const offer = loadDocument('proposal-offer.json') as Proposal
const responded = loadDocument('events/proposal-responded.json') as { data: { object: Agreement } }
const agreement = responded.data.object
const fulfilled = loadDocument('events/agreement-fulfilled.json') as {
  data: { object: EconomicEvent }
}
const payment = fulfilled.data.object

const base = { source: SOURCE, published }
const response = proposalResponded(agreement, offer, { ...base, actor: AROHA })

/** One event of each builder, with the kind `validateDocument` must find. */
const built: [string, Event][] = [
  ['MembershipJoinedEvent', membershipJoined(membership, { ...base, group, sequence: 7 })],
  ['MembershipUpdatedEvent', membershipUpdated(membership, { ...base, group })],
  ['MembershipLeftEvent', membershipLeft(left, { ...base, group })],
  ['MembershipRemovedEvent', membershipRemoved(removed, { ...base, group, actor: TOMAS })],
  ['GroupToolConnectedEvent', groupToolConnected(installation, { ...base, group, actor: TOMAS })],
  ['GroupToolDisconnectedEvent', groupToolDisconnected(uninstalled, { ...base, group })],
  ['PingEvent', ping({ ...base, group: group.id })],
  ['ProposalRespondedEvent', response],
  ['AgreementAcceptedEvent', agreementAccepted(response, { ...base, actor: TOMAS })],
  ['AgreementRejectedEvent', agreementRejected(response, { ...base, actor: TOMAS })],
  [
    'AgreementFulfilledEvent',
    agreementFulfilled(payment, {
      ...base,
      actor: TOMAS,
      agreement: agreement.id,
      group: group.id,
    }),
  ],
]

describe('core event builders', () => {
  it.each(built)('builds a schema-valid %s that verifies after signing', async (kind, event) => {
    expect(validateDocument(event)).toMatchObject({ valid: true, kind })
    expect(Object.isFrozen(event)).toBe(true)
    const { event: verified } = await verifyEvent(await signEvent(event, key), {
      resolveKey,
      currentDate: NOW,
    })
    expect(verified).toEqual(event)
  })

  it('[MEM-EVT-001] pads a change number into the sequence and makes the membership the subject', () => {
    const event = membershipJoined(membership, { ...base, group, sequence: 7 })
    expect(event.sequence).toBe('00000000000000000007')
    expect(event.subject).toBe(membership.id)
    expect(event.group).toBe(group.id)
  })

  it('[PRV-EVT-001] names no one in a membership event of a roster that is not public, by default', () => {
    const events = [
      membershipJoined(membership, { ...base, group }),
      membershipJoined(membership, { ...base, group, actor: TOMAS }),
      membershipUpdated(membership, { ...base, group, actor: TOMAS }),
      membershipLeft(left, { ...base, group }),
      membershipRemoved(removed, { ...base, group, actor: TOMAS }),
    ]
    for (const event of events) {
      const text = JSON.stringify(event)
      expect(text).not.toContain('Aroha')
      expect(text).not.toContain('Tomás')
      expect(event.data.actor.type).toBe('Application')
      checkEventPrivacy(event, { group, names: ['Aroha', 'Tomás'] })
    }
    expect(events[0]?.data.summary).toBe('A member joined Harbour Commons')
    const { rosterVisibility: _unknown, ...withoutVisibility } = group
    const unknown = membershipLeft(left, { ...base, group: withoutVisibility })
    expect(JSON.stringify(unknown)).not.toContain('Aroha')
  })

  it('names the member and the actor when the roster is public', () => {
    const joined = membershipJoined(membership, { ...base, group: publicGroup })
    expect(joined.data).toMatchObject({ type: 'Join', actor: AROHA, object: group.id })
    expect(joined.data.summary).toBe('Aroha joined Harbour Commons')
    const added = membershipJoined(membership, { ...base, group: publicGroup, actor: TOMAS })
    expect(added.data).toMatchObject({ type: 'Add', actor: TOMAS, object: membership.member })
    expect(added.data.summary).toBe('Tomás added Aroha to Harbour Commons')
  })

  it('answers an agreement in reply to the response, addressed to the responder', () => {
    const accepted = agreementAccepted(response, { ...base, actor: TOMAS })
    expect(accepted.data).toMatchObject({ type: 'Accept', object: agreement, to: [AROHA.id] })
    expect(response.data).toMatchObject({ inReplyTo: offer.id, to: [offer.attributedTo] })
  })
})

describe('core event builders refuse bad input, each with its code', () => {
  const other = { ...membership, organization: 'https://decisions.example/g/elsewhere' }
  const cases: [string, () => unknown, string][] = [
    [
      'joined: a membership that is not active',
      () => membershipJoined(left, { ...base, group }),
      'ERR_EVENT_INCONSISTENT',
    ],
    [
      'joined: a membership of another group',
      () => membershipJoined(other, { ...base, group }),
      'ERR_EVENT_INCONSISTENT',
    ],
    [
      '[PRV-EVT-001] joined: a summary naming the member of a roster that is not public',
      () => membershipJoined(membership, { ...base, group, summary: 'Aroha joined' }),
      'ERR_EVENT_PRIVACY',
    ],
    [
      'joined: a role that is not an IRI',
      () => membershipJoined({ ...membership, role: ['member'] }, { ...base, group }),
      'ERR_SCHEMA_INVALID',
    ],
    [
      'updated: a membership that has ended',
      () => membershipUpdated(removed, { ...base, group }),
      'ERR_EVENT_INCONSISTENT',
    ],
    [
      'left: a membership still active',
      () => membershipLeft(membership, { ...base, group }),
      'ERR_EVENT_INCONSISTENT',
    ],
    [
      'removed: a membership the member left',
      () => membershipRemoved(left, { ...base, group }),
      'ERR_EVENT_INCONSISTENT',
    ],
    [
      'tool connected: an installation that was removed',
      () => groupToolConnected(uninstalled, { ...base, group }),
      'ERR_EVENT_INCONSISTENT',
    ],
    [
      'tool disconnected: an installation still active',
      () => groupToolDisconnected(installation, { ...base, group }),
      'ERR_EVENT_INCONSISTENT',
    ],
    [
      'ping: an empty note',
      () => ping({ ...base, group: group.id, content: '' }),
      'ERR_SCHEMA_INVALID',
    ],
    [
      'ping: a group that is not an IRI',
      () => ping({ ...base, group: 'harbour' }),
      'ERR_SCHEMA_INVALID',
    ],
    [
      'responded: an agreement without its commitment',
      () =>
        proposalResponded({ id: agreement.id, type: 'Agreement' } as Agreement, offer, {
          ...base,
          actor: AROHA,
        }),
      'ERR_SCHEMA_INVALID',
    ],
    [
      'accepted: an event that is not a response',
      () => agreementAccepted(built[6]?.[1] as never, { ...base, actor: TOMAS }),
      'ERR_EVENT_INCONSISTENT',
    ],
    [
      'rejected: an event that is not a response',
      () => agreementRejected(built[0]?.[1] as never, { ...base, actor: TOMAS }),
      'ERR_EVENT_INCONSISTENT',
    ],
    [
      'fulfilled: a quantity that is a number, not a decimal string',
      () =>
        agreementFulfilled(
          { ...payment, resourceQuantity: { hasUnit: 'one', hasNumericalValue: 30 } } as never,
          { ...base, actor: TOMAS, agreement: agreement.id, group: group.id },
        ),
      'ERR_SCHEMA_INVALID',
    ],
  ]
  it.each(cases)('%s', (_title, build, code) => {
    expect(codeOf(build)).toBe(code)
  })

  it('throws a TypeError for missing options: a bug in the caller', () => {
    expect(() => membershipJoined(membership, undefined as never)).toThrow(TypeError)
    expect(() => membershipJoined(membership, { source: SOURCE } as never)).toThrow(TypeError)
    expect(() => ping(undefined as never)).toThrow(TypeError)
    expect(() => agreementAccepted(response, { source: SOURCE } as never)).toThrow(TypeError)
  })
})
