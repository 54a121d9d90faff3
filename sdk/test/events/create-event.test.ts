import { describe, expect, it } from 'vitest'
import { SchemaInvalid, createEvent, validateDocument } from '../../src/index.js'
import { uuidv7 } from '../../src/internal/uuidv7.js'
import { loadDocument } from '../helpers/documents.js'

const joined = loadDocument('events/membership-joined.json') as {
  data: Record<string, unknown>
  source: string
}
const { '@context': _, ...activity } = joined.data

describe('createEvent', () => {
  it('builds a valid, frozen core event with its activity schema and a UUIDv7 id', () => {
    const event = createEvent('tech.collaborative.membership.joined', activity as never, {
      source: joined.source,
    })
    expect(validateDocument(event)).toMatchObject({ valid: true, kind: 'MembershipJoinedEvent' })
    expect(event.dataschema).toBe('https://w3id.org/cta/schemas/v1/activity-membership-joined.json')
    expect(event.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    expect(event.group).toBe(activity['audience'])
    expect(event.time).toBe(activity['published'])
    expect(event.data['@context']).toEqual([
      'https://www.w3.org/ns/activitystreams',
      'https://w3id.org/cta/v1',
    ])
    expect(Object.isFrozen(event)).toBe(true)
    expect(Object.isFrozen(event.data.result)).toBe(true)
  })

  it('gives a tool-specific type the generic activity schema', () => {
    const poll = loadDocument('events/poll-created.json') as { data: Record<string, unknown> }
    const event = createEvent('example.decisions.poll.created', poll.data as never, {
      source: 'https://decisions.example',
      sequence: '00000000000000000042',
      extensions: { partitionkey: 'harbour-commons' },
    })
    expect(event.dataschema).toBe('https://w3id.org/cta/schemas/v1/activity.json')
    expect(validateDocument(event)).toMatchObject({ valid: true, kind: 'Event' })
    expect(event).toMatchObject({
      sequence: '00000000000000000042',
      partitionkey: 'harbour-commons',
    })
  })

  it('makes UUIDv7 ids whose first 48 bits are the creation time, so they sort by it', () => {
    const at = Date.UTC(2026, 7, 20, 9, 12, 44)
    const id = uuidv7(at)
    expect(Number.parseInt(id.replace('-', '').slice(0, 12), 16)).toBe(at)
    expect(uuidv7(at) < uuidv7(at + 1)).toBe(true)
    expect(new Set(Array.from({ length: 1000 }, () => uuidv7(at))).size).toBe(1000)
  })

  it('refuses to create what a receiver would reject', () => {
    expect(() =>
      createEvent(
        'tech.collaborative.membership.joined',
        { ...activity, summary: 'x'.repeat(281) } as never,
        {
          source: joined.source,
        },
      ),
    ).toThrow(SchemaInvalid)
    expect(() =>
      createEvent('tech.collaborative.membership.joined', activity as never, {
        source: 'not an origin',
      }),
    ).toThrow(SchemaInvalid)
  })

  it('throws TypeError when the group disagrees with the audience', () => {
    expect(() =>
      createEvent('tech.collaborative.membership.joined', activity as never, {
        source: joined.source,
        group: 'https://decisions.example/g/other',
      }),
    ).toThrow(TypeError)
  })
})
