import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { extractRequirements } from '../../conformance/scripts/extract-requirements.js'
import { readChapters } from '../src/chapters.js'
import { renderReport } from '../src/pages.js'
import { ROOT } from '../src/paths.js'

describe('the conformance report page', () => {
  const registry = extractRequirements()

  it('shows what a report holds: header, verdicts and tests, linking their requirements', () => {
    const html = renderReport(
      {
        reportVersion: 1,
        suite: { name: 'cta-conformance', version: '0.1.0' },
        implementation: { name: 'Example <tool>', version: '1.0.0' },
        conformant: false,
        verdicts: [
          { profile: 'receiver', claimed: true, verdict: 'not-conformant', mustFailures: 1 },
        ],
        tests: [
          {
            id: 'doc.valid.group',
            title: 'Accepts a group',
            status: 'failed',
            requirements: ['DOC-CTX-001', 'NOT-DEF-001'],
            message: 'rejected with ERR_SCHEMA_INVALID',
          },
        ],
      },
      registry,
    )
    expect(html).toContain('<code>implementation.name</code></td><td>Example &lt;tool&gt;</td>')
    expect(html).toContain('<strong>not-conformant</strong>')
    expect(html).toContain('1 tests: 1 failed.')
    expect(html).toContain('<a href="/documents#DOC-CTX-001"><code>DOC-CTX-001</code></a>')
    expect(html).toContain('<code>NOT-DEF-001</code>')
    expect(html).not.toContain('<tool>')
  })

  it('says so when a report is not an object or holds nothing it can show', () => {
    expect(renderReport([], registry)).toContain('The report is not a JSON object.')
    expect(renderReport({ nested: [1] }, registry)).toContain('holds no fields this page can show')
  })
})

describe('the sidebar', () => {
  it("lists the index first, then the chapters in the order of the index's Chapters list", () => {
    const chapters = readChapters()
    expect(chapters[0]?.link).toBe('/')
    const index = readFileSync(`${ROOT}spec/index.md`, 'utf8')
    const list = index.slice(index.indexOf('## Chapters'))
    const positions = chapters
      .slice(1)
      .map((c) => list.indexOf(`](./${c.file})`))
      .filter((p) => p !== -1)
    expect(positions.length).toBeGreaterThan(2)
    expect(positions).toEqual([...positions].sort((a, b) => a - b))
    expect(chapters.map((c) => c.file).sort()).toEqual(
      readdirSync(`${ROOT}spec`)
        .filter((f) => f.endsWith('.md'))
        .sort(),
    )
  })
})
