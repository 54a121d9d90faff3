// Every requirement of spec/intents.md must be cited by a test that must pass and a test that must
// be rejected, here in sdk/test/intents.
//
// The rule, kept simple so that anyone can check it by reading the titles:
// - a test cites a requirement by putting its ID in square brackets in its title: `[INT-MAT-004]`;
// - a citing title is NEGATIVE (input that must be rejected, excluded or ignored) when it contains
//   one of the words "rejects", "refuses", "ignores", "excludes", "never" or "does not";
//   any other citing title is POSITIVE (input that must be accepted, matched or produced);
// - each ID needs at least one positive and one negative citing title.
// Titles are read from the source: the first string argument of each `it(` call.
import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/documents.js'

const SPEC = readFileSync(`${ROOT}spec/intents.md`, 'utf8')
const DIR = `${ROOT}sdk/test/intents/`

const NEGATIVE = /\b(rejects|refuses|ignores|excludes|never|does not)\b/i
const TITLE = /\bit\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g
const ID = /\[(INT-[A-Z]+-\d{3})\]/g

/** The requirement IDs the chapter defines: `**[INT-XXX-NNN]**` after its anchor. */
function defined(): string[] {
  return [...SPEC.matchAll(/<a id="(INT-[A-Z]+-\d{3})"><\/a>\*\*\[(INT-[A-Z]+-\d{3})\]\*\*/g)].map(
    (m) => {
      expect(m[1]).toBe(m[2])
      return m[1] ?? ''
    },
  )
}

/** Every test title in sdk/test/intents, with its file. */
function titles(): { file: string; title: string }[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.test.ts') && f !== 'requirements.test.ts')
    .flatMap((file) =>
      [...readFileSync(DIR + file, 'utf8').matchAll(TITLE)].map((m) => ({
        file,
        title: m[2] ?? '',
      })),
    )
}

describe('spec/intents.md requirements', () => {
  const ids = defined()
  const all = titles()

  it('defines requirement IDs, each once', () => {
    expect(ids.length).toBeGreaterThanOrEqual(20)
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([])
  })

  it('gives an ID to every paragraph that says MUST, SHOULD, SHALL, REQUIRED or RECOMMENDED', () => {
    const paragraphs = SPEC.split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter((p) => !p.startsWith('|') && !p.startsWith('#') && !p.startsWith('```'))
    const keyword = /\b(MUST|SHOULD|SHALL|REQUIRED|RECOMMENDED)\b/
    const unnumbered = paragraphs.filter((p) => keyword.test(p) && !p.startsWith('<a id="INT-'))
    expect(unnumbered).toEqual([])
  })

  it('cites each requirement in at least one positive and one negative test title', () => {
    const missing: string[] = []
    for (const id of ids) {
      const citing = all.filter(({ title }) => title.includes(`[${id}]`))
      const negative = citing.filter(({ title }) => NEGATIVE.test(title))
      if (negative.length === 0) missing.push(`${id}: no negative test`)
      if (negative.length === citing.length) missing.push(`${id}: no positive test`)
    }
    expect(missing).toEqual([])
  })

  it('cites no requirement the chapter does not define', () => {
    const known = new Set(ids)
    const cited = all.flatMap(({ file, title }) =>
      [...title.matchAll(ID)].map((m) => ({ file, id: m[1] ?? '' })),
    )
    expect(cited.length).toBeGreaterThan(2 * ids.length)
    expect(cited.filter(({ id }) => !known.has(id))).toEqual([])
  })
})
