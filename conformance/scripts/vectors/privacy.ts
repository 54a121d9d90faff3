// The vectors of spec/privacy.md: what events disclose about people (`checkEventPrivacy`: membership
// events of a roster that is not public name no one; no contact details in any event; member IRIs
// made of nothing personal) and who may be shown a roster (`checkRosterViewer`). Expectations are
// what the SDK computes, checked against the code each vector must have. Registered in
// ../generate-vectors.ts.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  checkEventPrivacy,
  checkRosterViewer,
  isProtocolError,
  validateDocument,
  type Group,
  type RosterViewer,
} from '@cta-interop/sdk'
import type {
  CheckEventPrivacyInput,
  CheckRosterViewerInput,
  Level,
  Profile,
  SingleExpectation,
} from '../../src/types.js'
import type { Built, ProfileVectorTools } from './manifest-vectors.js'

/** The requirements these vectors cite, with their profiles and level as spec/privacy.md states them. */
export const PRIVACY_REQUIREMENTS: Record<string, { profiles: Profile[]; level: Level }> = {
  'PRV-SHOW-001': {
    profiles: ['group-authority', 'group-auth-relying-tool', 'receiver'],
    level: 'MUST',
  },
  'PRV-EVT-001': { profiles: ['group-authority'], level: 'MUST' },
  'PRV-COR-001': { profiles: ['group-authority'], level: 'MUST' },
  'PRV-MIN-001': { profiles: ['emitter'], level: 'MUST' },
}

type Doc = Record<string, unknown>
type Visibility = 'public' | 'members' | 'admins'

const GROUP = 'https://decisions.example/g/harbour-commons'
const U = 'https://decisions.example/u/'
const group = (rosterVisibility: Visibility) => ({ id: GROUP, rosterVisibility })
const TOMAS = { id: `${U}tomas`, type: 'Person', name: 'Tomás' }

/** A deep copy of an event with its `data` members replaced (undefined removes one). */
function patched(event: Doc, data: Doc, attributes: Doc = {}): Doc {
  const copy = JSON.parse(JSON.stringify(event)) as Doc & { data: Doc }
  return JSON.parse(
    JSON.stringify({ ...copy, ...attributes, data: { ...copy.data, ...data } }),
  ) as Doc
}

/** The expectation the SDK computes for an event: its schema, then what it discloses. */
function eventExpectation(input: CheckEventPrivacyInput): SingleExpectation {
  const validated = validateDocument(input.event)
  if (!validated.valid) return { error: validated.code }
  try {
    checkEventPrivacy(input.event as never, {
      ...(input.group === undefined ? {} : { group: input.group as Group }),
      ...(input.names === undefined ? {} : { names: input.names }),
    })
    return { valid: true, kind: validated.kind }
  } catch (err) {
    if (!isProtocolError(err)) throw err
    return { error: err.code }
  }
}

function viewerExpectation(input: CheckRosterViewerInput): SingleExpectation {
  try {
    checkRosterViewer(
      input.group as Group,
      input.viewer === null ? undefined : (input.viewer as RosterViewer),
    )
    return { valid: true, kind: 'RosterViewer' }
  } catch (err) {
    if (!isProtocolError(err)) throw err
    return { error: err.code }
  }
}

/** Fails the generation when the SDK's answer is not the one the vector is written for. */
function expect(id: string, expected: SingleExpectation, want: string): SingleExpectation {
  const got = 'error' in expected ? expected.error : 'valid'
  if (got !== want) throw new Error(`${id}: expected ${want}, the SDK answers ${got}`)
  return expected
}

/** The vectors of spec/privacy.md. */
export async function privacyVectors(tools: ProfileVectorTools): Promise<Built[]> {
  const read = async (file: string): Promise<Doc> =>
    JSON.parse(await readFile(join(tools.examples, 'events', file), 'utf8')) as Doc
  const joined = await read('membership-joined.json')
  const removed = await read('membership-removed.json')
  const left = await read('membership-left.json')
  const published = await read('proposal-published.json')
  const joinedData = joined['data'] as Doc & { result: Doc & { member: Doc }; object: Doc }
  const removedData = removed['data'] as Doc & { result: Doc & { member: Doc }; object: Doc }
  const proposal = (published['data'] as Doc & { object: Doc }).object
  const out: Built[] = []

  const event = (
    id: string,
    title: string,
    requirements: string[],
    input: CheckEventPrivacyInput,
    want: 'valid' | 'ERR_EVENT_PRIVACY',
    note: string,
  ) => {
    out.push(
      tools.vector({
        dir: 'privacy/events',
        id: `prv.${id}`,
        title,
        requirements,
        operation: 'checkEventPrivacy',
        flags: [want === 'valid' ? 'Valid' : 'PrivacyLeak'],
        input,
        expected: expect(`prv.${id}`, eventExpectation(input), want),
        informative: { note },
      }),
    )
  }

  // PRV-EVT-001: membership events of a roster that is not public name no one.
  event(
    'evt.valid.joined-members',
    'Accepts a membership.joined of a members-only roster that carries the member by IRI only',
    ['PRV-EVT-001'],
    { event: joined, group: group('members'), names: ['Aroha', 'Tomás'] },
    'valid',
    'examples/documents/events/membership-joined.json: the authority as actor, no name anywhere',
  )
  event(
    'evt.valid.removed-admins',
    'Accepts a membership.removed of an admins-only roster that names no one',
    ['PRV-EVT-001'],
    { event: removed, group: group('admins'), names: ['Tomás'] },
    'valid',
    'examples/documents/events/membership-removed.json',
  )
  event(
    'evt.valid.left-members',
    'Accepts a membership.left of a members-only roster that names no one',
    ['PRV-EVT-001'],
    { event: left, group: group('members'), names: ['Mere'] },
    'valid',
    'examples/documents/events/membership-left.json',
  )
  const named = patched(joined, {
    type: 'Add',
    actor: TOMAS,
    object: { ...joinedData.object, name: 'Aroha' },
    result: { ...joinedData.result, member: { ...joinedData.result.member, name: 'Aroha' } },
    summary: 'Tomás added Aroha to Harbour Commons',
  })
  event(
    'evt.valid.named-public',
    'Accepts names in a membership event of a public roster',
    ['PRV-EVT-001'],
    { event: named, group: group('public'), names: ['Aroha', 'Tomás'] },
    'valid',
    'the member and the admin who added her are named: anyone may read a public roster',
  )
  event(
    'evt.invalid.named-members',
    'Rejects a membership event of a members-only roster that names the member and the admin',
    ['PRV-EVT-001'],
    { event: named, group: group('members'), names: ['Aroha', 'Tomás'] },
    'ERR_EVENT_PRIVACY',
    'the same event as evt.valid.named-public, for a members-only roster',
  )
  event(
    'evt.invalid.member-name',
    'Rejects a membership.joined of a members-only roster whose membership names the member',
    ['PRV-EVT-001'],
    {
      event: patched(joined, {
        result: { ...joinedData.result, member: { ...joinedData.result.member, name: 'Aroha' } },
      }),
      group: group('members'),
    },
    'ERR_EVENT_PRIVACY',
    'result.member.name: "Aroha"; everything else as the example',
  )
  event(
    'evt.invalid.person-actor',
    'Rejects a membership.removed of an admins-only roster whose actor is the admin who removed the member',
    ['PRV-EVT-001'],
    { event: patched(removed, { actor: TOMAS }), group: group('admins') },
    'ERR_EVENT_PRIVACY',
    'actor: Tomás (a Person); the member is still unnamed',
  )
  event(
    'evt.invalid.object-name',
    'Rejects a membership.removed of a members-only roster whose object names the member',
    ['PRV-EVT-001'],
    {
      event: patched(removed, { object: { ...removedData.object, name: 'Rangi' } }),
      group: group('members'),
    },
    'ERR_EVENT_PRIVACY',
    'object.name: "Rangi"',
  )
  event(
    'evt.invalid.summary-name',
    'Rejects a membership.joined of a members-only roster whose summary names the member',
    ['PRV-EVT-001'],
    {
      event: patched(joined, { summary: 'Aroha joined Harbour Commons' }),
      group: group('members'),
      names: ['Aroha'],
    },
    'ERR_EVENT_PRIVACY',
    'summary: "Aroha joined Harbour Commons"; Aroha is a member (names)',
  )

  // PRV-MIN-001: no contact details in any event.
  event(
    'min.valid.proposal',
    'Accepts a proposal.published that names its author by IRI and name, with an email address only in the text the author wrote',
    ['PRV-MIN-001'],
    {
      event: patched(published, {
        object: {
          ...proposal,
          content: '<p>Questions? Write to tomas@harbour.example before Friday.</p>',
        },
      }),
    },
    'valid',
    'object.content is the author’s own text; nothing else holds contact details',
  )
  event(
    'min.invalid.summary-email',
    'Rejects an event whose summary carries an email address',
    ['PRV-MIN-001'],
    {
      event: patched(published, {
        summary: 'Tomás (tomas@harbour.example) asks for bike repairs',
      }),
    },
    'ERR_EVENT_PRIVACY',
    'data.summary holds an email address',
  )
  event(
    'min.invalid.actor-name-email',
    'Rejects an event whose actor is named by an email address',
    ['PRV-MIN-001'],
    { event: patched(published, { actor: { ...TOMAS, name: 'tomas@harbour.example' } }) },
    'ERR_EVENT_PRIVACY',
    'data.actor.name is an email address',
  )
  event(
    'min.invalid.subject-mailto',
    'Rejects an event whose subject attribute is a mailto: IRI',
    ['PRV-MIN-001'],
    { event: patched(published, {}, { subject: 'mailto:tomas@harbour.example' }) },
    'ERR_EVENT_PRIVACY',
    'subject: a mailto: IRI (a context attribute, copied into logs and headers)',
  )

  // PRV-COR-001: member IRIs carry nothing about the person.
  event(
    'cor.valid.opaque',
    'Accepts a membership event whose member IRI is an opaque path at the authority',
    ['PRV-COR-001'],
    { event: removed, group: group('members') },
    'valid',
    `member ${U}r9x4`,
  )
  const member = (id: string) =>
    patched(joined, {
      object: { ...joinedData.object, id },
      result: { ...joinedData.result, member: { id, type: 'Person' } },
    })
  event(
    'cor.invalid.email-path',
    'Rejects a membership event whose member IRI is made of an email address',
    ['PRV-COR-001'],
    { event: member(`${U}aroha@example.org`), group: group('members') },
    'ERR_EVENT_PRIVACY',
    `member ${U}aroha@example.org`,
  )
  event(
    'cor.invalid.acct',
    'Rejects a membership event whose member IRI is an acct: handle',
    ['PRV-COR-001'],
    { event: member('acct:aroha@decisions.example'), group: group('members') },
    'ERR_EVENT_PRIVACY',
    'member acct:aroha@decisions.example (a WebFinger handle)',
  )

  // PRV-SHOW-001: who may be shown the roster.
  const viewer = (
    id: string,
    title: string,
    visibility: Visibility,
    who: CheckRosterViewerInput['viewer'],
    want: 'valid' | 'ERR_ROSTER_HIDDEN',
  ) => {
    const input: CheckRosterViewerInput = { group: group(visibility), viewer: who }
    out.push(
      tools.vector({
        dir: 'privacy/roster',
        id: `prv.show.${id}`,
        title,
        requirements: ['PRV-SHOW-001'],
        operation: 'checkRosterViewer',
        flags: [want === 'valid' ? 'Valid' : 'RosterHidden'],
        input,
        expected: expect(`prv.show.${id}`, viewerExpectation(input), want),
      }),
    )
  }
  const as = (roles: string[], g = GROUP) => ({ group: g, roles })
  viewer('valid.public-anyone', 'Shows a public roster to anyone', 'public', null, 'valid')
  viewer(
    'valid.members-member',
    'Shows a members-only roster to a verified member',
    'members',
    as(['member']),
    'valid',
  )
  viewer(
    'valid.admins-admin',
    'Shows an admins-only roster to a verified admin',
    'admins',
    as(['admin']),
    'valid',
  )
  viewer(
    'invalid.members-nobody',
    'Refuses a members-only roster to someone not verified',
    'members',
    null,
    'ERR_ROSTER_HIDDEN',
  )
  viewer(
    'invalid.members-other-group',
    'Refuses a members-only roster to a member verified in another group',
    'members',
    as(['admin'], 'https://decisions.example/g/night-market'),
    'ERR_ROSTER_HIDDEN',
  )
  viewer(
    'invalid.admins-moderator',
    'Refuses an admins-only roster to a verified member who is not an admin',
    'admins',
    as(['member', 'moderator']),
    'ERR_ROSTER_HIDDEN',
  )
  viewer(
    'invalid.admins-nobody',
    'Refuses an admins-only roster to someone not verified',
    'admins',
    null,
    'ERR_ROSTER_HIDDEN',
  )
  return out
}
