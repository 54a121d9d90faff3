// Every requirement of the membership and group auth chapters is cited by at least one test title
// that accepts and one that rejects.
import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/documents.js'

const CHAPTERS = ['membership.md', 'group-auth.md']
const TESTS = ['sdk/test/', 'sdk/test/auth/', 'sdk/test/authority/', 'sdk/test/membership/']

const ids = CHAPTERS.flatMap((file) => [
  ...readFileSync(`${ROOT}spec/${file}`, 'utf8').matchAll(
    /<a id="((?:MEM|AUTH)-[A-Z]+-\d{3})"><\/a>/g,
  ),
]).map((m) => m[1] ?? '')

/** String literals in the test files that cite a requirement: the titles. */
const titles = TESTS.flatMap((dir) =>
  readdirSync(ROOT + dir)
    .filter((f) => f.endsWith('.test.ts'))
    .flatMap((f) => [
      ...readFileSync(ROOT + dir + f, 'utf8').matchAll(/(['`])(\[[A-Z]+-[A-Z]+-\d{3}\][^'`]*)\1/g),
    ])
    .map((m) => m[2] ?? ''),
)

describe('the membership and group auth chapters', () => {
  it('define their requirements with identifiers', () => {
    expect(ids.length).toBeGreaterThan(20)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it.each(ids)('%s is cited by a test that accepts and one that rejects', (id) => {
    const citing = titles.filter((t) => t.includes(`[${id}]`))
    expect(
      citing.some((t) => /\baccepts\b/.test(t)),
      `${id}: no accepting test`,
    ).toBe(true)
    expect(
      citing.some((t) => /\brejects\b/.test(t)),
      `${id}: no rejecting test`,
    ).toBe(true)
  })

  it('are cited by no test with an identifier they do not define', () => {
    const cited = titles.flatMap((t) =>
      [...t.matchAll(/\[((?:MEM|AUTH)-[A-Z]+-\d{3})\]/g)].map((m) => m[1]),
    )
    expect(cited.filter((id) => id !== undefined && !ids.includes(id))).toEqual([])
  })
})
