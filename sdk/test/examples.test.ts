import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { validateDocument } from '../src/index.js'
import { ROOT, examples, loadDocument, optionsFor, twins } from './helpers/documents.js'

describe('example documents', () => {
  it.each(examples)('$file is a valid $kind', ({ file, kind }) => {
    const result = validateDocument(loadDocument(file), optionsFor(kind))
    expect(result.valid ? [] : result.issues).toEqual([])
    expect(result.kind).toBe(kind)
  })

  it.each(twins)('$file is rejected at $instancePath ($keyword)', (twin) => {
    const result = validateDocument(loadDocument(twin.file), optionsFor(twin.kind))
    expect(result.kind).toBe(twin.kind)
    expect(result.valid).toBe(false)
    if (result.valid) return
    expect(result.code).toBe(twin.error ?? 'ERR_SCHEMA_INVALID')
    expect(result.issues[0]).toMatchObject({
      instancePath: twin.instancePath,
      keyword: twin.keyword,
    })
  })

  it('gives every example an invalid twin, and every twin a listed example', () => {
    const files = new Set(examples.map((e) => e.file))
    const twinned = new Set(twins.map((t) => t.twinOf))
    expect([...files].filter((f) => !twinned.has(f))).toEqual([])
    expect([...twinned].filter((f) => !files.has(f))).toEqual([])
  })

  it('lists every file in examples/documents in a manifest', () => {
    const listed = new Set([...examples, ...twins].map((e) => e.file))
    const onDisk = readdirSync(`${ROOT}examples/documents`, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.json') && !f.endsWith('manifest.json'))
    expect(onDisk.filter((f) => !listed.has(f))).toEqual([])
  })

  it('covers every document kind that has a `type` of its own with an example', () => {
    const covered = new Set(examples.map((e) => e.kind))
    for (const kind of [
      'Group',
      'Role',
      'Membership',
      'RosterPage',
      'ToolInstallation',
      'ToolManifest',
      'MembershipAssertionClaims',
      'ResourceSpecification',
      'Intent',
      'Proposal',
      'Match',
      'Event',
      'MembershipJoinedEvent',
    ]) {
      expect(covered.has(kind as never), kind).toBe(true)
    }
  })
})
