// The coverage gate: every MUST of the spec is exercised both ways (at least one vector or test an
// implementation must accept or pass, and one it must reject or refuse), every MUST that binds a
// running tool has a live case or says in the spec why live mode cannot observe it, every citation
// names a requirement that exists, and no identifier is ever renumbered or reused.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  ROOT,
  RequirementsError,
  bindsRunningTool,
  extractRequirements,
  parseDefinitions,
  readProfiles,
} from '../scripts/extract-requirements.js'
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

/**
 * The MUSTs that bind a running tool (a profile other than `core`) yet have neither a live case
 * citing them nor a `*Not testable live:*` paragraph; requirements with both; and paragraphs on a
 * requirement that binds no running tool.
 */
function liveGaps(
  requirements: Registry['requirements'],
  live: readonly { id: string; requirements: readonly string[] }[],
): string[] {
  const gaps: string[] = []
  for (const r of requirements) {
    const cases = live.filter((c) => c.requirements.includes(r.id)).map((c) => c.id)
    if (bindsRunningTool(r) && cases.length === 0 && r.live === undefined) {
      gaps.push(`${r.id}: no live case and no "Not testable live" paragraph`)
    }
    if (cases.length > 0 && r.live !== undefined) {
      gaps.push(`${r.id}: a live case (${cases.join(', ')}) and a "Not testable live" paragraph`)
    }
    if (!bindsRunningTool(r) && r.live !== undefined) {
      gaps.push(`${r.id}: "Not testable live" on a requirement that binds no running tool`)
    }
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

  it('finds, for every MUST that binds a running tool, a live case or a reason it has none', () => {
    // Read this list as the work left: each line is a requirement that needs a live case citing
    // it, or a "*Not testable live:* <reason>" paragraph directly after it in the spec.
    expect(liveGaps(registry.requirements, LIVE_CASES)).toEqual([])
  })

  it('reports a running-tool MUST with neither, and accepts a live case or a reason', () => {
    const base = registry.requirements.find((r) => r.level === 'MUST' && bindsRunningTool(r))
    if (base === undefined) throw new Error('no MUST that binds a running tool')
    const { live: _, ...bare } = base
    expect(liveGaps([bare], [])).toEqual([
      `${base.id}: no live case and no "Not testable live" paragraph`,
    ])
    expect(liveGaps([bare], [{ id: 'live.receiver.x', requirements: [base.id] }])).toEqual([])
    const reasoned = { ...bare, live: { testable: false as const, reason: 'needs a crash' } }
    expect(liveGaps([reasoned], [])).toEqual([])
    expect(liveGaps([reasoned], [{ id: 'live.receiver.x', requirements: [base.id] }])).toEqual([
      `${base.id}: a live case (live.receiver.x) and a "Not testable live" paragraph`,
    ])
    // Only a MUST with a profile other than core binds a running tool.
    const coreOnly = { ...bare, profiles: ['core'] }
    const should = { ...bare, level: 'SHOULD' as const }
    expect(liveGaps([coreOnly, should], [])).toEqual([])
    expect(liveGaps([{ ...coreOnly, live: reasoned.live }], [])).toEqual([
      `${base.id}: "Not testable live" on a requirement that binds no running tool`,
    ])
  })

  it('still asks a requirement that is not testable live for static coverage both ways', () => {
    const base = registry.requirements.find((r) => r.level === 'MUST' && bindsRunningTool(r))
    if (base === undefined) throw new Error('no MUST that binds a running tool')
    const reasoned = {
      ...base,
      live: { testable: false as const, reason: 'needs a crash' },
      coverage: { passing: [], failing: [], tests: [] },
    }
    expect(coverageGaps([reasoned], [])).toEqual([
      `${base.id}: nothing an implementation must accept`,
      `${base.id}: nothing an implementation must reject`,
    ])
  })

  it('reads the reason from the paragraph right after the requirement, and only from there', () => {
    const profiles = readProfiles(readFileSync(join(ROOT, 'spec/index.md'), 'utf8'))
    const parse = (text: string) => parseDefinitions([{ file: 'spec/x.md', text }], profiles)
    const [a, b] = parse(
      [
        '<a id="XX-YY-001"></a>**[XX-YY-001]** *(Receiver)* A tool MUST do this.',
        '',
        '*Not testable live:* it needs the tool killed mid-delivery; see',
        '[`x.test.ts`](../x.test.ts).',
        '',
        '<a id="XX-YY-002"></a>**[XX-YY-002]** *(Receiver)* A tool MUST do that.',
        '',
        'An explanation, not a reason.',
      ].join('\n'),
    )
    expect(a?.live).toEqual({
      testable: false,
      reason: 'it needs the tool killed mid-delivery; see `x.test.ts`.',
    })
    expect(b).not.toHaveProperty('live')
    for (const text of [
      // Not directly after a requirement.
      '**[XX-YY-001]** *(Receiver)* MUST.\n\nProse.\n\n*Not testable live:* why.',
      '## A\n\n*Not testable live:* why.',
      // Twice for one requirement.
      '**[XX-YY-001]** *(Receiver)* MUST.\n\n*Not testable live:* a.\n\n*Not testable live:* b.',
      // Part of the requirement's own paragraph.
      '**[XX-YY-001]** *(Receiver)* MUST.\n*Not testable live:* why.',
      // No reason.
      '**[XX-YY-001]** *(Receiver)* MUST.\n\n*Not testable live:*',
    ]) {
      expect(() => parse(text), text).toThrow(RequirementsError)
    }
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
