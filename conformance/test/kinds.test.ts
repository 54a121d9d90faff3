// The `kind` names a harness returns are documented (README, "The kind a harness returns"), and
// every vector expects only a documented kind for its operation.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Expectation } from '../src/types.js'
import { SUITE_DIR, loadVectors } from '../src/vectors.js'

/** The README's table: operation → the kinds it may return. */
async function documentedKinds(): Promise<Map<string, Set<string>>> {
  const readme = await readFile(join(SUITE_DIR, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('<a id="kinds"></a>'))
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| Operation |')))
  const rows = table.split('\n').filter((line) => line.startsWith('| `'))
  const byOperation = new Map<string, Set<string>>()
  const names = (cell: string) => [...cell.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1] ?? '')
  const eventKinds = names(rows.find((r) => r.startsWith('| `verifyEvent`')) ?? '')
  for (const row of rows) {
    const [, operations = '', kinds = ''] = row.split('|')
    const allowed = new Set(names(kinds))
    if (kinds.includes('an event kind below')) for (const k of eventKinds) allowed.add(k)
    for (const op of names(operations)) byOperation.set(op, allowed)
  }
  return byOperation
}

function kindsOf(expected: Expectation): string[] {
  if ('sequence' in expected) return expected.sequence.flatMap((e) => ('kind' in e ? [e.kind] : []))
  return 'kind' in expected ? [expected.kind] : []
}

describe('the kind a harness returns', () => {
  it('is documented for every operation, and every vector expects a documented kind', async () => {
    const documented = await documentedKinds()
    expect(documented.get('validateDocument')?.has('MembershipJoinedEvent')).toBe(true)
    expect(documented.get('computeAmount')).toEqual(new Set(['Amount']))
    const { vectors } = await loadVectors()
    const undocumented = vectors.flatMap(({ vector }) =>
      kindsOf(vector.expected)
        .filter((kind) => documented.get(vector.operation)?.has(kind) !== true)
        .map((kind) => `${vector.id}: ${vector.operation} → ${kind}`),
    )
    expect(undocumented).toEqual([])
    expect(vectors.length).toBeGreaterThan(100)
  })
})
