import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, examples, twins } from './helpers/documents.js'

const SPEC = `${ROOT}spec/`
const chapters = readdirSync(SPEC).filter((f) => f.endsWith('.md'))
const text = (file: string): string => readFileSync(SPEC + file, 'utf8')

/** Requirement definitions: a bold bracketed ID that starts a normative statement. */
function definitions(): { id: string; file: string; anchor: boolean }[] {
  return chapters.flatMap((file) =>
    [
      ...text(file).matchAll(
        /(<a id="([A-Z]+-[A-Z]+-\d{3})"><\/a>)?\*\*\[([A-Z]+-[A-Z]+-\d{3})\]\*\*/g,
      ),
    ].map((m) => ({ id: m[3] ?? '', file, anchor: m[2] === m[3] })),
  )
}

/** The conformance vectors of documents and events that must be accepted or rejected. */
function vectors(verdict: 'valid' | 'invalid'): { requirements: string[] }[] {
  return ['documents', 'events'].flatMap((set) => {
    const dir = `${ROOT}conformance/vectors/${set}/${verdict}/`
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(dir + f, 'utf8')) as { requirements: string[] })
  })
}

/**
 * The documents chapter's rules about what a renderer does with a document that is valid (escape
 * it, give an image its alt, choose a language): no document breaks them, so no vector can; the
 * dashboard's rendering tests cite each of them instead.
 */
const rendererRules = new Set(
  [
    ...text('documents.md').matchAll(/\*\*\[(DOC-[A-Z]+-\d{3})\]\*\* \*\([^)]*\)\* A renderer /g),
  ].map((m) => m[1] ?? ''),
)
const RENDERING_TESTS = `${ROOT}examples/test/dashboard-rendering.test.ts`

describe('the spec', () => {
  const defs = definitions()

  it('cites every rule about what a renderer does in the dashboard’s rendering tests', () => {
    expect([...rendererRules].sort()).toEqual(['DOC-LANG-002', 'DOC-RND-001', 'DOC-RND-004'])
    const tests = readFileSync(RENDERING_TESTS, 'utf8')
    for (const id of rendererRules) {
      expect(tests.split(`[${id}]`).length - 1, id).toBeGreaterThanOrEqual(2)
    }
  })

  it('defines each requirement ID once, with an anchor of the same name', () => {
    const ids = defs.map((d) => d.id)
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([])
    expect(defs.filter((d) => !d.anchor).map((d) => d.id)).toEqual([])
    expect(ids.length).toBeGreaterThan(10)
  })

  it('gives every requirement of the documents chapter a passing and a failing vector', () => {
    // Example documents and their twins first; conformance vectors where a rule is about what no
    // document schema pair can show (an envelope's attribute names, display-string characters).
    const passing = new Set([...examples, ...vectors('valid')].flatMap((e) => e.requirements))
    const failing = new Set([...twins, ...vectors('invalid')].flatMap((t) => t.requirements))
    for (const { id } of defs.filter((d) => d.id.startsWith('DOC-') && !rendererRules.has(d.id))) {
      expect(passing.has(id), `${id} has no passing vector`).toBe(true)
      expect(failing.has(id), `${id} has no failing vector`).toBe(true)
    }
  })

  it('cites no requirement that the spec does not define', () => {
    const defined = new Set(defs.map((d) => d.id))
    const cited = [...examples, ...twins].flatMap((e) => e.requirements)
    expect(cited.filter((id) => !defined.has(id))).toEqual([])
    for (const file of chapters) {
      const links = [...text(file).matchAll(/\]\(#([A-Z]+-[A-Z]+-\d{3})\)/g)].map((m) => m[1])
      expect(
        links.filter((id) => id !== undefined && !defined.has(id)),
        file,
      ).toEqual([])
    }
  })

  it('includes every example document by reference, never pasted', () => {
    const documents = text('documents.md')
    // A profile's chapter (decisions, …) may include its own examples instead.
    const included = chapters.flatMap((file) =>
      [...text(file).matchAll(/^<<< \.\.\/examples\/documents\/(\S+)$/gm)].map((m) => m[1]),
    )
    const linked = [
      ...documents.matchAll(/\(\.\.\/examples\/documents\/(events\/[^)]+\.json)\)/g),
    ].map((m) => m[1])
    for (const { file } of examples) {
      expect([...included, ...linked], file).toContain(file)
    }
    // A pasted document would show up as a JSON block carrying the pinned context.
    expect(documents).not.toMatch(/```json[^`]*"@context"/)
  })

  it('has no include or relative link that points nowhere', () => {
    for (const file of chapters) {
      const body = text(file)
      const targets = [
        ...[...body.matchAll(/^<<< (\S+)$/gm)].map((m) => m[1] ?? ''),
        ...[...body.matchAll(/\]\((\.{1,2}\/[^)#]+)(#[^)]*)?\)/g)].map((m) => m[1] ?? ''),
      ]
      for (const target of targets) {
        expect(existsSync(resolve(dirname(SPEC + file), target)), `${file} → ${target}`).toBe(true)
      }
    }
  })
})
