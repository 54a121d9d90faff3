import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from './helpers/documents.js'
import { installTarballs, packWorkspace, type Packed } from './helpers/pack.js'

// What `npm pack` puts in the published packages (needs a built SDK: run it as
// `flock /tmp/cta-build.lock npx vitest run sdk/test/package-tarball.test.ts`).
const SCHEMAS = readdirSync(`${ROOT}schemas/v1`).filter((f) => f.endsWith('.json'))
const CONTEXT = readFileSync(`${ROOT}schemas/context/v1.jsonld`, 'utf8')

const packed: Record<string, Packed> = {
  sdk: packWorkspace('sdk'),
  conformance: packWorkspace('conformance'),
}

describe.each(['sdk', 'conformance'] as const)('the packed %s', (workspace) => {
  const pkg = packed[workspace] as Packed
  const root = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { license: string }
  const project = installTarballs([pkg])
  const dir = join(project, 'node_modules', pkg.name)

  it('contains README, LICENSE, CHANGELOG, every JSON Schema and the JSON-LD context', () => {
    expect(SCHEMAS.length).toBeGreaterThan(50)
    const required = [
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'assets/context/v1.jsonld',
      ...SCHEMAS.map((f) => `assets/schemas/v1/${f}`),
      ...(workspace === 'sdk'
        ? ['dist/index.js', 'dist/index.d.ts']
        : ['bin/cta-conformance.js', 'requirements.json']),
    ]
    const missing = required.filter((f) => !pkg.files.includes(f))
    expect(missing).toEqual([])
    for (const f of SCHEMAS) {
      expect(readFileSync(join(dir, 'assets/schemas/v1', f), 'utf8'), f).toBe(
        readFileSync(`${ROOT}schemas/v1/${f}`, 'utf8'),
      )
    }
  })

  it('carries the full Apache-2.0 text and a Keep a Changelog entry for its version', () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      license: string
      version: string
    }
    expect(manifest.license).toBe('Apache-2.0')
    expect(root.license).toBe('Apache-2.0')
    const license = readFileSync(join(dir, 'LICENSE'), 'utf8')
    expect(license).toBe(readFileSync(`${ROOT}LICENSE`, 'utf8'))
    expect(license).toMatch(/Apache License\s+Version 2\.0, January 2004/)
    expect(license).toContain('END OF TERMS AND CONDITIONS')
    expect(license.length).toBeGreaterThan(10_000)
    const changelog = readFileSync(join(dir, 'CHANGELOG.md'), 'utf8')
    expect(changelog).toContain('Keep a Changelog')
    expect(changelog).toContain('## [Unreleased]')
    expect(changelog).toMatch(
      new RegExp(`^## \\[${manifest.version}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'),
    )
    expect(changelog).toMatch(/^### Added$/m)
  })

  it('resolves the schemas and the context through its exports map, outside the repository', () => {
    const script = join(project, 'resolve.mjs')
    writeFileSync(
      script,
      [
        `import { readFileSync } from 'node:fs'`,
        `import { createRequire } from 'node:module'`,
        `import event from '${pkg.name}/schemas/v1/event.json' with { type: 'json' }`,
        `import manifest from '${pkg.name}/schemas/v1/tool-manifest.json' with { type: 'json' }`,
        `const contextPath = createRequire(import.meta.url).resolve('${pkg.name}/context/v1.jsonld')`,
        `const context = JSON.parse(readFileSync(contextPath, 'utf8'))`,
        `console.log(JSON.stringify({ ids: [event.$id, manifest.$id], contextPath, context }))`,
      ].join('\n'),
    )
    const out = JSON.parse(
      execFileSync(process.execPath, [script], { cwd: project, encoding: 'utf8' }),
    ) as {
      ids: string[]
      contextPath: string
      context: unknown
    }
    expect(out.ids).toEqual([
      'https://w3id.org/cta/schemas/v1/event.json',
      'https://w3id.org/cta/schemas/v1/tool-manifest.json',
    ])
    expect(out.contextPath.startsWith(dir)).toBe(true)
    expect(out.context).toEqual(JSON.parse(CONTEXT))
  })
})
