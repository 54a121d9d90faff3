// The coverage gate: every MUST of the spec is exercised both ways (at least one vector or test an
// implementation must accept or pass, and one it must reject or refuse), every citation names a
// requirement that exists, and no identifier is ever renumbered or reused.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, extractRequirements } from '../scripts/extract-requirements.js'
import { LIVE_CASES } from '../src/live/cases/index.js'

/** Words that make a test or live case title say what an implementation must accept or do. */
const POSITIVE =
  /\b(accepts?|are accepted|processes|process|delivers?|matches|match|creates|issues|activates|lets|answers (200|201|202)|is answered 20\d|keeps|retries|verifies|acts on|serves|reopens|allows|arrives|signs in|discloses|names|reads|sends?|authenticate|ends the subscription)\b/i
/** Words that make a title say what an implementation must reject, refuse or not do. */
const NEGATIVE =
  /\b(rejects?|refuses?|refused|rejected|never|denies|denied|ignores?|ignored|excludes?|not|only|without|dead-letters|skips|nothing|forgets|unless|too old|shuts)\b/i

const registry = extractRequirements()
const defined = new Set(registry.requirements.map((r) => r.id))

type Registry = ReturnType<typeof extractRequirements>

/** The MUSTs that lack an accepting or a rejecting vector, test or live case. */
function coverageGaps(
  requirements: Registry['requirements'],
  live: readonly { requirements: readonly string[]; title: string }[],
): string[] {
  const gaps: string[] = []
  for (const r of requirements) {
    if (r.level !== 'MUST') continue
    const titles = [
      ...r.coverage.tests.map((t) => t.title.split(' > ').at(-1) ?? ''),
      ...live.filter((c) => c.requirements.includes(r.id)).map((c) => c.title),
    ]
    const accepting = r.coverage.passing.length > 0 || titles.some((t) => POSITIVE.test(t))
    const rejecting = r.coverage.failing.length > 0 || titles.some((t) => NEGATIVE.test(t))
    if (!accepting) gaps.push(`${r.id}: nothing an implementation must accept`)
    if (!rejecting) gaps.push(`${r.id}: nothing an implementation must reject`)
  }
  return gaps
}

describe('the coverage gate', () => {
  it('finds, for every MUST, an accepting and a rejecting vector, test or live case', () => {
    expect(coverageGaps(registry.requirements, LIVE_CASES)).toEqual([])
  })

  it('rejects a MUST covered one way only, and accepts it once both ways are there', () => {
    const base = registry.requirements.find((r) => r.level === 'MUST')
    if (base === undefined) throw new Error('no MUST in the spec')
    const onlyPassing = {
      ...base,
      coverage: { passing: [{ file: 'x.json', note: '' }], failing: [], tests: [] },
    }
    expect(coverageGaps([onlyPassing], [])).toEqual([
      `${base.id}: nothing an implementation must reject`,
    ])
    const live = [{ requirements: [base.id], title: 'A forged event is rejected' }]
    expect(coverageGaps([onlyPassing], live)).toEqual([])
  })

  it('finds no live case citing a requirement the spec does not define', () => {
    const unknown = LIVE_CASES.flatMap((c) =>
      c.requirements.filter((id) => !defined.has(id)).map((id) => `${c.id}: ${id}`),
    )
    expect(unknown).toEqual([])
  })

  it('gives live cases unique, immutable-looking ids under live.<profile>.', () => {
    const ids = LIVE_CASES.map((c) => c.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const c of LIVE_CASES) expect(c.id.startsWith(`live.${c.profile}.`), c.id).toBe(true)
  })

  it('never renumbers or drops an identifier: every one ever defined is still in the spec', () => {
    // conformance/requirement-ids.txt is append-only: add a new identifier at the end; withdraw
    // one by marking its statement withdrawn in the spec, never by deleting or renumbering it.
    const everDefined = readFileSync(join(ROOT, 'conformance/requirement-ids.txt'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
    expect(everDefined.filter((id) => !defined.has(id))).toEqual([])
    expect([...defined].filter((id) => !everDefined.includes(id))).toEqual([])
    expect(new Set(everDefined).size).toBe(everDefined.length)
  })
})
