import { existsSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from './helpers/documents.js'
import {
  checkDocBlocks,
  collectDocBlocks,
  markdownBlocks,
  type DocDiagnostic,
} from './helpers/doc-examples.js'

const built = existsSync(`${ROOT}sdk/dist/index.d.ts`)
const BROKEN_FIXTURE = 'sdk/test/fixtures/doc-examples/broken.md'

const where = (d: DocDiagnostic): string => `${d.file}:${d.line}: ${d.message.split('\n')[0] ?? ''}`

describe.skipIf(!built)('README snippets and TSDoc examples (run `npm run build` first)', () => {
  const blocks = collectDocBlocks()
  const fixture = markdownBlocks(BROKEN_FIXTURE, '@cta-interop/sdk')
  let diagnostics: DocDiagnostic[] = []
  // One program for every block, the broken fixture among them.
  beforeAll(() => {
    diagnostics = checkDocBlocks([...blocks, ...fixture])
  }, 120_000)

  it('finds the README blocks and the TSDoc examples', () => {
    expect(blocks.filter((b) => b.file === 'README.md').length).toBeGreaterThan(0)
    expect(blocks.filter((b) => b.file === 'sdk/README.md').length).toBeGreaterThan(0)
    expect(blocks.length).toBeGreaterThan(140)
  })

  it('type-checks every block', () => {
    const real = diagnostics.filter((d) => d.file !== BROKEN_FIXTURE)
    expect(real.map(where)).toEqual([])
  })

  it('reports a block that does not compile with its file and line', () => {
    const reported = diagnostics.filter((d) => d.file === BROKEN_FIXTURE)
    expect(reported.map((d) => `${d.file}:${d.line}`)).toEqual([`${BROKEN_FIXTURE}:9`])
  })
})
