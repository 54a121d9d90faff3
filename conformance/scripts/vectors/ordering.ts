// The vectors of one order (spec/documents.md DOC-SEQ-001, spec/membership.md MEM-EVT-003): an
// event's `sequence` is 20 digits, so "…10" sorts after "…9", and anything else is refused; a
// relying tool applies a group authority's membership events in the order of their sequences, so
// a late `membership.left` never ends the access of a member who joined again. Built from the
// example membership events under examples/documents/events/. Registered in ../generate-vectors.ts.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Level, Profile, TrustedTool, Vector } from '../../src/types.js'

/** The requirements these vectors cite, with their profiles and level as the spec states them. */
export const ORDERING_REQUIREMENTS: Record<string, { profiles: Profile[]; level: Level }> = {
  'DOC-SEQ-001': { profiles: ['emitter', 'receiver'], level: 'MUST' },
  'MEM-EVT-003': { profiles: ['group-auth-relying-tool'], level: 'MUST' },
}

type Built = Vector & { dir: string }
type Doc = Record<string, unknown>

/** What the generator lends this module: its vector builder, signing and the published trust. */
export interface OrderingVectorTools {
  readonly examples: string
  readonly vector: (
    fields: Omit<Vector, '$schema' | 'profiles' | 'level'> & { dir: string },
  ) => Built
  /** Signs a valid event with the decisions tool's key (the SDK's `signEvent`). */
  readonly sign: (event: Doc) => Promise<string>
  /** Signs any payload with the decisions tool's key, bypassing every check. */
  readonly forge: (payload: unknown) => string
  readonly trust: TrustedTool[]
  readonly addSeconds: (iso: string, seconds: number) => string
}

const GROUP = 'https://decisions.example/g/harbour-commons'
const AROHA = 'https://decisions.example/u/aroha'
const MERE = 'https://decisions.example/u/mere'
/** When the membership histories start; the relying tool applies them an hour later. */
const START = '2026-10-12T18:00:00Z'
/** The receiver's clock of the event vectors. */
const NOW = '2026-10-12T20:00:00Z'

/** Twenty digits, zero-padded: the n-th change of the group. */
const seq = (n: number): string => String(n).padStart(20, '0')

/** Receiver vectors: a `sequence` of 20 digits is accepted, anything else refused. */
async function sequenceVectors(tools: OrderingVectorTools, joined: Doc): Promise<Built[]> {
  const out: Built[] = []
  const time = tools.addSeconds(NOW, -60)
  const event = (sequence: unknown): Doc => ({
    ...structuredClone(joined),
    time,
    sequence,
  })
  for (const [id, title, sequence] of [
    ['ten', 'Accepts sequence "…10", 20 digits', seq(10)],
    ['zero', 'Accepts sequence of twenty zeros', seq(0)],
    ['largest', 'Accepts sequence of twenty nines', '9'.repeat(20)],
  ] as const) {
    const jws = await tools.sign(event(sequence))
    out.push(
      tools.vector({
        dir: 'events/valid',
        id: `evt.seq.valid.${id}`,
        title,
        requirements: ['DOC-SEQ-001'],
        operation: 'verifyEvent',
        flags: ['Valid'],
        input: { jws, currentDate: NOW, trust: tools.trust },
        expected: { valid: true, kind: 'MembershipJoinedEvent' },
        informative: {
          source: 'examples/documents/events/membership-joined.json',
          mutation: `sequence: ${JSON.stringify(sequence)}, time: a minute before currentDate`,
        },
      }),
    )
  }
  for (const [id, title, sequence] of [
    ['unpadded', 'Rejects sequence "9": not 20 digits, it would sort after "10"', '9'],
    ['unpadded-ten', 'Rejects sequence "10": not 20 digits', '10'],
    ['21-digits', 'Rejects a sequence of 21 digits', `0${seq(10)}`],
    ['letter', 'Rejects a sequence with a letter', `${seq(0).slice(1)}a`],
    ['sign', 'Rejects a sequence with a sign', `+${seq(1).slice(1)}`],
    ['number', 'Rejects a sequence that is a JSON number', 10],
  ] as const) {
    const jws = tools.forge(event(sequence))
    out.push(
      tools.vector({
        dir: 'events/invalid',
        id: `evt.seq.${id}`,
        title,
        requirements: ['DOC-SEQ-001'],
        operation: 'verifyEvent',
        flags: ['SchemaInvalid'],
        input: { jws, currentDate: NOW, trust: tools.trust },
        expected: { error: 'ERR_SCHEMA_INVALID' },
        informative: {
          source: 'examples/documents/events/membership-joined.json',
          mutation: `sequence: ${JSON.stringify(sequence)}, time: a minute before currentDate`,
        },
      }),
    )
  }
  return out
}

/** Relying tool vectors: membership events applied in the order of their sequences. */
function orderVectors(tools: OrderingVectorTools, joined: Doc, left: Doc): Built[] {
  const minute = (n: number): string => tools.addSeconds(START, n * 60)
  const membershipOf = (member: string, n: number) =>
    `${GROUP}/memberships/${member.slice(-4)}-${n}`
  /** The n-th change: `member` joins (again), as a new membership. */
  const join = (member: string, n: number, sequence = seq(n)): Doc => {
    const e = structuredClone(joined)
    const data = e['data'] as Doc
    const result = data['result'] as Doc
    return {
      ...e,
      id: `ord-${n}-joined`,
      subject: membershipOf(member, n),
      time: minute(n),
      sequence,
      data: {
        ...data,
        id: `https://decisions.example/activities/ord-${n}`,
        object: { id: member, type: 'Person' },
        result: {
          ...result,
          id: membershipOf(member, n),
          member: { id: member, type: 'Person' },
          startTime: minute(n),
        },
        published: minute(n),
      },
    }
  }
  /** The n-th change: `member` leaves the membership they started at change `since`. */
  const leave = (member: string, n: number, since: number, sequence = seq(n)): Doc => {
    const e = structuredClone(left)
    const data = e['data'] as Doc
    const result = data['result'] as Doc
    return {
      ...e,
      id: `ord-${n}-left`,
      subject: membershipOf(member, since),
      time: minute(n),
      sequence,
      data: {
        ...data,
        id: `https://decisions.example/activities/ord-${n}`,
        result: {
          ...result,
          id: membershipOf(member, since),
          member: { id: member, type: 'Person' },
          startTime: minute(since),
          endTime: minute(n),
        },
        published: minute(n),
      },
    }
  }
  const currentDate = tools.addSeconds(START, 3600)
  const cases: [string, string, Doc[], Vector['expected'], string[]][] = [
    [
      'valid.in-order',
      'Acts on a join, a leave and a join again delivered in order: the member is active',
      [join(AROHA, 1), leave(AROHA, 2, 1), join(AROHA, 3)],
      {
        valid: true,
        kind: 'MembershipOrder',
        result: { applied: [true, true, true], status: { [AROHA]: 'active' } },
      },
      ['Valid'],
    ],
    [
      'valid.ten-after-nine',
      'Acts on change "…10" after change "…9": the tenth is newer, the member has left',
      [join(AROHA, 9), leave(AROHA, 10, 9)],
      {
        valid: true,
        kind: 'MembershipOrder',
        result: { applied: [true, true], status: { [AROHA]: 'left' } },
      },
      ['Valid'],
    ],
    [
      'valid.other-member',
      "Acts on another member's older change: the order is per member",
      [join(AROHA, 5), join(MERE, 3), leave(MERE, 4, 3)],
      {
        valid: true,
        kind: 'MembershipOrder',
        result: { applied: [true, true, true], status: { [AROHA]: 'active', [MERE]: 'left' } },
      },
      ['Valid'],
    ],
    [
      'late-left-ignored',
      'Ignores a membership.left delivered after the later join again: the member stays active',
      [join(AROHA, 1), join(AROHA, 3), leave(AROHA, 2, 1)],
      {
        valid: true,
        kind: 'MembershipOrder',
        result: { applied: [true, true, false], status: { [AROHA]: 'active' } },
      },
      ['OutOfOrder'],
    ],
    [
      'nine-after-ten-ignored',
      'Ignores change "…9" after change "…10": "9" is not newer, though it sorts after "10" unpadded',
      [join(AROHA, 10), leave(AROHA, 9, 8)],
      {
        valid: true,
        kind: 'MembershipOrder',
        result: { applied: [true, false], status: { [AROHA]: 'active' } },
      },
      ['OutOfOrder'],
    ],
    [
      'redelivered-ignored',
      'Ignores a second copy of the change it applied last: not newer',
      [join(AROHA, 1), leave(AROHA, 2, 1), leave(AROHA, 2, 1)],
      {
        valid: true,
        kind: 'MembershipOrder',
        result: { applied: [true, true, false], status: { [AROHA]: 'left' } },
      },
      ['OutOfOrder'],
    ],
    [
      'unpadded-sequence',
      'Refuses a membership event whose sequence is "3", not 20 digits',
      [join(AROHA, 1), leave(AROHA, 3, 1, '3')],
      { error: 'ERR_SCHEMA_INVALID' },
      ['SchemaInvalid'],
    ],
  ]
  return cases.map(([id, title, events, expected, flags]) =>
    tools.vector({
      dir: 'membership/ordering',
      id: `mem.ord.${id}`,
      title,
      requirements: 'error' in expected ? ['DOC-SEQ-001', 'MEM-EVT-003'] : ['MEM-EVT-003'],
      operation: 'applyMembershipEvents',
      flags,
      input: { events, currentDate },
      expected,
      informative: {
        source: [
          'examples/documents/events/membership-joined.json',
          'examples/documents/events/membership-left.json',
        ],
        arrival: events.map(
          (e) => `${String(e['type']).split('.').at(-1)} ${String(e['sequence'])}`,
        ),
      },
    }),
  )
}

/** Every vector of this module. */
export async function orderingVectors(tools: OrderingVectorTools): Promise<Built[]> {
  const read = async (file: string): Promise<Doc> =>
    JSON.parse(await readFile(join(tools.examples, file), 'utf8')) as Doc
  const joined = await read('events/membership-joined.json')
  const left = await read('events/membership-left.json')
  return [...(await sequenceVectors(tools, joined)), ...orderVectors(tools, joined, left)]
}
