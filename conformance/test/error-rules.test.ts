// The error registry (spec/errors.md) and the requirements agree both ways: every code of the
// registry is named by at least one requirement, and every code a requirement names is in the
// registry. A code no rule names is a code no implementation is bound to send.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  ROOT,
  parseDefinitions,
  readChapters,
  readProfiles,
} from '../scripts/extract-requirements.js'

const registry = [
  ...readFileSync(join(ROOT, 'spec/errors.md'), 'utf8').matchAll(/^\| `(ERR_[A-Z_]+)` \|/gm),
].map((m) => m[1] ?? '')

const profiles = readProfiles(readFileSync(join(ROOT, 'spec/index.md'), 'utf8'))
const requirements = parseDefinitions(readChapters(), profiles)

/** The codes each requirement's statement names, by requirement. */
const named = new Map(
  requirements.map((r) => [
    r.id,
    new Set([...r.statement.matchAll(/\bERR_[A-Z_]+\b/g)].map((m) => m[0])),
  ]),
)

describe('the error registry and the requirements', () => {
  it('[ERR-REG-001] names no code in a requirement that the registry does not list', () => {
    const unknown = [...named].flatMap(([id, codes]) =>
      [...codes].filter((code) => !registry.includes(code)).map((code) => `${id}: ${code}`),
    )
    expect(registry.length).toBeGreaterThan(40)
    expect(unknown).toEqual([])
  })

  it('[ERR-REG-001] lists no code that no requirement names', () => {
    const used = new Set([...named.values()].flatMap((codes) => [...codes]))
    expect(registry.filter((code) => !used.has(code))).toEqual([])
  })

  it('lists each code once', () => {
    expect(registry.filter((code, i) => registry.indexOf(code) !== i)).toEqual([])
  })
})
