import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  REGISTRY_PATH,
  ROOT,
  RequirementsError,
  duplicateIds,
  extractRequirements,
  parseDefinitions,
  readChapters,
  readProfiles,
  readVectors,
  serialize,
  testTitles,
} from '../scripts/extract-requirements.js'

const profiles = readProfiles(readFileSync(join(ROOT, 'spec/index.md'), 'utf8'))
const chapter = (text: string): { file: string; text: string }[] => [{ file: 'spec/x.md', text }]

describe('the requirements registry', () => {
  it('defines no requirement identifier twice in the spec', () => {
    const duplicates = duplicateIds(parseDefinitions(readChapters(), profiles))
    expect(Object.fromEntries(duplicates)).toEqual({})
  })

  it('is committed up to date (run `npm run requirements` when this fails)', () => {
    const committed = readFileSync(join(ROOT, REGISTRY_PATH), 'utf8')
    expect(committed).toBe(serialize(extractRequirements()))
  })

  it('is cited by no manifest or test title with an identifier the spec does not define', () => {
    expect(extractRequirements().unknownCitations).toEqual([])
  })

  it('gives every requirement an anchor of its own name, a level and at least one profile', () => {
    for (const d of parseDefinitions(readChapters(), profiles)) {
      expect(d.anchored, d.id).toBe(true)
      expect(d.profiles.length, d.id).toBeGreaterThan(0)
    }
    expect(extractRequirements().requirements.length).toBeGreaterThan(10)
  })
})

describe('requirement extraction', () => {
  it('takes the level from the first BCP 14 keyword and the profiles from the parenthesis', () => {
    const [a, b, c] = parseDefinitions(
      chapter(
        [
          '## Topic',
          '',
          '<a id="XX-YY-001"></a>**[XX-YY-001]** *(Core, Group Authority)* A tool MUST NOT do',
          'this, and MAY do [that](#XX-YY-002).',
          '',
          '<a id="XX-YY-002"></a>**[XX-YY-002]** *(Receiver)* It is NOT RECOMMENDED; it MUST…',
          '',
          '- <a id="XX-YY-003"></a>**[XX-YY-003]** *(Emitter)* An item OPTIONAL in a list.',
        ].join('\n'),
      ),
      profiles,
    )
    expect(a).toMatchObject({
      id: 'XX-YY-001',
      anchored: true,
      level: 'MUST',
      keyword: 'MUST NOT',
      profiles: ['core', 'group-authority'],
      section: 'Topic',
      line: 3,
      statement: 'A tool MUST NOT do this, and MAY do that.',
    })
    expect(b).toMatchObject({ level: 'SHOULD', keyword: 'NOT RECOMMENDED', profiles: ['receiver'] })
    expect(c).toMatchObject({ level: 'MAY', keyword: 'OPTIONAL', profiles: ['emitter'] })
  })

  it('ignores identifiers in code blocks and cross-references', () => {
    const defs = parseDefinitions(
      chapter('```md\n**[XX-YY-001]** *(Core)* MUST\n```\n\nSee [XX-YY-001](#XX-YY-001).\n'),
      profiles,
    )
    expect(defs).toEqual([])
  })

  it('reports an identifier defined twice, with both places', () => {
    const text = '**[XX-YY-001]** *(Core)* MUST a.\n\n**[XX-YY-001]** *(Core)* MUST b.\n'
    const duplicates = duplicateIds(parseDefinitions(chapter(text), profiles))
    expect(Object.fromEntries(duplicates)).toEqual({ 'XX-YY-001': ['spec/x.md:1', 'spec/x.md:3'] })
  })

  it('refuses a definition with no keyword, an unknown profile or no profiles at all', () => {
    for (const text of [
      '**[XX-YY-001]** *(Core)* must, in lower case.',
      '**[XX-YY-001]** *(Dashboard)* MUST.',
      '**[XX-YY-001]** MUST.',
      'Text before **[XX-YY-001]** *(Core)* MUST.',
    ]) {
      expect(() => parseDefinitions(chapter(text), profiles), text).toThrow(RequirementsError)
    }
  })

  it('hashes the statement, so a changed text changes the hash', () => {
    const registry = extractRequirements()
    const hashes = new Set(registry.requirements.map((r) => r.textHash))
    expect(hashes.size).toBe(registry.requirements.length)
    for (const r of registry.requirements) expect(r.textHash).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  it("counts the suite's vectors: accepted ones as passing, rejected ones as failing", () => {
    const registry = extractRequirements()
    const coverage = new Map(registry.requirements.map((r) => [r.id, r.coverage]))
    for (const v of readVectors()) {
      expect(v.passing || v.failing, v.file).toBe(true)
      for (const id of v.requirements) {
        const files = (refs: readonly { file: string }[] | undefined): string[] =>
          (refs ?? []).map((r) => r.file)
        if (v.passing) expect(files(coverage.get(id)?.passing), id).toContain(v.file)
        if (v.failing) expect(files(coverage.get(id)?.failing), id).toContain(v.file)
      }
    }
  })

  it('reads full test titles, through describe, each, skip and template literals', () => {
    const source = [
      "describe('outer', () => {",
      "  it('plain', () => {})",
      "  it.each([1])('each %s', () => {})",
      "  describe.skip(`inner`, () => { test(`tmpl ${'x'}`, () => {}) })",
      '})',
      'it(name, () => {})',
    ].join('\n')
    expect(testTitles('a.test.ts', source)).toEqual([
      'outer > plain',
      'outer > each %s',
      "outer > inner > tmpl ${'x'}",
    ])
  })
})
